"""Issue 9, finding 2: administrative jobs (recompute every KPI, evaluate the alert
rules, preview, test) were open to any Smart Dairy User through JSON-2."""

import datetime

from odoo.tests import tagged

from .common_attack import AttackCase

MARCH_3 = datetime.date(2025, 3, 3)


@tagged("post_install", "-at_install")
class TestAdminJobs(AttackCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.production = cls.env["smart.dairy.kpi"].search([("code", "=", "PRODUCTION")])
        cls.rule = cls.env.ref("smart_dairy_bi.rule_production_below_target")
        farm = cls.env["smart.dairy.farm"].create(
            {"name": "Farm of A", "code": "ATK", "company_id": cls.company_a.id}
        )
        cow = cls.env["smart.dairy.animal"].create(
            {"ear_tag": "ATK-1", "farm_id": farm.id, "status": "lactating"}
        )
        cls.env["smart.dairy.milking"].create(
            {
                "animal_id": cow.id,
                "date": MARCH_3,
                "session": "morning",
                "volume": 21.0,
                "fat_pct": 4.0,
                "protein_pct": 3.4,
                "scc": 150_000,
            }
        )

    def _counts(self):
        Run = self.env["smart.dairy.kpi.run"].sudo()
        Alert = self.env["smart.dairy.alert"].sudo().with_context(active_test=False)
        return Run.search_count([]), Alert.search_count([]), Alert.search([]).mapped("write_date")

    def test_plain_users_and_farm_managers_run_no_admin_job(self):
        before = self._counts()
        for user in (self.user_a, self.farm_manager_a):
            for model, method, ids in (
                ("smart.dairy.kpi", "action_recompute", []),
                ("smart.dairy.kpi", "action_recompute", self.production.ids),
                ("smart.dairy.kpi", "action_preview", self.production.ids),
                ("smart.dairy.alert.rule", "action_evaluate", self.rule.ids),
                ("smart.dairy.alert.rule", "action_test", self.rule.ids),
            ):
                with self.subTest(user=user.login, method=method, ids=ids):
                    self.assertRefused(self.call(user, model, method, ids=ids), 403)
        self.assertEqual(self._counts(), before)

    def test_analytics_manager_recomputes_only_their_companies(self):
        response = self.call(
            self.analyst_a, "smart.dairy.kpi", "action_recompute", ids=self.production.ids
        )
        self.assertEqual(response.status_code, 200, response.text)
        run = self.env["smart.dairy.kpi.run"].sudo().search([], limit=1)
        self.assertEqual(run.mode, "manual")
        Value = self.env["smart.dairy.kpi.value"].sudo()
        written = Value.search([("run_id", "=", run.id)])
        self.assertEqual(written.company_id, self.company_a)
        day = written.filtered(
            lambda v: v.grain == "day" and not v.breakdown and v.period_start == MARCH_3
        )
        self.assertAlmostEqual(day.value, 21.0)

    def test_analytics_manager_evaluates_in_their_companies(self):
        response = self.call(
            self.analyst_a, "smart.dairy.alert.rule", "action_evaluate", ids=self.rule.ids
        )
        self.assertEqual(response.status_code, 200, response.text)
        self.assertEqual(response.json()["tag"], "display_notification")

    def test_other_companys_records_are_refused_like_missing_ones(self):
        kpi_b = self.env["smart.dairy.kpi"].create(
            {
                "code": "ATK_B_ONLY",
                "name": "B only",
                "kind": "formula",
                "formula": "PRODUCTION * 2",
                "company_id": self.company_b.id,
            }
        )
        missing = self.env["smart.dairy.kpi"].search([], order="id desc", limit=1).id + 1000
        hidden = self.call(self.analyst_a, "smart.dairy.kpi", "action_recompute", ids=kpi_b.ids)
        absent = self.call(self.analyst_a, "smart.dairy.kpi", "action_recompute", ids=[missing])
        self.assertEqual(self.assertRefused(hidden), self.assertRefused(absent))
