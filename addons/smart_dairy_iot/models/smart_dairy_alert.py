from odoo import fields, models

from odoo.addons.smart_dairy_bi.models.smart_dairy_alert import SmartDairyAlert as BiAlert


class SmartDairyAlert(models.Model):
    """Alerts raised by devices (offline, low battery, failed stream checks), linked to
    the device and to the cow it is on."""

    _inherit = "smart.dairy.alert"
    _system_fields = BiAlert._system_fields | {"device_id", "animal_id"}

    source = fields.Selection(
        selection_add=[("device", "Device")], ondelete={"device": "set default"}
    )
    device_id = fields.Many2one("smart.dairy.iot.device", readonly=True, ondelete="set null")
    animal_id = fields.Many2one(
        "smart.dairy.animal", readonly=True, index="btree_not_null", ondelete="set null"
    )
