import datetime as dt
from zoneinfo import ZoneInfo

from odoo.exceptions import AccessError
from odoo.service.model import get_public_method
from odoo.tests import HttpCase, tagged

from .common import IotFleetMixin, IotHttpMixin


@tagged("post_install", "-at_install")
class TestMilkingSync(IotFleetMixin, IotHttpMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._fleet()
        cls.company_a.partner_id.tz = "Asia/Dhaka"
        cls.company_b.partner_id.tz = "America/Chicago"
        cls.meter_b = cls.env["smart.dairy.iot.device"].create(
            {"identifier": "iot-meter-b", "type": "milk_meter", "farm_id": cls.farm_b.id}
        )
        cls.tokens["iot-meter-b"] = cls.meter_b._issue_token()[cls.meter_b]

    def sync(self):
        return self.env["smart.dairy.milking"]._cron_sync_meter_sessions(commit=False)

    def records(self, meter):
        return self.env["smart.dairy.milking"].search([("iot_device_id", "=", meter.id)])

    def expected_slot(self, start, tz):
        local = dt.datetime.fromisoformat(start).astimezone(ZoneInfo(tz))
        hour = local.hour
        return local.date(), "morning" if hour < 11 else "midday" if hour < 16 else "evening"

    def test_sessions_become_milking_records_once(self):
        start = self.at(30)
        session = {
            "animal": "IOT-A-1", "session": "S-1", "yield_kg": 14.42, "start": start,
            "end": self.at(22), "fat": 4.1, "protein": 3.3, "scc": 150000.4,
        }  # fmt: skip
        rows = [
            session,
            # a second meter session of the same cow and milking: the later one is skipped
            dict(session, session="S-2", yield_kg=3.0),
            # fat beyond the company's plausible 7 %: the intake takes it, the record refuses it
            dict(session, animal="IOT-A-2", session="S-3", fat=12.5),
        ]
        body = self.assertJsonAnswer(self.post("milkings", rows, self.tokens["iot-meter-a"]), 200)
        self.assertEqual(body["accepted"], 3, body)
        start_b = self.at(40)
        row_b = {"animal": "IOT-B-1", "session": "B-1", "yield_kg": 20.6, "start": start_b}
        body = self.assertJsonAnswer(
            self.post("milkings", [row_b], self.tokens["iot-meter-b"]), 200
        )
        self.assertEqual(body["accepted"], 1, body)

        result = self.sync()
        milking = self.records(self.meter_a)
        self.assertEqual(len(milking), 1)
        day, slot = self.expected_slot(start, "Asia/Dhaka")
        self.assertRecordValues(
            milking,
            [
                {
                    "animal_id": self.cow_a.id,
                    "farm_id": self.farm_a.id,
                    "company_id": self.company_a.id,
                    "date": day,
                    "session": slot,
                    "volume": 14.0,  # 14.42 kg / 1.03 kg/L
                    "fat_pct": 4.1,
                    "protein_pct": 3.3,
                    "scc": 150000,
                    "meter_session_id": "S-1",
                    "meter_session_start": dt.datetime.fromisoformat(start).replace(tzinfo=None),
                }
            ],
        )
        self.assertEqual(milking.quality_grade, "premium")  # company defaults
        reasons = result["reasons"]
        self.assertIn("already has a milking record", reasons[(self.meter_a.id, "S-2")])
        self.assertIn("Fat of 12.5 %", reasons[(self.meter_a.id, "S-3")])
        self.assertFalse(
            self.env["smart.dairy.milking"].search([("animal_id", "=", self.cow_a2.id)])
        )

        # the other company's session becomes its own company's record, in its time zone
        milking_b = self.records(self.meter_b)
        day_b, slot_b = self.expected_slot(start_b, "America/Chicago")
        self.assertRecordValues(
            milking_b,
            [{"animal_id": self.cow_b.id, "company_id": self.company_b.id, "date": day_b,
              "session": slot_b, "volume": 20.0, "fat_pct": 0.0, "scc": 0}],
        )  # fmt: skip

        # a rerun creates nothing new, and the skipped sessions stay skipped with a reason
        total = self.env["smart.dairy.milking"].search_count([])
        again = self.sync()
        self.assertEqual(self.env["smart.dairy.milking"].search_count([]), total)
        self.assertEqual(again["created"], 0)
        self.assertIn((self.meter_a.id, "S-3"), again["reasons"])
        self.assertNotIn((self.meter_a.id, "S-1"), again["reasons"])

        # each company sees its own metered milkings only
        Milking = self.env["smart.dairy.milking"]
        seen = Milking.with_user(self.manager_b).search([("iot_device_id", "!=", False)])
        self.assertEqual(seen, milking_b)

    def test_batch_with_a_bad_session_keeps_the_good_ones(self):
        start = self.at(15)
        rows = [
            {"animal": "IOT-A-1", "session": "G-1", "yield_kg": 10.3, "start": start},
            {"animal": "IOT-A-2", "session": "G-2", "yield_kg": 9.0, "start": start,
             "protein": 15.0},
        ]  # fmt: skip
        body = self.assertJsonAnswer(self.post("milkings", rows, self.tokens["iot-meter-a"]), 200)
        self.assertEqual(body["accepted"], 2, body)
        result = self.env["smart.dairy.milking"]._cron_sync_meter_sessions(
            batch_size=10, commit=False
        )
        self.assertEqual(self.records(self.meter_a).mapped("meter_session_id"), ["G-1"])
        self.assertIn("Protein", result["reasons"][(self.meter_a.id, "G-2")])
        # one session a page: the skipped one does not hold the pages up
        again = self.env["smart.dairy.milking"]._cron_sync_meter_sessions(
            batch_size=1, commit=False
        )
        self.assertEqual(again["created"], 0)
        self.assertIn((self.meter_a.id, "G-2"), again["reasons"])
        cron = self.env.ref("smart_dairy_iot.ir_cron_milking_sync")
        self.assertEqual(cron.code, "model._cron_sync_meter_sessions()")

    def test_plain_users_cannot_run_the_sync_or_forge_the_links(self):
        Milking = self.env["smart.dairy.milking"]
        for user in (self.user_a, self.manager_a):
            with self.assertRaises(AccessError):
                get_public_method(Milking.with_user(user), "_cron_sync_meter_sessions")
        milking = Milking.create(
            {"animal_id": self.cow_a.id, "date": "2020-01-05", "session": "morning",
             "volume": 12}
        )  # fmt: skip
        for field, value in (
            ("iot_device_id", self.meter_a.id),
            ("meter_session_id", "FORGED"),
            ("meter_session_start", "2020-01-05 05:00:00"),
        ):
            with self.assertRaises(AccessError):
                milking.with_user(self.manager_a).write({field: value})
        self.assertFalse(milking.meter_session_id)
