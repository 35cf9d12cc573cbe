from smart_dairy.demo import generate_erp_demo

from odoo import fields
from odoo.tests import TransactionCase, tagged

from odoo.addons.smart_dairy_base.tests.demo import demo_company_and_day


@tagged("post_install", "-at_install")
class TestCustomerDemo(TransactionCase):
    """The crons on the demo company: every customer with a confirmed order in the
    RFM window gets one current score; reruns resume, replace, never duplicate."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company, cls.day = demo_company_and_day(cls.env)
        cls.Score = cls.env["smart.dairy.customer.score"]

    def setUp(self):
        super().setUp()
        if not self.day or not self.company:
            self.skipTest("needs the demo data")

    def customers_in_window(self):
        start = fields.Date.subtract(self.day, days=self.company.dairy_rfm_window_days)
        orders = self.env["sale.order"].search(
            [("company_id", "=", self.company.id), ("state", "=", "sale")]
        )
        # The order's day where the company is, as the order facts count it.
        local = orders.with_context(tz=self.company.partner_id.tz or "UTC")
        tz_day = {o: fields.Date.context_today(o, o.date_order) for o in local}
        return {o.partner_id.commercial_partner_id for o in local if start < tz_day[o] <= self.day}

    def test_cron_scores_every_customer_once_and_resumes(self):
        scored = self.Score._cron_score_customers(as_of=self.day, commit=False)
        scores = self.Score.search(
            [("company_id", "=", self.company.id), ("is_current", "=", True)]
        )
        expected = self.customers_in_window()
        self.assertGreaterEqual(len(expected), 30)
        self.assertEqual(set(scores.partner_id), expected)
        self.assertEqual(len(scores), len(expected))
        self.assertGreaterEqual(scored, len(scores))
        self.assertTrue(all(0 <= s.health <= 100 for s in scores))
        self.assertTrue(all(s.segment and s.action and s.stage for s in scores))
        self.assertGreater(sum(scores.mapped("expected_value")), 0)
        # Every company with orders was scored that day: a second run has nothing to do.
        self.assertEqual(self.Score._cron_score_customers(as_of=self.day, commit=False), 0)
        runs = self.env["smart.dairy.job.log"].search(
            [("code", "=", "model._cron_score_customers()")], limit=2
        )
        self.assertEqual(runs.mapped("ok"), [True, True])
        self.assertEqual(
            self.Score.search_count([("company_id", "=", self.company.id)]), len(expected)
        )
        training = self.env["smart.dairy.churn.model"].search(
            [("company_id", "=", self.company.id), ("trained_on", "=", self.day)]
        )
        self.assertEqual(len(training), 1, "scoring trains a missing model once")
        # The demo's churned customers give the training both classes, whatever the day.
        self.assertEqual(training.state, "done", training.error)
        churned = set(generate_erp_demo(self.day).churned)
        left = scores.filtered(lambda s: s.partner_id.ref in churned)
        stayed = scores - left
        self.assertTrue(left, "a customer who left within the window is scored")
        median = sorted(stayed.mapped("churn_probability"))[len(stayed) // 2]
        self.assertTrue(all(s.churn_probability > median for s in left))

    def test_weekly_training_replaces_the_days_training(self):
        first = self.Score._cron_train_churn(as_of=self.day, commit=False)
        self.assertIn(self.company, first.company_id)
        second = self.Score._cron_train_churn(as_of=self.day, commit=False)
        self.assertFalse(first.exists())
        trainings = self.env["smart.dairy.churn.model"].search([("trained_on", "=", self.day)])
        self.assertEqual(trainings, second)
        self.assertEqual(len(trainings), len(trainings.company_id))

    def test_segment_totals_add_up_to_the_revenue(self):
        self.Score._score_company(self.company, self.day)
        scores = self.Score.search(
            [("company_id", "=", self.company.id), ("is_current", "=", True)]
        )
        groups = self.Score._read_group(
            [("id", "in", scores.ids)], ["segment"], ["monetary:sum", "__count"]
        )
        self.assertEqual(sum(count for _s, _m, count in groups), len(scores))
        self.assertAlmostEqual(
            sum(total for _s, total, _c in groups), sum(scores.mapped("monetary")), places=2
        )
        partner = scores[0].partner_id.with_company(self.company)
        self.assertEqual(partner.dairy_score_id, scores[0])
