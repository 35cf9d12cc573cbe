"""Issue 10, "New KPIs are empty": creating or changing a KPI schedules the backfill
of its values over the whole history kept, and alert rules say when a KPI has none."""

import datetime

from odoo.exceptions import AccessError
from odoo.service.model import get_public_method
from odoo.tests import tagged

from .common import KpiCase

OLD = 400  # days back: far beyond the reconciliation window


@tagged("post_install", "-at_install")
class TestKpiBackfill(KpiCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.old_day = cls.today - datetime.timedelta(days=OLD)
        cls._milk(cls.cows_a, volume=7.0, scc=100_000, day=cls.old_day)
        cls.Run = cls.env["smart.dairy.kpi.run"]
        cls.cron = cls.env.ref("smart_dairy_bi.ir_cron_kpi_backfill")
        # Only the KPIs of these tests are pending.
        cls.Kpi.search([("backfill_state", "!=", False)]).sudo().write({"backfill_state": False})

    def create_kpis(self):
        """An aggregate (as the analyst, in the form) and a formula over it."""
        Kpi = self.Kpi.with_user(self.analyst)
        milk = Kpi.create(
            {
                "code": "TEST_MILK",
                "name": "Test Milk",
                "category": "production",
                "display_format": "volume",
                "unit": "L",
                "company_id": self.company_a.id,
                "fact_model": "smart.dairy.fact.milk",
                "measure": "volume",
                "aggregation": "sum",
            }
        )
        double = Kpi.create(
            {
                "code": "TEST_DOUBLE",
                "name": "Test Double Milk",
                "company_id": self.company_a.id,
                "kind": "formula",
                "formula": "TEST_MILK * 2",
            }
        )
        return milk, double

    def triggered(self):
        return self.env["ir.cron.trigger"].search_count([("cron_id", "=", self.cron.id)])

    def test_a_new_kpi_is_backfilled_over_the_whole_history_as_a_full_recompute(self):
        triggers = self.triggered()
        milk, double = self.create_kpis()
        self.assertEqual((milk | double).mapped("backfill_state"), ["pending", "pending"])
        self.assertGreater(self.triggered(), triggers)
        self.assertFalse(self.stored("TEST_MILK", self.company_a))

        run = self.Run._cron_backfill(commit=False)
        self.assertEqual((run.mode, run.state, run.kpi_count), ("backfill", "done", 2))
        self.assertFalse(any((milk | double).mapped("backfill_state")))
        backfilled = self.stored("TEST_MILK", self.company_a)
        # Hand-worked: 3 cows x 2 sessions x 7 L, and 3 x 2 x 20 L today.
        self.assertEqual(backfilled[self.old_day], 42.0)
        self.assertEqual(backfilled[self.today], 120.0)
        self.assertEqual(self.stored("TEST_DOUBLE", self.company_a)[self.old_day], 84.0)
        months = self.stored("TEST_MILK", self.company_a, grain="month")
        self.assertEqual(months[self.old_day.replace(day=1)], 42.0)

        # The same values as a full recompute, period by period.
        expected = {
            (code, grain): self.stored(code, self.company_a, grain)
            for code in ("TEST_MILK", "TEST_DOUBLE")
            for grain in ("day", "month")
        }
        self.env["smart.dairy.kpi.value"].search([("kpi_id", "in", (milk | double).ids)]).unlink()
        self.materialise(["TEST_MILK", "TEST_DOUBLE"])
        for (code, grain), values in expected.items():
            self.assertEqual(self.stored(code, self.company_a, grain), values, (code, grain))
        # Nothing pending: the next cron run does nothing.
        self.assertFalse(self.Run._cron_backfill(commit=False))

    def test_editing_the_definition_backfills_again_and_its_formulas_too(self):
        milk, double = self.create_kpis()
        self.Run._cron_backfill(commit=False)
        milk.with_user(self.analyst).write({"name": "Renamed", "warning_low": 5.0})
        milk.with_user(self.analyst).write({"aggregation": "sum"})  # unchanged
        self.assertFalse(any((milk | double).mapped("backfill_state")))

        double.with_user(self.analyst).write({"formula": "TEST_MILK * 3"})
        self.assertEqual(double.backfill_state, "pending")
        self.assertFalse(milk.backfill_state)
        self.Run._cron_backfill(commit=False)
        self.assertEqual(self.stored("TEST_DOUBLE", self.company_a)[self.old_day], 126.0)

        milk.with_user(self.analyst).write({"aggregation": "max"})
        self.assertEqual((milk | double).mapped("backfill_state"), ["pending", "pending"])
        self.Run._cron_backfill(commit=False)
        self.assertEqual(self.stored("TEST_MILK", self.company_a)[self.old_day], 7.0)
        self.assertEqual(self.stored("TEST_DOUBLE", self.company_a)[self.old_day], 21.0)

    def test_test_and_evaluate_say_when_the_kpi_has_no_values(self):
        milk, _double = self.create_kpis()
        rule = self.env["smart.dairy.alert.rule"].create(
            {
                "name": "Test milk above 10 L",
                "kpi_id": milk.id,
                "grain": "day",
                "company_id": self.company_a.id,
                "condition": "threshold",
                "operator": ">",
                "threshold": 10.0,
                "lookback": OLD + 10,
                "user_id": self.analyst.id,
            }
        )
        rule = rule.with_user(self.analyst)
        action = rule.action_test()
        wizard = self.env["smart.dairy.alert.rule.test"].browse(action["res_id"])
        self.assertIn("KPI Test Milk has no values yet", wizard.result)
        self.assertIn("being computed", wizard.result)
        self.assertNotIn("would not have fired", wizard.result)
        params = rule.action_evaluate()["params"]
        self.assertEqual(params["type"], "warning")
        self.assertIn("0 alerts raised", params["message"])
        self.assertIn("KPI Test Milk has no values yet", params["message"])

        self.Run._cron_backfill(commit=False)
        wizard.action_run()  # the last 90 days: no milk was recorded in them
        self.assertIn("KPI Test Milk has no day values for Dairy A", wizard.result)
        wizard.date_from = self.old_day
        wizard.action_run()
        self.assertNotIn("has no", wizard.result)
        self.assertEqual(wizard.fired_count, 1)  # 42 L on the old day; today is not closed
        params = rule.action_evaluate()["params"]
        self.assertEqual(params["message"], "1 alerts raised or updated.")

        # Not pending and still nothing stored: say so too, with the company.
        self.env["smart.dairy.kpi.value"].search([("kpi_id", "=", milk.id)]).unlink()
        wizard.action_run()
        self.assertIn("KPI Test Milk has no day values for Dairy A", wizard.result)
        message = rule.action_evaluate()["params"]["message"]
        self.assertIn("KPI Test Milk has no day values", message)

    def test_a_plain_user_cannot_trigger_a_backfill(self):
        kpi = self.Kpi.search([("code", "=", "PRODUCTION")])
        as_user = kpi.with_user(self.user)
        with self.assertRaises(AccessError):
            as_user.write({"aggregation": "max"})
        with self.assertRaises(AccessError):
            self.Kpi.with_user(self.user).create({"code": "X_USER", "name": "X"})
        with self.assertRaises(AccessError):
            as_user.action_recompute()
        # The state is the system's, even for an Analytics Manager.
        with self.assertRaises(AccessError):
            kpi.with_user(self.analyst).write({"backfill_state": "pending"})
        for model, method in (
            ("smart.dairy.kpi.run", "_cron_backfill"),
            ("smart.dairy.kpi", "_schedule_backfill"),
        ):
            with self.assertRaises(AccessError):
                get_public_method(self.env[model].with_user(self.user), method)
        self.assertFalse(kpi.backfill_state)
