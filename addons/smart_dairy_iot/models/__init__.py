from . import smart_dairy_iot_registry_sync  # mixed into the models below
from . import (
    res_config_settings,
    smart_dairy_animal,
    smart_dairy_iot_device,
    smart_dairy_iot_metric,
    smart_dairy_iot_quarantine,
    smart_dairy_milking,
)
from . import smart_dairy_iot_cron  # extends the device model
