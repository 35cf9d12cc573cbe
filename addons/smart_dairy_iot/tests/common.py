import datetime as dt
import json

from psycopg2 import sql
from smart_dairy.iot import intake

from odoo import Command
from odoo.tests import new_test_user

GROUP = "smart_dairy_base.group_smart_dairy_"


class IotFleetMixin:
    """Two companies, each with a farm, cows and devices with tokens, and users."""

    @classmethod
    def _fleet(cls):
        env = cls.env
        cls.company_a = env["res.company"].create({"name": "IoT Dairy A"})
        cls.company_b = env["res.company"].create({"name": "IoT Dairy B"})
        cls.farm_a = env["smart.dairy.farm"].create(
            {"name": "IoT Farm A", "code": "IOTA", "company_id": cls.company_a.id}
        )
        cls.farm_b = env["smart.dairy.farm"].create(
            {"name": "IoT Farm B", "code": "IOTB", "company_id": cls.company_b.id}
        )
        Animal = env["smart.dairy.animal"]
        cls.cow_a = Animal.create({"ear_tag": "IOT-A-1", "farm_id": cls.farm_a.id})
        cls.cow_a2 = Animal.create({"ear_tag": "IOT-A-2", "farm_id": cls.farm_a.id})
        cls.cow_b = Animal.create({"ear_tag": "IOT-B-1", "farm_id": cls.farm_b.id})
        Device = env["smart.dairy.iot.device"]
        cls.collar_a = Device.create(
            {
                "identifier": "iot-collar-a",
                "type": "collar",
                "farm_id": cls.farm_a.id,
                "animal_id": cls.cow_a.id,
            }
        )
        cls.tank_a = Device.create(
            {"identifier": "iot-tank-a", "type": "temp_sensor", "farm_id": cls.farm_a.id}
        )
        cls.meter_a = Device.create(
            {"identifier": "iot-meter-a", "type": "milk_meter", "farm_id": cls.farm_a.id}
        )
        cls.gateway_a = Device.create(
            {"identifier": "iot-gw-a", "type": "gateway", "farm_id": cls.farm_a.id}
        )
        cls.tank_b = Device.create(
            {"identifier": "iot-tank-b", "type": "temp_sensor", "farm_id": cls.farm_b.id}
        )
        cls.tokens = {
            device.identifier: token
            for device, token in (
                cls.collar_a | cls.tank_a | cls.meter_a | cls.gateway_a | cls.tank_b
            )
            ._issue_token()
            .items()
        }
        cls.manager_a = cls._user("iot_manager_a", "farm_manager", cls.company_a)
        cls.manager_b = cls._user("iot_manager_b", "farm_manager", cls.company_b)
        cls.user_a = cls._user("iot_user_a", "user", cls.company_a)
        cls.analyst_b = cls._user("iot_analyst_b", "analytics_manager", cls.company_b)

    @classmethod
    def _user(cls, login, level, company):
        return new_test_user(
            cls.env,
            login,
            groups=f"base.group_user,{GROUP}{level}",
            company_ids=[Command.set(company.ids)],
            company_id=company.id,
        )

    @classmethod
    def take_readings(cls, device, rows, now):
        """Take in reading rows sent by ``device`` through the engine's intake, as the
        controller does; ``now`` is aware."""
        Device = cls.env["smart.dairy.iot.device"]
        registry = Device._intake_registry(device.company_id.ids)
        return intake.take(
            cls.env.cr,
            "reading",
            [(registry.devices[device.identifier], rows)],
            registry,
            now,
            Device._store_is_plain(),
        )

    def count_rows(self, table, device):
        self.env.flush_all()
        self.env.cr.execute(
            sql.SQL("SELECT count(*) FROM {} WHERE device_id = %s").format(
                sql.Identifier("smart_dairy_ts", table)
            ),
            [device.id],
        )
        return self.env.cr.fetchone()[0]


class IotHttpMixin:
    """POSTs to the intake over real HTTP."""

    def post(self, path, body, token=None, content_type="application/json", raw=None):
        headers = {"Content-Type": content_type}
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        self.env.flush_all()
        response = self.url_open(
            f"/smart_dairy/iot/v1/{path}",
            data=raw if raw is not None else json.dumps(body),
            headers=headers,
        )
        self.env.invalidate_all()
        return response

    def assertJsonAnswer(self, response, status):
        context = f"{response.status_code} {response.text[:400]}"
        self.assertEqual(response.status_code, status, context)
        self.assertEqual(
            response.headers.get("Content-Type", "").split(";")[0], "application/json", context
        )
        self.assertNotIn("Traceback", response.text)
        return response.json()

    @staticmethod
    def at(minutes_ago):
        """An ISO time ``minutes_ago`` before now (the intake accepts recent times only)."""
        moment = dt.datetime.now(dt.timezone.utc) - dt.timedelta(minutes=minutes_ago)
        return moment.replace(microsecond=0).isoformat()
