from . import smart_dairy_kpi_preview
from . import smart_dairy_kpi_preview_line
from . import smart_dairy_alert_rule_test
