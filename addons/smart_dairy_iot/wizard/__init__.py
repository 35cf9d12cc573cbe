from . import smart_dairy_iot_token
