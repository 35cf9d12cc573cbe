from contextlib import closing

from odoo.sql_db import db_connect
from odoo.tests import HttpCase, tagged

from .common import IotFleetMixin, IotHttpMixin


@tagged("post_install", "-at_install")
class TestIntakeUnavailable(IotFleetMixin, IotHttpMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._fleet()

    def test_locked_store_is_503_with_retry_after_and_nothing_written(self):
        self.env["ir.config_parameter"].set_param("smart_dairy_iot.lock_timeout_ms", 300)
        rows = [
            {"metric": "temperature", "value": 4.0, "time": self.at(2)},
            {"metric": "temperature", "value": 4.1, "time": self.at(1)},
            {"metric": "temperature", "value": 999, "time": self.at(1)},
        ]
        token = self.tokens["iot-tank-a"]
        # another session holds the readings table, as a long maintenance would
        with closing(db_connect(self.env.cr.dbname).cursor()) as other:
            other.execute("SET lock_timeout = '5s'")
            other.execute("LOCK TABLE smart_dairy_ts.reading IN ACCESS EXCLUSIVE MODE")
            response = self.post("readings", rows, token)
            other.rollback()
        body = self.assertJsonAnswer(response, 503)
        self.assertEqual(body["error"], "unavailable")
        self.assertEqual(response.headers.get("Retry-After"), "5")
        self.assertEqual(self.count_rows("reading", self.tank_a), 0)
        self.assertFalse(
            self.env["smart.dairy.iot.quarantine"].search([("sender", "=", "iot-tank-a")])
        )
        self.assertFalse(self.tank_a.last_seen)
        # sent again once the store is free: taken in
        body = self.assertJsonAnswer(self.post("readings", rows, token), 200)
        self.assertEqual((body["accepted"], body["rejected"]), (2, 1))
