import datetime as dt

from markupsafe import Markup, escape
from smart_dairy.iot import stats, storage

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
# Storage settings (days) applied by the maintenance cron, by StorageSettings field.
DAYS = {
    "compress_after": "smart_dairy_iot_compress_after_days",
    "raw_retention": "smart_dairy_iot_raw_retention_days",
    "retention_15m": "smart_dairy_iot_retention_15m_days",
    "retention_1h": "smart_dairy_iot_retention_1h_days",
    "retention_1d": "smart_dairy_iot_retention_1d_days",
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

    # Storage, applied by the maintenance cron (compression and retention)

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

    smart_dairy_iot_storage_figures = fields.Html(
        string="Sensor Store", compute="_compute_smart_dairy_iot_storage_figures", sanitize=False
    )

    def _compute_smart_dairy_iot_storage_figures(self):
        """Backend, chunks or partitions, size and compression of each table, and the lag
        of each aggregate behind now."""
        figures = stats.storage_stats(self.env.cr, fields.Datetime.now().replace(tzinfo=dt.UTC))
        rows = Markup("").join(
            Markup("<tr><td>%s</td><td class='text-end'>%s</td><td class='text-end'>%s</td>"
                   "<td class='text-end'>%s</td><td class='text-end'>%s</td></tr>")
            % (
                name,
                item["chunks"],
                f"{item['bytes'] / 1_048_576:,.1f} MB",
                item["compressed_chunks"],
                f"{item['compression_ratio']:.1f}:1" if item["compression_ratio"] else "—",
            )
            for name, item in figures["relations"].items()
        )  # fmt: skip
        lag = ", ".join(f"{name} {_age(value)}" for name, value in figures["aggregate_lag"].items())
        html = Markup(
            "<p>Backend: <strong>%s</strong></p><table class='table table-sm'><thead><tr>"
            "<th>Table</th><th class='text-end'>Chunks</th><th class='text-end'>Size</th>"
            "<th class='text-end'>Compressed</th><th class='text-end'>Ratio</th></tr></thead>"
            "<tbody>%s</tbody></table><p>Aggregates behind now: %s</p>"
        ) % (figures["backend"], rows, escape(lag))
        for settings in self:
            settings.smart_dairy_iot_storage_figures = html

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


def _age(delta):
    """A lag in words: '2 h 5 min', or 'never refreshed'."""
    if delta is None:
        return "never refreshed"
    minutes = int(delta.total_seconds() // 60)
    return f"{minutes // 60} h {minutes % 60} min" if minutes >= 60 else f"{minutes} min"
