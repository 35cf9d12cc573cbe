from odoo import fields, models


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
