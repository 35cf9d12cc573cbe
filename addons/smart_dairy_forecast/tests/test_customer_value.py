import contextlib
import datetime as dt
import json
import logging
import warnings

import numpy as np
from smart_dairy import customers as engine

from odoo.tests import TransactionCase, tagged

from .common import AS_OF, START, CustomerHistoryMixin

LOGGER = "odoo.addons.smart_dairy_forecast.models.smart_dairy_customer_score"
OTHER = {"bgnbd": "paretonbd", "paretonbd": "bgnbd"}


@contextlib.contextmanager
def quiet():
    """The optimisers' numerical warnings, silenced as the scoring does."""
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        yield


@tagged("post_install", "-at_install")
class TestCustomerValue(CustomerHistoryMixin, TransactionCase):
    """The weekly training chooses the count model of customer value; the daily
    scoring fits the recorded one, or chooses afresh without a recorded choice."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._customer_history()
        cls.Score = cls.env["smart.dairy.customer.score"]
        cls.Training = cls.env["smart.dairy.churn.model"]
        cls.training = cls.Score._train_company(cls.company, AS_OF)
        cls.Score._score_company(cls.company, AS_OF)

    def engine_orders(self, as_of=AS_OF):
        return self.Score._orders(self.company, as_of)[0]

    def engine_choice(self, as_of=AS_OF):
        with quiet():
            return engine.choose_count_model(self.engine_orders(as_of), as_of)

    def expected_values(self, model, orders):
        summary = engine.summary(orders, AS_OF)
        with quiet():
            return model(summary).expected_value(summary, 365).clip(lower=0)

    def assert_scores_equal(self, values):
        scores = self.scores(score_date=AS_OF)
        self.assertTrue(scores)
        for score in scores:
            self.assertAlmostEqual(
                score.expected_value,
                values[score.partner_id.id],
                delta=0.006,
                msg=score.partner_id.name,
            )

    def test_training_records_the_engines_choice_and_shows_it_in_words(self):
        choice = self.engine_choice()
        training = self.training
        self.assertEqual(training.state, "done", training.error)
        self.assertEqual(training.value_count_model, choice["count_model"])
        self.assertEqual(training.value_split, choice["split"].date())
        self.assertEqual(training.value_backtest_days, choice["days"])
        self.assertEqual(json.loads(training.value_mae), choice["mae"])
        self.assertEqual(set(choice["mae"]), {"bgnbd", "paretonbd"})
        labels = {"bgnbd": "BG/NBD", "paretonbd": "Pareto/NBD"}
        kept = choice["count_model"]
        self.assertEqual(
            set(training.value_mae_summary.splitlines()),
            {
                f"{labels[key]}: {mae:.2f} spend MAE" + (" (kept)" if key == kept else "")
                for key, mae in choice["mae"].items()
            },
        )

    def test_daily_scoring_fits_the_count_model_the_training_recorded(self):
        chosen = self.training.value_count_model
        other = OTHER[chosen]
        orders = self.engine_orders()
        wanted = self.expected_values(lambda s: engine.fit_value(s, other), orders)
        kept = self.expected_values(lambda s: engine.fit_value(s, chosen), orders)
        self.assertGreater((wanted - kept).abs().max(), 0.05, "the two models must differ")
        self.training.sudo().value_count_model = other
        # Another company's training of the day, keeping the first choice, is ignored.
        second = self.env["res.company"].create({"name": "Other Value Dairy"})
        self.Training.sudo().create(
            {
                "company_id": second.id,
                "trained_on": AS_OF,
                "state": "failed",
                "value_count_model": chosen,
            }
        )
        with self.assertLogs(LOGGER, logging.INFO) as logs:
            self.Score._score_company(self.company, AS_OF)
        self.assert_scores_equal(wanted)
        self.assertIn(f"{other}, chosen by the training of {AS_OF}", "\n".join(logs.output))

    def test_without_a_recorded_choice_the_scoring_chooses_afresh(self):
        # As for trainings made before the choice was recorded.
        self.training.sudo().write(
            {
                "value_count_model": False,
                "value_split": False,
                "value_backtest_days": 0,
                "value_mae": False,
            }
        )
        orders = self.engine_orders()
        with quiet():
            fresh = engine.choose_value(orders, AS_OF)
        with self.assertLogs(LOGGER, logging.INFO) as logs:
            self.Score._score_company(self.company, AS_OF)
        self.assert_scores_equal(self.expected_values(lambda _s: fresh, orders))
        self.assertIn(
            f"{fresh.backtest['count_model']}, chosen afresh without a training's choice",
            "\n".join(logs.output),
        )
        self.assertFalse(self.training.value_mae_summary)

    def test_a_failed_churn_training_still_records_the_value_choice(self):
        day = START + dt.timedelta(days=150)
        choice = self.engine_choice(day)
        training = self.Score._train_company(self.company, day)
        self.assertEqual(training.state, "failed")
        self.assertEqual(training.value_count_model, choice["count_model"])
        self.assertEqual(json.loads(training.value_mae), choice["mae"])
        # The scoring of that day has no churn model but fits the failed one's choice.
        with self.assertLogs(LOGGER, logging.INFO) as logs:
            self.Score._score_company(self.company, day)
        self.assertIn(f"chosen by the training of {day}", "\n".join(logs.output))
        self.assertEqual(self.Training._latest_value_choice(self.company, day).state, "failed")

    def test_after_a_failed_training_the_daily_scoring_waits_a_week_to_retry(self):
        day = START + dt.timedelta(days=150)

        def trainings():
            return self.Training.search(
                [("company_id", "=", self.company.id), ("trained_on", "<", AS_OF)]
            )

        self.assertFalse(trainings())
        self.Score._score_company(self.company, day)  # never trained: trains, and fails
        self.assertEqual(trainings().mapped("state"), ["failed"])
        for later in range(1, 7):
            self.assertTrue(self.Score._score_company(self.company, day + dt.timedelta(days=later)))
        self.assertEqual(len(trainings()), 1, "no new training within the week")
        self.assertFalse(self.scores(score_date=day + dt.timedelta(days=6)).churn_model_id)
        self.Score._score_company(self.company, day + dt.timedelta(days=7))
        self.assertEqual(trainings().mapped("trained_on"), [day + dt.timedelta(days=7), day])

    def test_without_a_backtest_the_training_says_bgnbd_was_kept(self):
        # The backtest splits at day 10, before any customer's second order.
        day = START + dt.timedelta(days=15)
        choice = self.engine_choice(day)
        self.assertEqual(choice["mae"], {}, "too little history before the split")
        training = self.Score._train_company(self.company, day)
        self.assertEqual(training.value_count_model, "bgnbd")
        self.assertEqual(
            training.value_mae_summary, "No backtest (too little history): BG/NBD kept"
        )
