from odoo import fields, models


class SmartDairyAnimal(models.Model):
    """Animals are part of the intake's registry snapshot (ear tag -> animal), and show
    the unresolved alerts of the devices they wear."""

    _name = "smart.dairy.animal"
    _inherit = ["smart.dairy.animal", "smart.dairy.iot.registry.sync"]
    _registry_fields = {"ear_tag", "farm_id", "active"}

    open_alert_ids = fields.One2many(
        "smart.dairy.alert",
        "animal_id",
        string="Open Alerts",
        domain=[("state", "!=", "resolved")],
        readonly=True,
    )
    open_alert_count = fields.Integer(compute="_compute_open_alert_count")

    def _compute_open_alert_count(self):
        counts = dict(
            self.env["smart.dairy.alert"]._read_group(
                [("animal_id", "in", self.ids), ("state", "!=", "resolved")],
                ["animal_id"],
                ["__count"],
            )
        )
        for animal in self:
            animal.open_alert_count = counts.get(animal, 0)

    def action_open_alerts(self):
        """The animal's unresolved alerts."""
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Alerts of %s", self.display_name),
            "res_model": "smart.dairy.alert",
            "view_mode": "list,form",
            "domain": [("animal_id", "=", self.id), ("state", "!=", "resolved")],
        }
