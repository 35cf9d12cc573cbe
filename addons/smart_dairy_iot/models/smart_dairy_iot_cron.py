import datetime as dt
import logging

from smart_dairy import db
from smart_dairy.iot import events, maintenance, storage

from odoo import api, fields, models

from odoo.addons.smart_dairy_bi.models.sensor_store import store_dsn
from odoo.addons.smart_dairy_bi.models.smart_dairy_job_log import logged_job

_logger = logging.getLogger(__name__)

# ir.config_parameter keys (days) of the storage settings, with the engine's defaults.
STORAGE_PARAMS = {
    "compress_after": "smart_dairy_iot.compress_after_days",
    "raw_retention": "smart_dairy_iot.raw_retention_days",
    "retention_15m": "smart_dairy_iot.retention_15m_days",
    "retention_1h": "smart_dairy_iot.retention_1h_days",
    "retention_1d": "smart_dairy_iot.retention_1d_days",
}
ALERT_PREFIX = "iot:device"


def alert_key(device_id, condition):
    """The alert's dedup key: one unresolved alert per device and condition."""
    return f"{ALERT_PREFIX}:{device_id}:{condition}"


class SmartDairyIotDevice(models.Model):
    """Scheduled jobs of the sensor store: maintenance, and findings into alerts."""

    _inherit = "smart.dairy.iot.device"

    # Storage maintenance

    @api.model
    def _storage_settings(self):
        """The engine's StorageSettings from Settings (days); defaults where unset or invalid."""
        get = self.env["ir.config_parameter"].sudo().get_param
        values = {}
        for name, key in STORAGE_PARAMS.items():
            try:
                days = int(get(key) or 0)
            except ValueError:
                days = 0
            if days > 0:
                values[name] = dt.timedelta(days=days)
        try:
            return storage.StorageSettings(background_jobs=False, **values)
        except ValueError as exc:
            _logger.warning("IoT storage settings ignored (%s): using the defaults", exc)
            return storage.StorageSettings(background_jobs=False)

    @api.model
    def _store_dsn(self):
        return store_dsn(self.env.cr.dbname)

    @api.model
    @logged_job
    def _cron_storage_maintenance(self, commit=True):
        """Refresh aggregates, compress and apply retention on an autocommit connection of
        its own (continuous aggregates refresh outside a transaction); returns the engine's
        report and the progress steps reported, [(step, done, total)]. A run finding another
        one under way returns an empty report at once."""
        now = fields.Datetime.now().replace(tzinfo=dt.timezone.utc)
        settings = self._storage_settings()
        steps = []

        def progress(step, done, total):
            steps.append((step, done, total))
            _logger.info("IoT storage maintenance: %s %s/%s", step, done, total)
            if commit:
                self.env["ir.cron"]._commit_progress(1, remaining=max(total - done, 0))

        conn = db.connect(self._store_dsn(), autocommit=True, application_name="smart_dairy_cron")
        try:
            _logger.info("IoT storage maintenance on %s backend starts", storage.backend(conn))
            report = maintenance.run(conn, settings, now, progress=progress)
        finally:
            conn.close()
        _logger.info(
            "IoT storage maintenance done: refreshed %s, %s chunks compressed, dropped %s",
            report.refreshed,
            report.compressed,
            report.dropped,
        )
        return report, steps

    # Findings and device health into alerts

    def _alert_values(self, condition, message, value=None, threshold=None):
        self.ensure_one()
        values = {
            "name": self.env._(
                "%(device)s: %(condition)s", device=self.identifier, condition=condition
            ),
            "source": "device",
            "device_id": self.id,
            "animal_id": self.animal_id.id,
            "company_id": self.company_id.id,
            "severity": "critical" if condition == "offline" else "warning",
            "message": message,
        }
        if value is not None:
            values["value"] = value
        if threshold is not None:
            values["expected"] = f"{threshold:g}"
        return values

    @api.model
    @logged_job
    def _cron_raise_alerts(self, commit=True):
        """Turn the intake's queued findings into alerts (raised once per device and
        condition, resolved when cleared), raise or resolve an alert per device gone
        offline, and write today's fleet health. Returns (findings handled, devices
        offline)."""
        Alert = self.env["smart.dairy.alert"]
        devices = self.sudo().with_context(active_test=False)
        handled = 0
        while True:
            findings = events.take_findings(self.env.cr)
            if not findings:
                break
            for device_id, condition, _time, value, threshold, message, cleared in findings:
                key = alert_key(device_id, condition)
                device = devices.browse(device_id).exists()
                if cleared:
                    Alert._resolve(key, self.env._("The condition cleared."))
                elif device:
                    Alert._raise(key, device._alert_values(condition, message, value, threshold))
            handled += len(findings)
            if commit:
                self.env["ir.cron"]._commit_progress(len(findings))
        seen = devices.search([("active", "=", True), ("last_seen", "!=", False)])
        offline = seen.filtered(lambda d: d.status == "offline")
        for device in offline:
            Alert._raise(
                alert_key(device.id, "offline"),
                device._alert_values(
                    "offline",
                    self.env._(
                        "%(device)s has sent nothing since %(when)s (UTC).",
                        device=device.identifier,
                        when=device.last_seen,
                    ),
                ),
            )
        for device in seen - offline:
            Alert._resolve(alert_key(device.id, "offline"), self.env._("Back online."))
        _logger.info("IoT alerts: %s findings handled, %s devices offline", handled, len(offline))
        self.env["smart.dairy.iot.health"]._record(self._now())
        if commit:
            self.env["ir.cron"]._commit_progress(len(seen))
        return handled, len(offline)
