from odoo import api, models


class SmartDairyIotRegistrySync(models.AbstractModel):
    """Records that are part of the intake's registry snapshot (devices, their metric
    limits, animals): the snapshot is rewritten after each change of them, or of their
    ``_registry_fields`` only when a model names some."""

    _name = "smart.dairy.iot.registry.sync"
    _description = "Kept in the Sensor Registry Snapshot"
    _registry_fields = None

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        self.env["smart.dairy.iot.device"]._sync_registry()
        return records

    def write(self, vals):
        result = super().write(vals)
        if self._registry_fields is None or self._registry_fields & set(vals):
            self.env["smart.dairy.iot.device"]._sync_registry()
        return result

    def unlink(self):
        result = super().unlink()
        self.env["smart.dairy.iot.device"]._sync_registry()
        return result
