from odoo import fields, models

from odoo.addons.smart_dairy_base.models.smart_dairy_access_mixin import USER_GROUP


class ResUsers(models.Model):
    _inherit = "res.users"

    smart_dairy_home_dashboard_id = fields.Many2one(
        "smart.dairy.dashboard",
        "Home Dashboard",
        groups=USER_GROUP,
        help="The dashboard Smart Dairy opens on; empty for the one of your groups.",
    )

    @property
    def SELF_READABLE_FIELDS(self):
        return [*super().SELF_READABLE_FIELDS, "smart_dairy_home_dashboard_id"]

    @property
    def SELF_WRITEABLE_FIELDS(self):
        return [*super().SELF_WRITEABLE_FIELDS, "smart_dairy_home_dashboard_id"]
