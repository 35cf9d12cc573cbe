from odoo import api, models


class SmartDairyDashboard(models.Model):
    _inherit = "smart.dairy.dashboard"

    @api.model
    @api.private
    def _payload_stamp_tables(self):
        """Forecast widgets change with each run (its lines are written with it)."""
        tables = ("smart_dairy_forecast_run", "smart_dairy_forecast_config")
        return (*super()._payload_stamp_tables(), *tables)
