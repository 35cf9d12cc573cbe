import datetime as dt
import json

from odoo.tests import TransactionCase, tagged

from ..models.smart_dairy_customer_score import alert_key
from .common import AS_OF, CustomerHistoryMixin


@tagged("post_install", "-at_install")
class TestCustomerChurn(CustomerHistoryMixin, TransactionCase):
    """Scores, trainings, activities and alerts of a company with a crafted history."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._customer_history()
        cls.company.write({"dairy_churn_high_from": 0.6, "dairy_churn_alert_revenue": 100.0})
        cls.Score = cls.env["smart.dairy.customer.score"]
        cls.training = cls.Score._train_company(cls.company, AS_OF)
        cls.count = cls.Score._score_company(cls.company, AS_OF)

    def spend_365(self, customer):
        start = AS_OF - dt.timedelta(days=365)
        return sum(10.0 * q for c, day, q in self.orders if c == customer and day > start)

    def test_rfm_of_one_customer_by_hand(self):
        # Customer 01 orders 6 units at 10 every 28 days from 2 January 2024: the last
        # order is on 17 June 2025 (13 days before), 13 orders after 30 June 2024.
        score = self.scores(partner_id=self.customers[1].id)
        self.assertEqual((score.recency_days, score.frequency, score.monetary), (13, 13, 780.0))
        self.assertEqual(score.stage, "established")
        self.assertEqual(score.first_order, dt.date(2024, 1, 2))
        self.assertEqual(score.rfm_code, f"{score.r_score}{score.f_score}{score.m_score}")
        expected = 100 * (2 * (score.r_score - 1) + score.f_score - 1 + score.m_score - 1) / 16
        self.assertAlmostEqual(score.health, round(expected, 1))

    def test_every_customer_of_the_window_is_scored_once(self):
        window = AS_OF - dt.timedelta(days=365)
        active = {c for c, day, _q in self.orders if day > window}
        scores = self.scores(is_current=True)
        self.assertEqual(self.count, len(active))
        self.assertEqual(set(scores.partner_id), active)
        self.assertEqual(len(scores), len(scores.partner_id))
        # Those who stopped more than a year before are not scored.
        gone = {c for c, stop in self.stopped.items() if stop <= window}
        self.assertTrue(gone)
        self.assertFalse(gone & set(scores.partner_id))

    def test_training_is_recorded_with_its_metrics(self):
        training = self.training
        self.assertEqual(training.state, "done", training.error)
        self.assertEqual(training.test_cutoff, AS_OF - dt.timedelta(days=60))
        self.assertIn(training.algorithm, ("logistic_regression", "gradient_boosting"))
        self.assertTrue(0.5 < training.auc <= 1.0, training.auc)
        self.assertTrue(0 <= training.brier < 0.25, training.brier)
        self.assertTrue(0 < training.churn_share < 1)
        self.assertGreater(training.holdout_count, 10)
        self.assertEqual(len(training.train_cutoffs.split(", ")), 9)
        curve = json.loads(training.calibration)
        self.assertTrue(curve and all(0 <= p <= 1 and 0 <= f <= 1 for p, f in curve))
        self.assertEqual(
            set(json.loads(training.candidates)), {"logistic_regression", "gradient_boosting"}
        )
        self.assertEqual(self.scores(is_current=True).churn_model_id, training)
        aucs = json.loads(training.candidates)
        lines = training.candidates_summary.splitlines()
        self.assertEqual(len(lines), 2)
        kept = [line for line in lines if line.endswith("(kept)")]
        label = dict(training._fields["algorithm"]._description_selection(self.env))
        self.assertEqual(
            kept, [f"{label[training.algorithm]}: AUC {aucs[training.algorithm]:.3f} (kept)"]
        )
        self.assertEqual(aucs[training.algorithm], max(aucs.values()))
        self.assertEqual(
            training.parameters_summary.splitlines(),
            [
                "Churn: no order in the 60 days after a cutoff",
                "Active: ordered in the 365 days before it",
                f"High risk from {100 * self.company.dairy_churn_high_from:.0f} %",
            ],
        )

    def test_customers_who_stopped_score_higher_and_say_why(self):
        scores = self.scores(is_current=True)
        stopped = scores.filtered(lambda s: s.partner_id in self.stopped)
        regular = scores - stopped
        self.assertTrue(stopped and regular)
        mean = lambda records: sum(records.mapped("churn_probability")) / len(records)  # noqa: E731
        self.assertGreater(mean(stopped), mean(regular) + 0.3)
        worst = max(stopped, key=lambda s: s.recency_days)
        self.assertEqual(worst.risk_level, "high")
        self.assertTrue(worst.churn_factors, "the top factors say why")

    def test_revenue_at_risk_is_probability_times_last_year_revenue(self):
        for score in self.scores(is_current=True):
            expected = score.churn_probability * self.spend_365(score.partner_id)
            self.assertAlmostEqual(score.revenue_at_risk, expected, delta=0.01)

    def test_risk_levels_follow_the_thresholds(self):
        for score in self.scores(is_current=True):
            p = score.churn_probability
            level = "high" if p >= 0.6 else "medium" if p >= 0.3 else "low"
            self.assertEqual(score.risk_level, level, score.partner_id.name)

    def test_customers_are_found_by_their_current_risk_and_stage(self):
        Partner = self.env["res.partner"].with_company(self.company)
        current = self.scores(is_current=True)
        for field, source in (("dairy_risk_level", "risk_level"), ("dairy_stage", "stage")):
            for value in set(current.mapped(source)):
                expected = current.filtered(lambda s, v=value, f=source: s[f] == v).partner_id
                with self.subTest(field=field, value=value):
                    self.assertEqual(Partner.search([(field, "=", value)]), expected)
                    others = Partner.search(
                        [("id", "in", self.customers.ids), (field, "!=", value)]
                    )
                    self.assertEqual(others, self.customers - expected)
        self.assertTrue(current.filtered(lambda s: s.risk_level == "high"), "both classes")
        # another company's view of the same customers: no score there
        elsewhere = self.env["res.company"].create({"name": "Churn Elsewhere"})
        found = Partner.with_company(elsewhere).search([("dairy_risk_level", "=", "high")])
        self.assertFalse(found & self.customers)

    def test_high_risk_customers_reach_their_salesperson_once(self):
        Alert = self.env["smart.dairy.alert"]
        churn_type = self.env.ref("smart_dairy_forecast.mail_activity_type_churn_risk")
        flagged = self.scores(is_current=True).filtered(
            lambda s: s.risk_level == "high" and s.revenue_at_risk >= 100.0
        )
        self.assertTrue(flagged)
        flagged_partners = flagged.partner_id
        for _run in range(2):
            for score in self.scores(is_current=True):
                partner = score.partner_id
                alerts = Alert.search([("dedup_key", "=", alert_key(self.company, partner.id))])
                activities = partner.activity_ids.filtered(
                    lambda a: a.activity_type_id == churn_type
                )
                if partner not in flagged_partners:
                    self.assertFalse(alerts or activities, partner.name)
                    continue
                # Their own salesperson, else the one of their orders.
                seller = partner.user_id or self.order_seller
                self.assertEqual(activities.user_id, seller)
                self.assertEqual(len(activities), 1)
                self.assertEqual(len(alerts), 1)
                self.assertEqual(
                    (alerts.source, alerts.state, alerts.company_id, alerts.user_id),
                    ("forecast", "open", self.company, seller),
                )
                self.assertFalse(alerts.activity_ids, "the to-do is on the customer")
            self.Score._score_company(self.company, AS_OF)
        sellers = flagged_partners.mapped(lambda p: p.user_id or self.order_seller)
        self.assertEqual(set(sellers), {self.seller, self.order_seller})

    def test_alerts_resolve_when_the_risk_falls_below_the_alert_level(self):
        Alert = self.env["smart.dairy.alert"]
        keys = [alert_key(self.company, p.id) for p in self.customers]
        self.assertTrue(Alert.search([("dedup_key", "in", keys), ("state", "=", "open")]))
        self.company.dairy_churn_alert_revenue = 1e9
        self.Score._score_company(self.company, AS_OF)
        self.assertFalse(Alert.search([("dedup_key", "in", keys), ("state", "!=", "resolved")]))

    def test_rescoring_replaces_and_keeps_history(self):
        earlier = AS_OF - dt.timedelta(days=7)
        before = self.scores(score_date=AS_OF)
        self.Score._score_company(self.company, earlier)
        self.Score._score_company(self.company, AS_OF)
        self.assertFalse(before.exists(), "the day's scores are replaced")
        today = self.scores(score_date=AS_OF)
        self.assertEqual(len(today), self.count)
        self.assertTrue(all(today.mapped("is_current")))
        history = self.scores(score_date=earlier)
        self.assertTrue(history)
        self.assertFalse(any(history.mapped("is_current")))
        partner = self.customers[1].with_company(self.company)
        self.assertEqual(
            partner.dairy_score_id, self.scores(partner_id=partner.id, score_date=AS_OF)
        )
        self.assertEqual(partner.dairy_score_count, 2)

    def test_retraining_the_same_day_replaces_the_training(self):
        Training = self.env["smart.dairy.churn.model"]
        again = self.Score._train_company(self.company, AS_OF)
        self.assertFalse(self.training.exists())
        self.assertEqual(
            Training.search([("company_id", "=", self.company.id), ("trained_on", "=", AS_OF)]),
            again,
        )
