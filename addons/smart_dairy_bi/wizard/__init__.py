from . import smart_dairy_kpi_preview
from . import smart_dairy_kpi_preview_line
