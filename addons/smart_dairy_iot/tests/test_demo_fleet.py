import datetime as dt

from smart_dairy.demo import generate_farm_demo, load_settings, telemetry
from smart_dairy.quality import MILK_KG_PER_LITRE

from odoo.tests import TransactionCase, tagged

from odoo.addons.smart_dairy_base.tests.demo import demo_company_and_day

from ..models.smart_dairy_demo import METER_DAYS
from ..models.smart_dairy_iot_cron import alert_key

STEPS = int(dt.timedelta(days=3) / telemetry.STEP)  # the demo's three days of readings
SILENT_STEPS = int(telemetry.SILENT_FOR / telemetry.STEP)
METRICS = {"temp_sensor": 1, "humidity_sensor": 2, "collar": 3, "gateway": 0, "milk_meter": 0}


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
        meter = self.devices.filtered(lambda d: d.type == "milk_meter")
        self.assertEqual(len(meter), 1)
        for farm in self.farms:
            fleet = self.devices.filtered(lambda d, farm=farm: d.farm_id == farm)
            names = {"TANK", "BARN", "GW", "COLLAR-1", "COLLAR-2"} | (
                {"METER"} if farm == meter.farm_id else set()
            )
            self.assertEqual(
                set(fleet.mapped("identifier")), {f"{farm.code}-{name}" for name in names}
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
            # gateways relay and the meter sends sessions: neither has readings of its own
            self.assertEqual(
                latest[device.identifier]["time"] is None,
                device.type in ("gateway", "milk_meter"),
            )

    def test_the_parlour_meter_recorded_the_last_days_milkings(self):
        meter = self.devices.filtered(lambda d: d.type == "milk_meter")
        incidents = load_settings()["incidents"]
        self.assertNotIn(
            meter.farm_id.code, (incidents["mastitis"]["farm"], incidents["shortfall"]["farm"])
        )
        self.env.cr.execute(
            """SELECT session_id, yield_kg, fat, protein, scc FROM smart_dairy_ts.milking
                WHERE device_id = %s""",
            [meter.id],
        )
        sessions = {row[0]: row[1:] for row in self.env.cr.fetchall()}
        Milking = self.env["smart.dairy.milking"]
        linked = Milking.search([("iot_device_id", "=", meter.id)])
        self.assertTrue(sessions)
        self.assertEqual(sorted(linked.mapped("meter_session_id")), sorted(sessions))
        for record in linked:
            yield_kg, fat, protein, scc = sessions[record.meter_session_id]
            self.assertEqual(record.farm_id, meter.farm_id)
            self.assertEqual(record.volume, round(yield_kg / MILK_KG_PER_LITRE, 2))
            self.assertEqual((record.fat_pct, record.protein_pct, record.scc), (fat, protein, scc))
        # production and quality did not move: the farm's records are the farm demo's
        _company, day = demo_company_and_day(self.env)
        first = min(linked.mapped("date"))
        self.assertGreaterEqual(first, day - dt.timedelta(days=METER_DAYS))
        expected = {
            (m.ear_tag, m.date, m.session): (m.volume, m.fat_pct, m.protein_pct, m.scc)
            for m in generate_farm_demo(day).milkings
            if m.farm_code == meter.farm_id.code and m.date >= first
        }
        records = Milking.search([("farm_id", "=", meter.farm_id.id), ("date", ">=", first)])
        self.assertEqual(
            {
                (r.animal_id.ear_tag, r.date, r.session): (
                    r.volume,
                    r.fat_pct,
                    r.protein_pct,
                    r.scc,
                )
                for r in records
            },
            expected,
        )
