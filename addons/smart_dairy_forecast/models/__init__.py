from . import res_company
from . import res_config_settings
from . import smart_dairy_alert
from . import smart_dairy_churn_model
from . import smart_dairy_customer_score
from . import res_partner
