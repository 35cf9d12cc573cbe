from odoo import fields, models

from odoo.addons.smart_dairy_base.models.smart_dairy_access_mixin import USER_GROUP


class SmartDairyFarm(models.Model):
    _inherit = "smart.dairy.farm"

    forecast_line_count = fields.Integer("Forecast Lines", compute="_compute_forecast_line_count")

    def _compute_forecast_line_count(self):
        counts = dict(
            self.env["smart.dairy.forecast.line"]._read_group(
                [("farm_id", "in", self.ids)], ["farm_id"], ["__count"]
            )
        )
        for farm in self:
            farm.forecast_line_count = counts.get(farm, 0)

    def action_open_forecast(self):
        """The milk forecast of these farms beside their milkings (Smart Dairy User)."""
        self._check_caller(USER_GROUP)
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "smart_dairy_forecast.action_smart_dairy_forecast_analysis_milk"
        )
        action["domain"] = [("farm_id", "in", self.ids)]
        return action
