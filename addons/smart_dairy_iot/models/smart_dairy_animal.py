from odoo import models


class SmartDairyAnimal(models.Model):
    """Animals are part of the intake's registry snapshot (ear tag -> animal)."""

    _name = "smart.dairy.animal"
    _inherit = ["smart.dairy.animal", "smart.dairy.iot.registry.sync"]
    _registry_fields = {"ear_tag", "farm_id", "active"}
