from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import TransactionCase, new_test_user, tagged

from odoo.addons.smart_dairy_bi.tests.common_attack import AttackCase

from .common import AS_OF, GROUP, CustomerHistoryMixin


@tagged("post_install", "-at_install")
class TestCustomerAccess(CustomerHistoryMixin, TransactionCase):
    """Scores and trainings stay in their company and with the suite's roles."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._customer_history()
        cls.other = cls.env["res.company"].create({"name": "Other Dairy"})
        Score = cls.env["smart.dairy.customer.score"]
        Score._score_company(cls.company, AS_OF)
        cls.score = Score.search([("company_id", "=", cls.company.id), ("is_current", "=", True)])[
            0
        ]
        cls.plain = cls._user("churn_plain", "base.group_user")
        cls.reader = cls._user("churn_reader", f"base.group_user,{GROUP}user")
        cls.farm_manager = cls._user("churn_fm", f"base.group_user,{GROUP}farm_manager")
        cls.analyst = cls._user("churn_analyst", f"base.group_user,{GROUP}analytics_manager")
        cls.other_analyst = cls._user(
            "churn_other_analyst", f"base.group_user,{GROUP}analytics_manager", cls.other
        )

    def test_users_outside_the_suite_read_and_run_nothing(self):
        Score = self.env["smart.dairy.customer.score"].with_user(self.plain)
        with self.assertRaises(AccessError):
            Score.search([])
        with self.assertRaises(AccessError):
            Score.action_rescore()
        with self.assertRaises(AccessError):
            self.env["smart.dairy.churn.model"].with_user(self.plain).search([])
        partner = self.score.partner_id.with_user(self.plain)
        with self.assertRaises(AccessError):
            partner.action_open_dairy_scores()
        self.assertNotIn("dairy_score_id", partner.fields_get())

    def test_suite_users_read_scores_but_only_analytics_managers_run_and_see_models(self):
        for user in (self.reader, self.farm_manager):
            Score = self.env["smart.dairy.customer.score"].with_user(user)
            self.assertIn(self.score, Score.search([]))
            with self.assertRaises(AccessError):
                Score.action_rescore()
            with self.assertRaises(AccessError):
                self.env["smart.dairy.churn.model"].with_user(user).search([])
            with self.assertRaises(AccessError):
                self.score.with_user(user).unlink()
            action = self.score.partner_id.with_user(user).action_open_dairy_scores()
            self.assertEqual(action["domain"], [("partner_id", "in", self.score.partner_id.ids)])
        with self.assertRaises(AccessError):
            self.score.with_user(self.analyst).write({"churn_probability": 0.0})
        self.assertTrue(self.env["smart.dairy.churn.model"].with_user(self.analyst).search([]))

    def test_another_companys_analyst_sees_and_rescores_only_their_company(self):
        Score = self.env["smart.dairy.customer.score"].with_user(self.other_analyst)
        self.assertFalse(Score.search([("company_id", "=", self.company.id)]))
        with self.assertRaises(AccessError):
            self.score.with_user(self.other_analyst).read(["health"])
        Training = self.env["smart.dairy.churn.model"].with_user(self.other_analyst)
        self.assertFalse(Training.search([("company_id", "=", self.company.id)]))
        before = self.scores(score_date=AS_OF, is_current=True)
        Score.action_rescore()
        self.assertEqual(
            self.scores(score_date=AS_OF, is_current=True), before, "company A is untouched"
        )
        partner = self.score.partner_id.with_user(self.other_analyst)
        self.assertFalse(partner.dairy_score_id)

    def test_analyst_rescores_their_company(self):
        history = self.scores(score_date=AS_OF)
        Score = self.env["smart.dairy.customer.score"].with_user(self.analyst)
        Score.with_context(allowed_company_ids=self.company.ids).action_rescore()
        # A newer scoring (the day it runs, after the crafted history) takes over.
        self.assertEqual(self.scores(score_date=AS_OF), history)
        self.assertFalse(self.scores(score_date=AS_OF, is_current=True))


@tagged("post_install", "-at_install")
class TestCustomerApi(AttackCase):
    """The addon's public methods over JSON-2, as each role calls them."""

    def test_roles_below_analytics_manager_are_refused(self):
        plain = self._plain_user()
        for user in (plain, self.user_a, self.farm_manager_a):
            with self.subTest(user=user.login):
                self.assertRefused(
                    self.call(user, "smart.dairy.customer.score", "action_rescore", ids=[])
                )
        partner = self.company_a.partner_id
        self.assertRefused(
            self.call(plain, "res.partner", "action_open_dairy_scores", ids=partner.ids)
        )
        response = self.call(self.analyst_a, "smart.dairy.customer.score", "action_rescore", ids=[])
        self.assertEqual(response.status_code, 200, response.text)
        response = self.call(
            self.user_a, "res.partner", "action_open_dairy_scores", ids=partner.ids
        )
        self.assertEqual(response.status_code, 200, response.text)

    def _plain_user(self):
        return new_test_user(
            self.env, "atk_plain_a", groups="base.group_user", email="atk_plain_a@example.com",
            company_ids=[Command.set(self.company_a.ids)], company_id=self.company_a.id,
        )  # fmt: skip
