from . import smart_dairy_iot_registry_sync  # mixed into the models below
from . import smart_dairy_iot_device_readings  # mixed into the device model
from . import (
    res_config_settings,
    smart_dairy_alert,
    smart_dairy_animal,
    smart_dairy_demo,
    smart_dairy_fact_sensor,
    smart_dairy_feed,
    smart_dairy_iot_device,
    smart_dairy_iot_health,
    smart_dairy_iot_metric,
    smart_dairy_iot_quarantine,
    smart_dairy_milking,
)
from . import smart_dairy_fact_iot_health  # a view over smart_dairy_iot_health's table
from . import smart_dairy_iot_cron  # extends the device model
