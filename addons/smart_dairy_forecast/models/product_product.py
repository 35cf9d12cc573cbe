from odoo import fields, models
from odoo.exceptions import AccessError

from odoo.addons.smart_dairy_base.models.smart_dairy_access_mixin import USER_GROUP


class ProductProduct(models.Model):
    _inherit = "product.product"

    dairy_forecast_line_count = fields.Integer(
        "Forecast Lines", compute="_compute_dairy_forecast_line_count", groups=USER_GROUP
    )

    def _compute_dairy_forecast_line_count(self):
        counts = dict(
            self.env["smart.dairy.forecast.line"]._read_group(
                [("product_id", "in", self.ids)], ["product_id"], ["__count"]
            )
        )
        for product in self:
            product.dairy_forecast_line_count = counts.get(product, 0)

    def action_open_dairy_forecast(self):
        """The demand forecast of these products beside their sales (Smart Dairy User)."""
        if not self.env.user.has_group(USER_GROUP):
            raise AccessError(self.env._("Only Smart Dairy users may open forecasts."))
        self.check_access("read")
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "smart_dairy_forecast.action_smart_dairy_forecast_analysis_demand"
        )
        action["domain"] = [("product_id", "in", self.ids)]
        return action
