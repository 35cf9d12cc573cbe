from odoo.exceptions import AccessError
from odoo.tests import HttpCase, tagged

from .common import IotFleetMixin, IotHttpMixin


@tagged("post_install", "-at_install")
class TestIntake(IotFleetMixin, IotHttpMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._fleet()

    def test_good_batch_is_stored_and_the_device_seen(self):
        token = self.tokens["iot-collar-a"]
        rows = [
            {"metric": "activity", "value": 120, "time": self.at(3), "battery": 80},
            {"metric": "rumination", "value": 31.5, "unit": "min/h", "time": self.at(2)},
            {"device": "iot-collar-a", "metric": "activity", "value": 140, "time": self.at(1),
             "battery": 77.5, "signal": -61},
        ]  # fmt: skip
        body = self.assertJsonAnswer(self.post("readings", rows, token), 200)
        self.assertEqual(body, {"accepted": 3, "duplicate": 0, "rejected": 0, "errors": []})
        self.assertEqual(self.count_rows("reading", self.collar_a), 3)
        self.assertEqual(self.collar_a.battery, 77.5)
        self.assertEqual(self.collar_a.signal, -61)
        self.assertEqual(self.collar_a.last_seen.isoformat(), rows[2]["time"][:19])
        self.assertIn("activity 140", self.collar_a.last_reading)

        # the same batch again: stored once
        body = self.assertJsonAnswer(self.post("readings", rows, token), 200)
        self.assertEqual((body["accepted"], body["duplicate"]), (0, 3))
        self.assertEqual(self.count_rows("reading", self.collar_a), 3)

    def test_one_reading_as_an_object(self):
        row = {"metric": "temperature", "value": 4.2, "time": self.at(1)}
        body = self.assertJsonAnswer(self.post("readings", row, self.tokens["iot-tank-a"]), 200)
        self.assertEqual(body["accepted"], 1)
        self.assertEqual(self.count_rows("reading", self.tank_a), 1)

    def test_mixed_batch_keeps_the_valid_rows_and_quarantines_the_rest(self):
        rows = [
            {"metric": "activity", "value": 100, "time": self.at(5)},
            {"metric": "activity", "value": 5000, "time": self.at(4)},
            {"metric": "humidity", "value": 50, "time": self.at(3)},
            {"metric": "activity", "value": 90, "time": self.at(-60)},
            {"device": "iot-tank-b", "metric": "temperature", "value": 4, "time": self.at(2)},
            {"metric": "activity", "value": 95, "time": self.at(1), "animal": "NO-SUCH-COW"},
            "not an object",
        ]
        body = self.assertJsonAnswer(self.post("readings", rows, self.tokens["iot-collar-a"]), 200)
        self.assertEqual((body["accepted"], body["duplicate"], body["rejected"]), (1, 0, 6))
        errors = {e["index"]: e["reason"] for e in body["errors"]}
        self.assertEqual(sorted(errors), [1, 2, 3, 4, 5, 6])
        self.assertIn("5000", errors[1])
        self.assertIn("not allowed", errors[2])
        self.assertIn("future", errors[3])
        # another company's device: unknown here (its existence is not told)
        self.assertIn("unknown device", errors[4])
        self.assertIn("unknown animal", errors[5])
        self.assertEqual(self.count_rows("reading", self.collar_a), 1)
        self.assertEqual(self.count_rows("reading", self.tank_b), 0)

        quarantined = self.env["smart.dairy.iot.quarantine"].search(
            [("sender", "=", "iot-collar-a")]
        )
        self.assertEqual(sorted(quarantined.mapped("row_index")), [1, 2, 3, 4, 5, 6])
        self.assertEqual(set(quarantined.mapped("company_id")), {self.company_a})
        self.assertIn("5000", quarantined.filtered(lambda q: q.row_index == 1).payload)
        # each company sees its own quarantine only
        Quarantine = self.env["smart.dairy.iot.quarantine"]
        self.assertEqual(Quarantine.with_user(self.manager_a).search_count([]), 6)
        self.assertEqual(Quarantine.with_user(self.manager_b).search_count([]), 0)

    def test_gateway_sends_for_the_devices_of_its_farm_only(self):
        rows = [
            {"device": "iot-collar-a", "metric": "activity", "value": 10, "time": self.at(2)},
            {"device": "iot-tank-a", "metric": "temperature", "value": 3.5, "time": self.at(2)},
            {"device": "iot-tank-b", "metric": "temperature", "value": 3.5, "time": self.at(2)},
        ]
        body = self.assertJsonAnswer(self.post("readings", rows, self.tokens["iot-gw-a"]), 200)
        self.assertEqual((body["accepted"], body["rejected"]), (2, 1))
        self.assertEqual(body["errors"][0]["index"], 2)
        self.assertTrue(self.collar_a.last_seen)
        self.assertTrue(self.tank_a.last_seen)
        self.assertFalse(self.tank_b.last_seen)

    def test_milk_meter_sessions(self):
        session = {
            "animal": "IOT-A-1",
            "session": "S-1",
            "yield_kg": 14.2,
            "start": self.at(20),
            "end": self.at(12),
            "conductivity": 5.1,
            "fat": 4.1,
            "blood": False,
        }
        bad = dict(session, session="S-2", yield_kg=150)
        token = self.tokens["iot-meter-a"]
        body = self.assertJsonAnswer(self.post("milkings", [session, bad], token), 200)
        self.assertEqual((body["accepted"], body["rejected"]), (1, 1))
        self.assertEqual(body["errors"][0]["index"], 1)
        body = self.assertJsonAnswer(self.post("milkings", [session], token), 200)
        self.assertEqual((body["accepted"], body["duplicate"]), (0, 1))
        self.assertEqual(self.count_rows("milking", self.meter_a), 1)
        # a collar is no milk meter
        body = self.assertJsonAnswer(
            self.post("milkings", dict(session, session="S-3"), self.tokens["iot-collar-a"]), 200
        )
        self.assertEqual(body["rejected"], 1)

    def test_malformed_json_is_400(self):
        token = self.tokens["iot-tank-a"]
        body = self.assertJsonAnswer(self.post("readings", None, token, raw="[{"), 400)
        self.assertEqual(body["error"], "malformed_json")
        body = self.assertJsonAnswer(self.post("readings", 42, token), 400)
        self.assertEqual(body["error"], "malformed_json")

    def test_missing_or_wrong_token_is_401(self):
        row = {"metric": "temperature", "value": 4, "time": self.at(1)}
        body = self.assertJsonAnswer(self.post("readings", row), 401)
        self.assertEqual(body["error"], "unauthorized")
        wrong = self.tokens["iot-tank-a"][:8] + "0" * 32
        self.assertJsonAnswer(self.post("readings", row, wrong), 401)
        self.assertJsonAnswer(self.post("readings", row, "short"), 401)
        self.assertEqual(self.count_rows("reading", self.tank_a), 0)

    def test_revoked_or_archived_device_is_403(self):
        row = {"metric": "temperature", "value": 4, "time": self.at(1)}
        self.tank_a.with_user(self.manager_a).action_revoke_token()
        body = self.assertJsonAnswer(self.post("readings", row, self.tokens["iot-tank-a"]), 403)
        self.assertIn("revoked", body["message"])
        self.tank_b.active = False
        body = self.assertJsonAnswer(self.post("readings", row, self.tokens["iot-tank-b"]), 403)
        self.assertIn("inactive", body["message"])
        self.assertEqual(self.count_rows("reading", self.tank_a), 0)
        self.assertEqual(self.count_rows("reading", self.tank_b), 0)

    def test_batch_over_the_limit_is_413_and_nothing_is_stored(self):
        self.env["ir.config_parameter"].set_param("smart_dairy_iot.max_batch", 3)
        rows = [
            {"metric": "temperature", "value": 4, "time": self.at(minutes)}
            for minutes in range(1, 5)
        ]
        token = self.tokens["iot-tank-a"]
        body = self.assertJsonAnswer(self.post("readings", rows, token), 413)
        self.assertEqual(body["error"], "batch_too_large")
        self.assertEqual(self.count_rows("reading", self.tank_a), 0)
        self.assertJsonAnswer(self.post("readings", rows[:3], token), 200)
        self.assertEqual(self.count_rows("reading", self.tank_a), 3)

    def test_wrong_content_type_is_415(self):
        row = {"metric": "temperature", "value": 4, "time": self.at(1)}
        response = self.post("readings", row, self.tokens["iot-tank-a"], content_type="text/plain")
        body = self.assertJsonAnswer(response, 415)
        self.assertIn("application/json", body["message"])
        self.assertEqual(self.count_rows("reading", self.tank_a), 0)

    def test_other_methods_are_405(self):
        self.env.flush_all()
        response = self.url_open("/smart_dairy/iot/v1/readings")
        body = self.assertJsonAnswer(response, 405)
        self.assertEqual(body["error"], "method_not_allowed")
        self.assertEqual(response.headers.get("Allow"), "POST")

    def test_quarantined_row_is_replayed_after_the_range_is_widened(self):
        rows = [
            {"metric": "activity", "value": 1500, "time": self.at(3)},
            {"metric": "activity", "value": 1600, "time": self.at(2)},
        ]
        body = self.assertJsonAnswer(self.post("readings", rows, self.tokens["iot-collar-a"]), 200)
        self.assertEqual(body["rejected"], 2)
        Quarantine = self.env["smart.dairy.iot.quarantine"]
        queued = Quarantine.search([("sender", "=", "iot-collar-a")], order="row_index")
        self.assertEqual(len(queued), 2)
        with self.assertRaises(AccessError):
            queued.with_user(self.manager_b).action_replay()
        with self.assertRaises(AccessError):
            queued.with_user(self.user_a).action_replay()
        self.collar_a.metric_ids.filtered(lambda m: m.metric == "activity").high = 1550
        queued.with_user(self.manager_a).action_replay()
        self.assertEqual(self.count_rows("reading", self.collar_a), 1)
        self.assertEqual(queued.mapped("outcome"), ["stored", "rejected again"])
        self.assertTrue(queued[0].replayed_at)
        self.assertFalse(queued[1].replayed_at)
        # replaying again stores nothing twice
        queued.with_user(self.manager_a).action_replay()
        self.assertEqual(self.count_rows("reading", self.collar_a), 1)

    def test_ear_tag_used_in_two_companies_is_read_in_the_senders(self):
        twin = self.env["smart.dairy.animal"].create(
            {"ear_tag": "IOT-A-1", "farm_id": self.farm_b.id}
        )
        row = {"metric": "temperature", "value": 4, "time": self.at(1), "animal": "IOT-A-1"}
        body = self.assertJsonAnswer(self.post("readings", row, self.tokens["iot-tank-a"]), 200)
        self.assertEqual(body["accepted"], 1)
        body = self.assertJsonAnswer(self.post("readings", row, self.tokens["iot-tank-b"]), 200)
        self.assertEqual(body["accepted"], 1)
        self.env.cr.execute(
            "SELECT device_id, animal_id FROM smart_dairy_ts.reading WHERE device_id = ANY(%s)",
            [[self.tank_a.id, self.tank_b.id]],
        )
        self.assertEqual(
            sorted(self.env.cr.fetchall()),
            sorted([(self.tank_a.id, self.cow_a.id), (self.tank_b.id, twin.id)]),
        )
