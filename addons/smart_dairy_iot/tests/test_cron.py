import datetime as dt

from smart_dairy import db, timeseries
from smart_dairy.iot import events

from odoo.exceptions import AccessError, ValidationError
from odoo.service.model import get_public_method
from odoo.tests import TransactionCase, tagged

from ..models.smart_dairy_iot_cron import alert_key
from .common import IotFleetMixin

NOW = dt.datetime(2026, 3, 10, 12, 0)


@tagged("post_install", "-at_install")
class TestCron(IotFleetMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._fleet()
        cls.Device = cls.env["smart.dairy.iot.device"].with_context(smart_dairy_iot_now=NOW)
        cls.Alert = cls.env["smart.dairy.alert"]

    def _open_alerts(self, device, condition):
        return self.Alert.search(
            [("dedup_key", "=", alert_key(device.id, condition)), ("state", "!=", "resolved")]
        )

    def _take(self, device, battery, minutes_ago):
        """Take in one collar reading through the engine's intake, as the controller does."""
        now = NOW.replace(tzinfo=dt.timezone.utc)
        row = {
            "metric": "activity",
            "value": 100,
            "time": (now - dt.timedelta(minutes=minutes_ago)).isoformat(),
            "battery": battery,
        }
        result = self.take_readings(device, row, now)
        self.assertEqual(result.accepted, 1, result.summary())
        events.record(self.env.cr, result, now)

    def test_maintenance_runs_and_reports_progress(self):
        report, steps = self.Device._cron_storage_maintenance(commit=False)
        # Every aggregate refreshed, one progress step each, then compression and retention.
        self.assertTrue(report.refreshed)
        refresh = [s for s in steps if s[0] == "refresh"]
        self.assertEqual([s[1] for s in refresh], list(range(1, len(refresh) + 1)))
        self.assertTrue(all(total == len(refresh) for _step, _done, total in refresh))
        self.assertEqual(steps[-1], ("retention", 1, 1))
        compress = [s for s in steps if s[0] == "compress"]
        self.assertEqual(len(compress), report.compressed)
        self.assertIn(timeseries.TABLE, report.dropped)
        # Each run is in the job log that pipeline health reads.
        (run,) = self.env["smart.dairy.job.log"].search(
            [("code", "=", "model._cron_storage_maintenance()")], limit=1
        )
        self.assertTrue(run.ok)

    def test_maintenance_runs_one_at_a_time(self):
        conn = db.connect(self.Device._store_dsn(), autocommit=True)
        try:
            with (
                conn.cursor() as cur,
                db.advisory_lock(cur, f"{timeseries.SCHEMA} maintenance") as acquired,
            ):
                self.assertTrue(acquired)
                report, steps = self.Device._cron_storage_maintenance(commit=False)
        finally:
            conn.close()
        self.assertEqual((report.refreshed, report.compressed, report.dropped), ({}, 0, {}))
        self.assertEqual(steps, [])

    def test_finding_raises_one_alert_and_clearing_resolves_it(self):
        self._take(self.collar_a, battery=9, minutes_ago=10)
        self.Device._cron_raise_alerts(commit=False)
        alert = self._open_alerts(self.collar_a, "battery")
        self.assertEqual(len(alert), 1)
        self.assertEqual(alert.source, "device")
        self.assertEqual(alert.company_id, self.company_a)
        self.assertEqual(alert.value, 9)
        # The cow wearing the collar shows it on her form.
        self.assertEqual((alert.device_id, alert.animal_id), (self.collar_a, self.cow_a))
        cow = self.cow_a.with_user(self.user_a)
        self.assertEqual((cow.open_alert_count, cow.open_alert_ids), (1, alert))
        self.assertEqual(
            self.Alert.with_user(self.user_a).search(cow.action_open_alerts()["domain"]), alert
        )
        self.assertEqual(self.cow_a2.open_alert_count, 0)
        # A repeat of the condition updates the same alert.
        self._take(self.collar_a, battery=8, minutes_ago=5)
        self.Device._cron_raise_alerts(commit=False)
        self.assertEqual(self._open_alerts(self.collar_a, "battery"), alert)
        self.assertEqual(
            self.Alert.search_count([("dedup_key", "=", alert_key(self.collar_a.id, "battery"))]),
            1,
        )
        self.assertEqual(alert.value, 8)
        # A good battery clears it; the queue is empty afterwards.
        self._take(self.collar_a, battery=80, minutes_ago=1)
        self.Device._cron_raise_alerts(commit=False)
        self.assertEqual(alert.state, "resolved")
        self.assertFalse(self._open_alerts(self.collar_a, "battery"))
        self.cow_a.invalidate_recordset()
        self.assertEqual(self.cow_a.open_alert_count, 0)
        self.assertFalse(events.take_findings(self.env.cr))

    def test_offline_device_raises_an_alert_resolved_when_back(self):
        self.tank_a.sudo().write({"last_seen": NOW - dt.timedelta(hours=2)})
        self.tank_b.sudo().write({"last_seen": NOW - dt.timedelta(minutes=1)})
        self.Device._cron_raise_alerts(commit=False)
        alert = self._open_alerts(self.tank_a, "offline")
        self.assertEqual(len(alert), 1)
        self.assertEqual(alert.severity, "critical")
        self.assertIn("iot-tank-a", alert.message)
        self.assertFalse(self._open_alerts(self.tank_b, "offline"))
        # A device never seen raises nothing; a second run does not duplicate.
        self.assertFalse(self._open_alerts(self.meter_a, "offline"))
        self.Device._cron_raise_alerts(commit=False)
        self.assertEqual(self._open_alerts(self.tank_a, "offline"), alert)
        # Back online: resolved.
        self.tank_a.sudo().write({"last_seen": NOW - dt.timedelta(minutes=2)})
        self.Device._cron_raise_alerts(commit=False)
        self.assertEqual(alert.state, "resolved")

    def test_plain_user_cannot_call_the_cron_methods(self):
        devices = self.env["smart.dairy.iot.device"].with_user(self.user_a)
        for method in ("_cron_storage_maintenance", "_cron_raise_alerts"):
            with self.assertRaises(AccessError):
                get_public_method(devices, method)

    def test_storage_settings_feed_the_maintenance(self):
        self.env["res.config.settings"].create(
            {"smart_dairy_iot_compress_after_days": 3, "smart_dairy_iot_raw_retention_days": 30}
        ).execute()
        settings = self.Device._storage_settings()
        self.assertEqual(self.Device._intake_policy().raw_retention, dt.timedelta(days=30))
        self.assertEqual(settings.compress_after, dt.timedelta(days=3))
        self.assertEqual(settings.raw_retention, dt.timedelta(days=30))
        self.assertEqual(settings.retention_1d, dt.timedelta(days=730))
        self.assertFalse(settings.background_jobs)
        # Daily aggregates are kept at least two years; hourly no shorter than raw.
        for vals in (
            {"smart_dairy_iot_retention_1d_days": 400},
            {"smart_dairy_iot_raw_retention_days": 500},
            {"smart_dairy_iot_compress_after_days": 0},
        ):
            with self.assertRaises(ValidationError):
                self.env["res.config.settings"].create(vals)

    def test_settings_show_what_the_store_holds(self):
        self._take(self.collar_a, battery=80, minutes_ago=10)
        html = str(self.env["res.config.settings"].create({}).smart_dairy_iot_storage_figures)
        backend = "plain" if self.Device._store_is_plain() else "timescaledb"
        self.assertIn(f"Backend: <strong>{backend}</strong>", html)
        for relation in ("reading", "milking", "reading_15m", "reading_1h", "reading_1d"):
            self.assertIn(f"<td>{relation}</td>", html)
        self.assertIn("Aggregates behind now: reading_15m", html)
