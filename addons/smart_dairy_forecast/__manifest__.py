{
    "name": "Smart Dairy Forecast",
    "summary": "Customer segments, churn scores and value; demand and milk forecasts",
    "version": "19.0.1.0.0",
    "category": "Smart Dairy",
    "author": "Smart Dairy Analytics",
    "website": "https://github.com/smart-dairy/smart-dairy-odoo",
    "license": "LGPL-3",
    "depends": ["smart_dairy_bi"],
    "external_dependencies": {
        "python": ["smart-dairy", "pandas", "numpy", "scipy", "statsmodels", "scikit-learn"]
    },
    "data": [
        "security/ir.model.access.csv",
        "security/smart_dairy_forecast_rules.xml",
        "data/mail_activity_type_data.xml",
        "data/smart_dairy_customer_crons.xml",
        "data/smart_dairy_forecast_method_data.xml",
        "data/smart_dairy_forecast_cron.xml",
        "data/smart_dairy_segment_dashboard_data.xml",
        "views/smart_dairy_customer_score_views.xml",
        "views/smart_dairy_churn_model_views.xml",
        "views/smart_dairy_customer_clustering_views.xml",
        "views/res_partner_views.xml",
        "views/res_config_settings_views.xml",
        "views/smart_dairy_forecast_line_views.xml",
        "views/smart_dairy_forecast_analysis_views.xml",
        "views/smart_dairy_forecast_run_views.xml",
        "views/smart_dairy_forecast_config_views.xml",
        "views/smart_dairy_replenishment_views.xml",
        "views/smart_dairy_expiry_projection_views.xml",
        "views/product_views.xml",
        "views/smart_dairy_farm_views.xml",
        "views/smart_dairy_dashboard_widget_views.xml",
        "views/smart_dairy_forecast_menus.xml",
    ],
    "demo": [
        "demo/smart_dairy_forecast_demo.xml",
        "demo/smart_dairy_forecast_dashboard_demo.xml",
    ],
    "assets": {
        "web.assets_backend": [
            "smart_dairy_forecast/static/src/**/*",
            ("remove", "smart_dairy_forecast/static/src/views/**/*"),
        ],
        # graph views load with web's lazy bundle
        "web.assets_backend_lazy": [
            "smart_dairy_forecast/static/src/views/**/*",
        ],
        "web.assets_unit_tests": [
            "smart_dairy_forecast/static/tests/**/*.test.js",
        ],
        "web.assets_tests": ["smart_dairy_forecast/static/tests/tours/**/*"],
    },
    "uninstall_hook": "uninstall_hook",
}
