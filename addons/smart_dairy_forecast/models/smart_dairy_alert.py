from odoo import fields, models


class SmartDairyAlert(models.Model):
    _inherit = "smart.dairy.alert"

    source = fields.Selection(
        selection_add=[("forecast", "Forecast"), ("other",)],
        ondelete={"forecast": "set default"},
    )
