from . import test_demo_data
from . import test_kpi_definition
from . import test_kpi_materialisation
from . import test_kpi_security
from . import test_kpi_api
from . import test_kpi_catalogue
