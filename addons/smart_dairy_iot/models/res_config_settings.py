from odoo import api, fields, models
from odoo.exceptions import ValidationError

# ir.config_parameter keys and defaults of the IoT settings.
PARAMS = {
    "online_minutes": ("smart_dairy_iot.online_minutes", 5),
    "degraded_minutes": ("smart_dairy_iot.degraded_minutes", 60),
    "max_batch": ("smart_dairy_iot.max_batch", 10_000),
    "future_minutes": ("smart_dairy_iot.future_minutes", 5),
    "lock_timeout_ms": ("smart_dairy_iot.lock_timeout_ms", 5_000),
}


def get_setting(env, name):
    """An IoT setting as an integer (its default when unset or not a positive number)."""
    key, default = PARAMS[name]
    value = env["ir.config_parameter"].sudo().get_param(key)
    try:
        value = int(value)
    except (TypeError, ValueError):
        return default
    return value if value > 0 else default


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    smart_dairy_iot_online_minutes = fields.Integer(
        string="Online Within (minutes)",
        config_parameter="smart_dairy_iot.online_minutes",
        default=5,
    )
    smart_dairy_iot_degraded_minutes = fields.Integer(
        string="Degraded Within (minutes)",
        config_parameter="smart_dairy_iot.degraded_minutes",
        default=60,
    )
    smart_dairy_iot_max_batch = fields.Integer(
        string="Largest Batch (rows)",
        config_parameter="smart_dairy_iot.max_batch",
        default=10_000,
    )
    smart_dairy_iot_future_minutes = fields.Integer(
        string="Future Tolerance (minutes)",
        config_parameter="smart_dairy_iot.future_minutes",
        default=5,
    )

    @api.constrains(
        "smart_dairy_iot_online_minutes",
        "smart_dairy_iot_degraded_minutes",
        "smart_dairy_iot_max_batch",
        "smart_dairy_iot_future_minutes",
    )
    def _check_smart_dairy_iot(self):
        for settings in self:
            if (
                min(
                    settings.smart_dairy_iot_online_minutes,
                    settings.smart_dairy_iot_degraded_minutes,
                    settings.smart_dairy_iot_max_batch,
                    settings.smart_dairy_iot_future_minutes,
                )
                <= 0
            ):
                raise ValidationError(self.env._("The IoT settings must be positive numbers."))
            if settings.smart_dairy_iot_degraded_minutes < settings.smart_dairy_iot_online_minutes:
                raise ValidationError(
                    self.env._(
                        "A device must be degraded no sooner than it stops being online: "
                        "the degraded threshold cannot be below the online one."
                    )
                )
