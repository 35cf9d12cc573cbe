from . import test_customer_demo
from . import test_customer_churn
from . import test_customer_access
from . import test_public_methods
