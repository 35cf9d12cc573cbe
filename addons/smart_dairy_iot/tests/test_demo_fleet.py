import datetime as dt

from smart_dairy.demo import telemetry

from odoo.tests import TransactionCase, tagged

from ..models.smart_dairy_iot_cron import alert_key

STEPS = int(dt.timedelta(days=3) / telemetry.STEP)  # the demo's three days of readings
SILENT_STEPS = int(telemetry.SILENT_FOR / telemetry.STEP)
METRICS = {"temp_sensor": 1, "humidity_sensor": 2, "collar": 3, "gateway": 0}


@tagged("post_install", "-at_install")
class TestDemoFleet(TransactionCase):
    """The demo's devices and their telemetry, true by construction whatever the day of
    the install or of the test."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        company = cls.env.ref("smart_dairy_base.demo_company", raise_if_not_found=False)
        cls.farms = cls.env["smart.dairy.farm"].search(
            [("company_id", "=", company.id if company else 0)]
        )
        cls.devices = cls.env["smart.dairy.iot.device"].search([("farm_id", "in", cls.farms.ids)])

    def setUp(self):
        super().setUp()
        if not self.farms:
            self.skipTest("no demo data")
        self.assertTrue(self.devices, "the demo farms have no devices: the IoT demo failed")
        self.newest = max(self.devices.mapped("last_seen"))
        self.Device = self.devices.with_context(smart_dairy_iot_now=self.newest)

    def _count(self, device):
        self.env.cr.execute(
            "SELECT count(*) FROM smart_dairy_ts.reading WHERE device_id = %s", [device.id]
        )
        return self.env.cr.fetchone()[0]

    def test_each_farm_has_its_fleet_with_three_days_of_readings(self):
        for farm in self.farms:
            fleet = self.devices.filtered(lambda d, farm=farm: d.farm_id == farm)
            self.assertEqual(
                set(fleet.mapped("identifier")),
                {f"{farm.code}-{name}" for name in ("TANK", "BARN", "GW", "COLLAR-1", "COLLAR-2")},
            )
            for collar in fleet.filtered(lambda d: d.type == "collar"):
                self.assertEqual(collar.animal_id.farm_id, farm)
        silent = self.devices.filtered(lambda d: self.newest - d.last_seen >= telemetry.SILENT_FOR)
        self.assertEqual(len(silent), 1)
        for device in self.devices:
            steps = STEPS - SILENT_STEPS if device == silent else STEPS
            self.assertEqual(self._count(device), steps * METRICS[device.type], device.identifier)
        low = self.devices.filtered(lambda d: d.last_seen and d.battery < 15)
        self.assertEqual(len(low), 1)
        self.assertEqual(low.type, "collar")

    def test_statuses_and_alerts_show_what_needs_attention(self):
        devices = self.Device.search([("id", "in", self.devices.ids)])
        offline = devices.filtered(lambda d: d.status == "offline")
        self.assertEqual(offline.mapped("type"), ["collar"])  # the silent one
        self.Device._cron_raise_alerts(commit=False)
        Alert = self.env["smart.dairy.alert"]
        low = devices.filtered(lambda d: d.last_seen and d.battery < 15)
        for device, condition in ((offline, "offline"), (low, "battery")):
            alert = Alert.search(
                [("dedup_key", "=", alert_key(device.id, condition)), ("state", "!=", "resolved")]
            )
            self.assertEqual(len(alert), 1, condition)
            self.assertEqual(alert.source, "device")
        latest = {item["identifier"]: item for item in devices.get_latest()}
        for device in devices:
            self.assertEqual(latest[device.identifier]["time"] is None, device.type == "gateway")
