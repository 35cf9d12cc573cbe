import datetime as dt

from smart_dairy.iot import storage

from odoo import api, fields, models
from odoo.exceptions import ValidationError

DAYS = {
    "compress_after": "smart_dairy_iot_compress_after_days",
    "raw_retention": "smart_dairy_iot_raw_retention_days",
    "retention_15m": "smart_dairy_iot_retention_15m_days",
    "retention_1h": "smart_dairy_iot_retention_1h_days",
    "retention_1d": "smart_dairy_iot_retention_1d_days",
}


class ResConfigSettings(models.TransientModel):
    """Storage settings applied by the maintenance cron (compression and retention)."""

    _inherit = "res.config.settings"

    smart_dairy_iot_compress_after_days = fields.Integer(
        string="Compress After (days)",
        config_parameter="smart_dairy_iot.compress_after_days",
        default=7,
    )
    smart_dairy_iot_raw_retention_days = fields.Integer(
        string="Keep Raw Readings (days)",
        config_parameter="smart_dairy_iot.raw_retention_days",
        default=90,
    )
    smart_dairy_iot_retention_15m_days = fields.Integer(
        string="Keep 15-Minute Aggregates (days)",
        config_parameter="smart_dairy_iot.retention_15m_days",
        default=180,
    )
    smart_dairy_iot_retention_1h_days = fields.Integer(
        string="Keep Hourly Aggregates (days)",
        config_parameter="smart_dairy_iot.retention_1h_days",
        default=365,
    )
    smart_dairy_iot_retention_1d_days = fields.Integer(
        string="Keep Daily Aggregates (days)",
        config_parameter="smart_dairy_iot.retention_1d_days",
        default=730,
    )

    @api.constrains(*DAYS.values())
    def _check_smart_dairy_iot_storage(self):
        for settings in self:
            days = {name: settings[field] for name, field in DAYS.items()}
            if min(days.values()) <= 0:
                raise ValidationError(self.env._("The storage settings must be positive days."))
            try:
                storage.StorageSettings(**{k: dt.timedelta(days=v) for k, v in days.items()})
            except ValueError as exc:
                raise ValidationError(
                    self.env._(
                        "These storage settings cannot be applied: %(reason)s.", reason=str(exc)
                    )
                ) from exc
