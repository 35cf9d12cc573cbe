import csv
import datetime as dt
import io
import urllib.parse

from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, TransactionCase, new_test_user, tagged

from odoo.addons.smart_dairy_base.tests.json2 import Json2Mixin
from odoo.addons.smart_dairy_bi.models.smart_dairy_request import InvalidRequest

from .common import IotFleetMixin

NOW = dt.datetime(2026, 3, 10, 12, 0)
UTC = dt.timezone.utc


class ReadingsMixin(IotFleetMixin):
    @classmethod
    def _readings(cls):
        """Tank A at 4.0, 5.0 and 9.0 °C, tank B at 3.0 °C, taken in before NOW."""
        cls._fleet()
        cls.analyst_a = cls._user("iot_analyst_a", "analytics_manager", cls.company_a)
        cls.outsider = new_test_user(
            cls.env, "iot_outsider", groups="base.group_user", company_id=cls.company_a.id
        )
        cls.Device = cls.env["smart.dairy.iot.device"].with_context(smart_dairy_iot_now=NOW)
        now = NOW.replace(tzinfo=UTC)
        for device, values in ((cls.tank_a, (4.0, 5.0, 9.0)), (cls.tank_b, (3.0,))):
            rows = [
                {
                    "metric": "temperature",
                    "value": value,
                    "time": (now - dt.timedelta(minutes=30 - 10 * i)).isoformat(),
                }
                for i, value in enumerate(values)
            ]
            rows.append({"metric": "temperature", "value": "warm", "time": now.isoformat()})
            result = cls.take_readings(device, rows, now)
            assert result.accepted == len(values) and len(result.rejected) == 1
        cls.window = ("2026-03-10 11:00:00", "2026-03-10 12:00:00")


@tagged("post_install", "-at_install")
class TestDeviceReadings(ReadingsMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._readings()

    def test_series_of_a_device_and_of_its_farm(self):
        tank = self.tank_a.with_user(self.user_a).with_context(smart_dairy_iot_now=NOW)
        answer = tank.get_series("temperature", *self.window, "raw")
        self.assertEqual(answer["resolution"], "raw")
        self.assertEqual([p["avg"] for p in answer["points"]], [4.0, 5.0, 9.0])
        self.assertEqual(answer["points"][0]["time"], "2026-03-10 11:30:00")
        self.assertEqual(tank.get_series("temperature", *self.window)["resolution"], "raw")
        farm = self.Device.with_user(self.user_a).get_farm_series(
            self.farm_a.id, "temperature", *self.window, "raw"
        )
        self.assertEqual(sum(p["avg"] for p in farm["points"]), 18.0)  # 4 + 5 + 9, no tank B
        self.assertEqual(tank.get_series("humidity", *self.window, "raw")["points"], [])

    def test_latest_reading_and_status_list(self):
        devices = (self.tank_a | self.collar_a).with_user(self.user_a)
        latest = {item["identifier"]: item for item in devices.get_latest()}
        self.assertEqual(latest["iot-tank-a"]["value"], 9.0)
        self.assertEqual(latest["iot-tank-a"]["time"], "2026-03-10 11:50:00")
        self.assertIsNone(latest["iot-collar-a"]["time"])
        listed = self.Device.with_user(self.user_a).get_status_list()
        self.assertEqual(
            {item["identifier"] for item in listed},
            {"iot-collar-a", "iot-tank-a", "iot-meter-a", "iot-gw-a"},
        )
        statuses = [item["status"] for item in listed]
        self.assertEqual(statuses, sorted(statuses, key=["offline", "degraded", "online"].index))

    def test_ingestion_stats_count_the_callers_companies_only(self):
        own = self.Device.with_user(self.analyst_a).get_ingestion_stats()
        self.assertEqual((own["readings_last_hour"], own["readings_last_day"]), (3, 3))
        self.assertEqual((own["rejected_last_day"], own["active_devices"]), (1, 1))
        self.assertAlmostEqual(own["rejected_share"], 1 / 4)
        other = self.Device.with_user(self.analyst_b).get_ingestion_stats()
        self.assertEqual((other["readings_last_day"], other["rejected_last_day"]), (1, 1))

    def test_bad_requests_name_the_field(self):
        tank = self.tank_a.with_user(self.user_a)
        cases = [
            (("temperature", "yesterday", self.window[1]), "date_from"),
            (("temperature", self.window[0], 5), "date_to"),
            (("temperature", self.window[1], self.window[0]), "date_to"),
            (("temperature", "2026-01-01 00:00:00", self.window[1], "raw"), "date_to"),
            (("temperature", *self.window, "minute"), "date_to"),
            ((["temperature"], *self.window), "metric"),
        ]
        for args, field in cases:
            with self.subTest(args=args), self.assertRaises(InvalidRequest) as caught:
                tank.get_series(*args)
            self.assertEqual(caught.exception.field, field)

    def test_refused_to_other_companies_and_to_outsiders(self):
        with self.assertRaises(AccessError):
            self.tank_b.with_user(self.user_a).get_series("temperature", *self.window)
        with self.assertRaises(AccessError):
            self.tank_b.with_user(self.user_a).get_latest()
        with self.assertRaises(InvalidRequest):
            self.Device.with_user(self.manager_b).get_farm_series(
                self.farm_a.id, "temperature", *self.window
            )
        for method, args in (
            ("get_status_list", ()),
            ("get_ingestion_stats", ()),
            ("get_farm_series", (self.farm_a.id, "temperature", *self.window)),
        ):
            with self.subTest(method=method), self.assertRaises(AccessError):
                getattr(self.Device.with_user(self.outsider), method)(*args)
        with self.assertRaises(AccessError):
            self.Device.with_user(self.user_a).get_ingestion_stats()  # Analytics Managers only

    def test_export_wizard_checks_the_range_and_opens_the_download(self):
        Wizard = self.env["smart.dairy.iot.export"].with_user(self.user_a)
        wizard = Wizard.with_context(default_device_id=self.tank_a.id).create(
            {"date_from": self.window[0], "date_to": self.window[1], "resolution": "raw"}
        )
        self.assertEqual(wizard.metric, "temperature")
        action = wizard.action_export()
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(action["url"]).query)
        self.assertEqual(query["device_id"], [str(self.tank_a.id)])
        self.assertEqual((query["date_from"], query["format"]), ([self.window[0]], ["csv"]))
        wizard.date_from = "2026-01-01 00:00:00"
        with self.assertRaisesRegex(UserError, "longer than the 7 days"):
            wizard.action_export()
        with self.assertRaises(AccessError):
            self.env["smart.dairy.iot.export"].with_user(self.outsider).create(
                {"device_id": self.tank_a.id}
            )


@tagged("post_install", "-at_install")
class TestDeviceReadingsApi(ReadingsMixin, Json2Mixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._readings()

    def test_json2_answers_and_refusals(self):
        model = "smart.dairy.iot.device"
        body = {
            "ids": self.tank_a.ids,
            "metric": "temperature",
            "date_from": self.window[0],
            "date_to": self.window[1],
            "resolution": "raw",
        }
        answer = self.json2(self.user_a, model, "get_series", body)
        self.assertEqual(answer.status_code, 200, answer.text[:300])
        self.assertEqual([p["avg"] for p in answer.json()["points"]], [4.0, 5.0, 9.0])
        refused = self.json2(self.user_a, model, "get_series", {**body, "ids": self.tank_b.ids})
        self.assertEqual(refused.status_code, 403, refused.text[:300])
        bad = self.json2(self.user_a, model, "get_series", {**body, "date_from": "soon"})
        self.assertEqual(bad.status_code, 422, bad.text[:300])
        self.assertEqual(bad.json().get("field"), "date_from")
        stats = self.json2(self.user_a, model, "get_ingestion_stats", {})
        self.assertEqual(stats.status_code, 403, stats.text[:300])

    def _export(self, **params):
        self.env.flush_all()
        query = urllib.parse.urlencode(
            {"metric": "temperature", "date_from": self.window[0], "date_to": self.window[1],
             "resolution": "raw", **params}
        )  # fmt: skip
        return self.url_open(f"/smart_dairy/iot/v1/export?{query}")

    def test_export_streams_the_range_and_refuses_what_is_not_yours(self):
        self.authenticate("iot_user_a", "iot_user_a")
        response = self._export(device_id=self.tank_a.id)
        self.assertEqual(response.status_code, 200, response.text[:300])
        lines = list(csv.reader(io.StringIO(response.text)))
        self.assertEqual(lines[0][:3], ["time", "device_id", "avg"])
        self.assertEqual([float(line[2]) for line in lines[1:]], [4.0, 5.0, 9.0])
        self.assertIn("attachment", response.headers["Content-Disposition"])
        farm = self._export(farm_id=self.farm_a.id, format="json")
        self.assertEqual([item["avg"] for item in farm.json()], [4.0, 5.0, 9.0])
        for params, status, field in (
            ({"device_id": self.tank_b.id}, 403, None),
            ({"farm_id": self.farm_b.id}, 422, "farm_id"),
            ({"device_id": self.tank_a.id, "resolution": "minute"}, 422, "date_to"),
            ({"device_id": self.tank_a.id, "format": "xml"}, 422, "format"),
            ({}, 422, "device_id"),
        ):
            with self.subTest(params=params):
                answer = self._export(**params)
                self.assertEqual(answer.status_code, status, answer.text[:300])
                self.assertEqual(answer.headers["Content-Type"].split(";")[0], "application/json")
                self.assertEqual(answer.json().get("field"), field)
        self.authenticate("iot_outsider", "iot_outsider")
        self.assertEqual(self._export(device_id=self.tank_a.id).status_code, 403)
