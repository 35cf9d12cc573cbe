from . import smart_dairy_iot_export, smart_dairy_iot_token
