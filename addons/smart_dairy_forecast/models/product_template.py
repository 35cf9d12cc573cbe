from odoo import fields, models

from odoo.addons.smart_dairy_base.models.smart_dairy_access_mixin import USER_GROUP


class ProductTemplate(models.Model):
    _inherit = "product.template"

    dairy_forecast_line_count = fields.Integer(
        "Forecast Lines", compute="_compute_dairy_forecast_line_count", groups=USER_GROUP
    )

    def _compute_dairy_forecast_line_count(self):
        for template in self:
            template.dairy_forecast_line_count = sum(
                template.product_variant_ids.mapped("dairy_forecast_line_count")
            )

    def action_open_dairy_forecast(self):
        """The demand forecast of these products' variants beside their sales (Smart
        Dairy User)."""
        return self.product_variant_ids.action_open_dairy_forecast()
