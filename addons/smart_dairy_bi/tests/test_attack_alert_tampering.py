"""Issue 9, finding 6: a plain User rewrote an alert (severity, message, company)
through JSON-2. Alerts say what the system saw; Farm Managers handle them."""

from odoo.tests import tagged

from .common_attack import AttackCase

MODEL = "smart.dairy.alert"
TAMPERING = (
    {"severity": "info"},
    {"message": "tampered"},
    {"value": 1.0},
    {"state": "resolved"},
    {"name": "Nothing to see"},
)


@tagged("post_install", "-at_install")
class TestAlertTampering(AttackCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.alert = cls.env[MODEL]._raise(
            "attack:tank:1",
            {
                "name": "Tank 1 too warm",
                "source": "other",
                "company_id": cls.company_a.id,
                "severity": "critical",
                "message": "Tank 1 read 9 °C at 06:10.",
                "value": 9.0,
            },
        )

    def _intact(self):
        alert = self.alert.sudo()
        self.assertEqual(
            (alert.severity, alert.message, alert.company_id, alert.state, alert.value),
            ("critical", "Tank 1 read 9 °C at 06:10.", self.company_a, "open", 9.0),
        )

    def test_plain_user_changes_nothing(self):
        for vals in (*TAMPERING, {"company_id": self.company_b.id}, {"user_id": self.user_a.id}):
            with self.subTest(vals=vals):
                response = self.call(self.user_a, MODEL, "write", ids=self.alert.ids, vals=vals)
                self.assertRefused(response, 403)
        for method in ("action_acknowledge", "action_resolve"):
            self.assertRefused(self.call(self.user_a, MODEL, method, ids=self.alert.ids), 403)
        self._intact()
        read = self.call(self.user_a, MODEL, "read", ids=self.alert.ids, fields=["severity"])
        self.assertEqual(read.json()[0]["severity"], "critical")

    def test_farm_manager_handles_but_does_not_rewrite(self):
        for vals in (*TAMPERING, {"company_id": self.company_b.id}):
            with self.subTest(vals=vals):
                response = self.call(
                    self.farm_manager_a, MODEL, "write", ids=self.alert.ids, vals=vals
                )
                self.assertRefused(response, 403)
        self._intact()
        assign = self.call(
            self.farm_manager_a, MODEL, "write", ids=self.alert.ids,
            vals={"user_id": self.farm_manager_a.id},
        )  # fmt: skip
        self.assertEqual(assign.status_code, 200, assign.text)
        ack = self.call(self.farm_manager_a, MODEL, "action_acknowledge", ids=self.alert.ids)
        self.assertEqual(ack.status_code, 200, ack.text)
        alert = self.alert.sudo()
        self.assertEqual(alert.state, "acknowledged")
        self.assertEqual(alert.acknowledged_by, self.farm_manager_a)
        done = self.call(self.farm_manager_a, MODEL, "action_resolve", ids=self.alert.ids)
        self.assertEqual(done.status_code, 200, done.text)
        self.assertEqual((alert.state, alert.resolved_by), ("resolved", self.farm_manager_a))

    def test_nobody_creates_alerts_by_hand(self):
        for user in (self.user_a, self.farm_manager_a, self.analyst_a):
            response = self.call(
                user, MODEL, "create",
                vals_list=[{"name": "Fake", "dedup_key": f"fake:{user.id}", "message": "x"}],
            )  # fmt: skip
            self.assertRefused(response, 403)
        self.assertFalse(self.env[MODEL].sudo().search([("dedup_key", "like", "fake:")]))

    def test_other_company_gets_the_answer_of_a_missing_alert(self):
        missing = self.env[MODEL].sudo().search([], order="id desc", limit=1).id + 1000
        hidden = self.call(self.farm_manager_b, MODEL, "action_acknowledge", ids=self.alert.ids)
        absent = self.call(self.farm_manager_b, MODEL, "action_acknowledge", ids=[missing])
        self.assertEqual(self.assertRefused(hidden), self.assertRefused(absent))
        self._intact()
