from odoo.exceptions import AccessError
from odoo.tests import TransactionCase, tagged

from .common import IotFleetMixin


@tagged("post_install", "-at_install")
class TestBrokerFiles(IotFleetMixin, TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._fleet()
        cls.env.user.company_ids |= cls.company_a | cls.company_b
        cls.Files = cls.env["smart.dairy.iot.broker.files"].with_context(
            allowed_company_ids=(cls.company_a | cls.company_b).ids
        )

    def test_each_device_with_a_token_may_write_its_own_topics_only(self):
        self.tank_b.action_revoke_token()
        files = self.Files.create({"subscriber_user": "ingest"})
        files.action_generate()
        users = dict(line.split(":", 1) for line in files.password_file.splitlines())
        self.assertEqual(users["iot-tank-a"], self.tank_a.sudo().mqtt_password_hash)
        self.assertTrue(users["iot-tank-a"].startswith("$7$"))
        self.assertNotIn("iot-tank-b", users)  # revoked
        blocks = {b.split("\n")[0]: b for b in files.acl_file.strip().split("\n\n")}
        self.assertEqual(
            blocks["user iot-collar-a"],
            "user iot-collar-a\ntopic write dairy/IOTA/iot-collar-a/readings\n"
            "topic write dairy/IOTA/iot-collar-a/milkings",
        )
        self.assertNotIn("user iot-tank-b", blocks)
        self.assertEqual(
            blocks["user ingest"], "user ingest\ntopic read dairy/#\ntopic read $share/#"
        )

    def test_only_administrators_make_them(self):
        for user in (self.manager_a, self.analyst_b):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self.env["smart.dairy.iot.broker.files"].with_user(user).create({})
