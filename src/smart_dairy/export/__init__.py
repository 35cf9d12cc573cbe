"""Dashboard exports: display formats shared by every export, and the XLSX writer."""

from .formats import excel_format, excel_scale, format_delta_pct, format_value
from .xlsx import dashboard_xlsx

__all__ = ["dashboard_xlsx", "excel_format", "excel_scale", "format_delta_pct", "format_value"]
