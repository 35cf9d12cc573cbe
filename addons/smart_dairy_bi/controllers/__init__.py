from . import dashboard_export
