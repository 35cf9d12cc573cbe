from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    smart_dairy_reconcile_days = fields.Integer(
        "KPI Reconciliation Window (days)",
        config_parameter="smart_dairy_bi.reconcile_days",
        default=35,
        help="How many past days the nightly job recomputes in full.",
    )

    @api.constrains("smart_dairy_reconcile_days")
    def _check_reconcile_days(self):
        for settings in self:
            if not 1 <= settings.smart_dairy_reconcile_days <= 3660:
                raise ValidationError(
                    self.env._("The KPI reconciliation window must be between 1 and 3660 days.")
                )
