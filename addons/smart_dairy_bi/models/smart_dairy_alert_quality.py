from odoo import fields, models


class SmartDairyAlert(models.Model):
    """Alerts raised by failing data quality checks (one per check and company)."""

    _inherit = "smart.dairy.alert"

    source = fields.Selection(
        selection_add=[("quality", "Data Quality")], ondelete={"quality": "set default"}
    )
