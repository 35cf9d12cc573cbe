{
    "name": "Smart Dairy IoT",
    "summary": "Sensor device registry and ingestion into TimescaleDB",
    "version": "19.0.1.0.0",
    "category": "Smart Dairy",
    "author": "Smart Dairy Analytics",
    "website": "https://github.com/smart-dairy/smart-dairy-odoo",
    "license": "LGPL-3",
    "depends": [
        "smart_dairy_base",
        "smart_dairy_bi",
    ],
    "external_dependencies": {"python": ["smart-dairy"]},
    "data": [
        "security/ir.model.access.csv",
        "security/smart_dairy_iot_rules.xml",
        "data/smart_dairy_iot_maintenance_cron.xml",
        "wizard/smart_dairy_iot_token_views.xml",
        "views/smart_dairy_iot_device_views.xml",
        "views/smart_dairy_iot_quarantine_views.xml",
        "views/res_config_settings_views.xml",
        "views/res_config_settings_storage_views.xml",
        "views/smart_dairy_iot_menus.xml",
    ],
    "assets": {
        "web.assets_tests": ["smart_dairy_iot/static/tests/tours/**/*"],
    },
}
