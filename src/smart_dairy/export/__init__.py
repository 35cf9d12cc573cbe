"""Dashboard exports: display formats shared by every export, the XLSX writer, and the
flat CSV and JSON exports."""

from .flat import dashboard_csv, dashboard_json
from .formats import excel_format, excel_scale, format_delta_pct, format_value
from .xlsx import dashboard_xlsx

__all__ = [
    "dashboard_csv",
    "dashboard_json",
    "dashboard_xlsx",
    "excel_format",
    "excel_scale",
    "format_delta_pct",
    "format_value",
]
