{
    "name": "Smart Dairy Forecast",
    "summary": "Demand and milk production forecasts, customer segments and churn scores",
    "version": "19.0.1.0.0",
    "category": "Smart Dairy",
    "author": "Smart Dairy Analytics",
    "website": "https://github.com/smart-dairy/smart-dairy-odoo",
    "license": "LGPL-3",
    "depends": ["smart_dairy_bi"],
    "external_dependencies": {"python": ["smart-dairy", "pandas", "statsmodels", "scikit-learn"]},
}
