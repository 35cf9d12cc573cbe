import logging

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .smart_dairy_request import InvalidRequest

_logger = logging.getLogger(__name__)


class SmartDairyDashboardFilter(models.Model):
    """The filters a user last applied to a dashboard, restored when it opens again."""

    _name = "smart.dairy.dashboard.filter"
    _description = "Saved Dashboard Filters"
    _rec_name = "dashboard_id"

    user_id = fields.Many2one(
        "res.users", required=True, default=lambda self: self.env.user, ondelete="cascade"
    )
    dashboard_id = fields.Many2one("smart.dairy.dashboard", required=True, ondelete="cascade")
    values = fields.Json(help="Date preset or range and dimension filters, as applied.")

    _user_dashboard_unique = models.Constraint(
        "UNIQUE(user_id, dashboard_id)", "Filters are saved once per user and dashboard."
    )

    @api.constrains("values")
    def _check_values(self):
        """Saved values pass the same checks as filters sent with a dashboard load; ids
        must be readable by the user they are saved for (constraints run as sudo)."""
        for saved in self.filtered("values"):
            owner = self.env(user=saved.user_id.id, su=False, context={})
            try:
                owner["smart.dairy.request"]._check_filters(saved.values)
            except InvalidRequest as error:
                raise ValidationError(
                    self.env._("Saved dashboard filters: %(error)s", error=error)
                ) from error

    def _applicable_values(self):
        """The saved values, checked; ids no longer readable are left out, and values
        that do not pass the checks (saved before them) count as no saved filters."""
        Request = self.env["smart.dairy.request"]
        if not self.values:
            return Request._check_filters(None)
        try:
            return Request._check_filters(self.values, drop_unreadable=True)
        except InvalidRequest as error:
            _logger.info("Ignoring saved dashboard filters %s: %s", self.id, error)
            return Request._check_filters(None)
