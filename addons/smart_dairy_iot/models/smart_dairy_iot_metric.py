from odoo import api, fields, models
from odoo.exceptions import ValidationError


class SmartDairyIotMetric(models.Model):
    _name = "smart.dairy.iot.metric"
    _inherit = ["smart.dairy.access.mixin", "smart.dairy.iot.registry.sync"]
    _description = "Device Metric Limit"
    _order = "device_id, metric"

    device_id = fields.Many2one(
        "smart.dairy.iot.device", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="device_id.company_id", store=True)
    metric = fields.Char(required=True)
    unit = fields.Char(required=True)
    low = fields.Float(string="Lowest Valid", required=True)
    high = fields.Float(string="Highest Valid", required=True)

    _device_metric_unique = models.Constraint(
        "UNIQUE (device_id, metric)", "A device lists each metric once."
    )

    @api.constrains("low", "high")
    def _check_range(self):
        for line in self:
            if line.low > line.high:
                raise ValidationError(
                    self.env._(
                        "The lowest valid value of %(metric)s is above the highest.",
                        metric=line.metric,
                    )
                )
