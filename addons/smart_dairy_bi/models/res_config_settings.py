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

    smart_dairy_request_max_codes = fields.Integer(
        "KPI Codes per Request",
        config_parameter="smart_dairy_bi.request_max_codes",
        default=50,
        help="Most distinct KPI codes one API call may ask for.",
    )
    smart_dairy_request_max_ids = fields.Integer(
        "Ids per Filter",
        config_parameter="smart_dairy_bi.request_max_ids",
        default=500,
        help="Most distinct record ids or breakdown values one filter may list.",
    )
    smart_dairy_request_max_periods = fields.Integer(
        "Periods per Request",
        config_parameter="smart_dairy_bi.request_max_periods",
        default=1000,
        help="Most periods one call may return; longer ranges are asked for in pieces.",
    )

    @api.constrains(
        "smart_dairy_request_max_codes",
        "smart_dairy_request_max_ids",
        "smart_dairy_request_max_periods",
    )
    def _check_request_limits(self):
        for settings in self:
            if (
                min(
                    settings.smart_dairy_request_max_codes,
                    settings.smart_dairy_request_max_ids,
                    settings.smart_dairy_request_max_periods,
                )
                < 1
            ):
                raise ValidationError(self.env._("Request limits must be at least 1."))

    @api.constrains("smart_dairy_reconcile_days")
    def _check_reconcile_days(self):
        for settings in self:
            if not 1 <= settings.smart_dairy_reconcile_days <= 3660:
                raise ValidationError(
                    self.env._("The KPI reconciliation window must be between 1 and 3660 days.")
                )
