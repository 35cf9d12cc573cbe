from . import test_device, test_intake, test_intake_unavailable, test_public_methods, test_ui
from . import test_milking_sync
from . import test_cron
from . import test_device_readings
from . import test_broker_files
from . import test_dispenser_feed
from . import test_iot_dashboard
from . import test_demo_fleet, test_health
