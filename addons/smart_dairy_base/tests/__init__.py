from . import test_farm_animal
from . import test_milking
from . import test_milking_round
from . import test_security
from . import test_ui
from . import test_milking_api
from . import test_access_after_write
