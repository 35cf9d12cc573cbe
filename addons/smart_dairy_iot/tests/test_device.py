import datetime as dt

from psycopg2 import sql
from smart_dairy.iot import registry_store

from odoo.exceptions import AccessError, UserError
from odoo.tests import TransactionCase, tagged

from odoo.addons.base.models.res_users import KEY_CRYPT_CONTEXT

from .common import IotFleetMixin

NOW = dt.datetime(2026, 3, 10, 12, 0)


@tagged("post_install", "-at_install")
class TestDevice(IotFleetMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._fleet()

    def _device_row_text(self, device):
        self.env.flush_all()
        self.env.cr.execute(
            sql.SQL("SELECT row_to_json(d)::text FROM {} d WHERE id = %s").format(
                sql.Identifier(device._table)
            ),
            [device.id],
        )
        return self.env.cr.fetchone()[0]

    def test_token_is_stored_as_a_hash_only(self):
        token = self.tokens["iot-collar-a"]
        self.assertRegex(token, r"^[0-9a-f]{40}$")
        self.assertNotIn(token, self._device_row_text(self.collar_a))
        self.assertTrue(KEY_CRYPT_CONTEXT.verify(token, self.collar_a.token_hash))
        Device = self.env["smart.dairy.iot.device"]
        self.assertEqual(Device._authenticate(token), self.collar_a)
        self.assertFalse(Device._authenticate(token[:-1] + ("0" if token[-1] != "0" else "1")))
        self.assertFalse(Device._authenticate(""))
        # the hash is not readable by a Farm Manager
        with self.assertRaises(AccessError):
            self.collar_a.with_user(self.manager_a).read(["token_hash"])

    def test_regenerate_shows_the_new_token_once_and_the_old_one_stops(self):
        old = self.tokens["iot-collar-a"]
        action = self.collar_a.with_user(self.manager_a).action_generate_token()
        new = action["context"]["default_token"]
        self.assertNotEqual(new, old)
        self.assertEqual(action["res_model"], "smart.dairy.iot.token")
        self.assertNotIn(new, self._device_row_text(self.collar_a))
        Device = self.env["smart.dairy.iot.device"]
        self.assertFalse(Device._authenticate(old))
        self.assertEqual(Device._authenticate(new), self.collar_a)

    def test_revoke(self):
        self.collar_a.with_user(self.manager_a).action_revoke_token()
        self.assertEqual(self.collar_a.token_state, "revoked")
        # still recognised, so that the intake answers 403 and not 401
        device = self.env["smart.dairy.iot.device"]._authenticate(self.tokens["iot-collar-a"])
        self.assertEqual(device.token_state, "revoked")
        with self.assertRaises(UserError):
            self.collar_a.with_user(self.manager_a).action_revoke_token()
        with self.assertRaises(AccessError):
            self.tank_a.with_user(self.user_a).action_revoke_token()
        with self.assertRaises(AccessError):
            self.tank_a.with_user(self.manager_b).action_revoke_token()
        with self.assertRaises(AccessError):
            self.tank_a.with_user(self.user_a).action_generate_token()
        self.assertEqual(self.tank_a.token_state, "active")

    def test_status_relative_to_a_given_now(self):
        self.collar_a.sudo().last_seen = NOW
        Device = self.env["smart.dairy.iot.device"]

        def status_at(**delta):
            now = NOW + dt.timedelta(**delta)
            return self.collar_a.with_context(smart_dairy_iot_now=now).status

        self.assertEqual(status_at(minutes=0), "online")
        self.assertEqual(status_at(minutes=5), "online")
        self.assertEqual(status_at(minutes=6), "degraded")
        self.assertEqual(status_at(minutes=60), "degraded")
        self.assertEqual(status_at(minutes=61), "offline")
        self.assertEqual(self.tank_a.with_context(smart_dairy_iot_now=NOW).status, "offline")
        fleet = self.collar_a | self.tank_a | self.meter_a | self.gateway_a
        at = Device.with_context(smart_dairy_iot_now=NOW + dt.timedelta(minutes=30))
        self.assertEqual(at.search([("id", "in", fleet.ids), ("status", "in", ["degraded"])]),
                         self.collar_a)  # fmt: skip
        self.assertEqual(
            at.search([("id", "in", fleet.ids), ("status", "in", ["offline"])]),
            fleet - self.collar_a,
        )
        # thresholds from Settings
        self.env["ir.config_parameter"].set_param("smart_dairy_iot.online_minutes", 10)
        self.env["ir.config_parameter"].set_param("smart_dairy_iot.degraded_minutes", 20)
        self.assertEqual(status_at(minutes=8), "online")
        self.assertEqual(status_at(minutes=15), "degraded")
        self.assertEqual(status_at(minutes=30), "offline")

    def test_metric_defaults_per_type(self):
        limits = {m.metric: (m.unit, m.low, m.high) for m in self.collar_a.metric_ids}
        self.assertEqual(limits["activity"], ("units", 0.0, 1000.0))
        self.assertEqual(limits["temperature"], ("°C", -50.0, 100.0))
        meter = {m.metric: (m.low, m.high) for m in self.meter_a.metric_ids}
        self.assertEqual(meter["milk_yield"], (0.0, 100.0))
        self.assertFalse(self.gateway_a.metric_ids)

    def test_registry_snapshot_follows_the_orm(self):
        def snapshot():
            self.env.flush_all()
            return registry_store.load(self.env.cr)

        registry = snapshot()
        engine = registry.devices["iot-collar-a"]
        self.assertEqual(
            (engine.farm_id, engine.company_id, engine.animal_id),
            (self.farm_a.id, self.company_a.id, self.cow_a.id),
        )
        self.assertEqual(registry.animals["IOT-B-1"], self.cow_b.id)
        line = self.collar_a.metric_ids.filtered(lambda m: m.metric == "activity")
        line.high = 2000
        self.assertEqual(snapshot().devices["iot-collar-a"].metrics["activity"].high, 2000)
        self.collar_a.active = False
        self.assertFalse(snapshot().devices["iot-collar-a"].active)
        self.cow_a2.ear_tag = "IOT-A-2B"
        self.assertIn("IOT-A-2B", snapshot().animals)
        self.tank_a.unlink()
        self.assertNotIn("iot-tank-a", snapshot().devices)

    def test_two_companies(self):
        Device = self.env["smart.dairy.iot.device"]
        seen = Device.with_user(self.manager_a).search([("identifier", "like", "iot-")])
        self.assertEqual(seen, self.collar_a | self.tank_a | self.meter_a | self.gateway_a)
        seen_b = Device.with_user(self.analyst_b).search([("identifier", "like", "iot-")])
        self.assertEqual(seen_b, self.tank_b)
        with self.assertRaises(AccessError):
            self.tank_b.with_user(self.manager_a).write({"zone": "stolen"})
        with self.assertRaises(AccessError):
            self.tank_b.with_user(self.manager_a).read(["identifier"])
        with self.assertRaises(AccessError):
            self.tank_a.with_user(self.manager_a).write({"farm_id": self.farm_b.id})
        self.assertEqual(self.tank_a.farm_id, self.farm_a)

    def test_unprivileged_user_may_read_but_not_write(self):
        Device = self.env["smart.dairy.iot.device"].with_user(self.user_a)
        self.assertEqual(Device.browse(self.tank_a.id).identifier, "iot-tank-a")
        with self.assertRaises(AccessError):
            Device.create({"identifier": "x-1", "type": "collar", "farm_id": self.farm_a.id})
        with self.assertRaises(AccessError):
            Device.browse(self.tank_a.id).write({"zone": "milk room"})
        with self.assertRaises(AccessError):
            Device.browse(self.tank_a.id).unlink()
        with self.assertRaises(AccessError):
            self.env["smart.dairy.iot.metric"].with_user(self.user_a).browse(
                self.tank_a.metric_ids.ids
            ).write({"high": 500})
        with self.assertRaises(AccessError):
            self.env["smart.dairy.iot.quarantine"].with_user(self.user_a).search([])

    def test_manager_cannot_set_what_the_intake_reports(self):
        with self.assertRaises(AccessError):
            self.tank_a.with_user(self.manager_a).write({"battery": 100})
        with self.assertRaises(AccessError):
            self.tank_a.with_user(self.manager_a).write({"token_state": "active"})
        device = (
            self.env["smart.dairy.iot.device"]
            .with_user(self.manager_a)
            .create({"identifier": "iot-new", "type": "humidity_sensor", "farm_id": self.farm_a.id})
        )
        self.assertEqual(device.token_state, "none")
        self.assertEqual(device.company_id, self.company_a)
        self.assertEqual(set(device.metric_ids.mapped("metric")), {"humidity", "temperature"})
