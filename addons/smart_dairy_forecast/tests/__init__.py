from . import test_customer_demo
from . import test_customer_churn
from . import test_customer_access
from . import test_public_methods
from . import test_forecast_runs
from . import test_forecast_access
from . import test_replenishment
from . import test_expiry_projection
