from odoo import api, models

REGISTRY_FIELDS = {"ear_tag", "farm_id", "active"}


class SmartDairyAnimal(models.Model):
    """Animals are part of the intake's registry snapshot (ear tag -> animal)."""

    _inherit = "smart.dairy.animal"

    @api.model_create_multi
    def create(self, vals_list):
        animals = super().create(vals_list)
        self.env["smart.dairy.iot.device"]._sync_registry()
        return animals

    def write(self, vals):
        result = super().write(vals)
        if REGISTRY_FIELDS & set(vals):
            self.env["smart.dairy.iot.device"]._sync_registry()
        return result

    def unlink(self):
        result = super().unlink()
        self.env["smart.dairy.iot.device"]._sync_registry()
        return result
