import base64
import json
import pickle
from datetime import timedelta

from odoo import api, fields, models

STATES = [("done", "Trained"), ("failed", "Failed")]
COUNT_MODELS = [("bgnbd", "BG/NBD"), ("paretonbd", "Pareto/NBD")]


class SmartDairyChurnModel(models.Model):
    """One churn training of a company: what was learnt and how well it did on the
    time-based holdout, so a manager can judge whether to trust the scores. The
    training also chooses the purchase-count model of customer value (BG/NBD or
    Pareto/NBD) by a backtest, recorded even when the churn training fails, since it
    does not depend on it; the daily scoring fits the latest choice.

    The fitted estimator is kept (pickled) for the daily rescoring; only the system
    writes these records."""

    _name = "smart.dairy.churn.model"
    _description = "Churn Model Training"
    _order = "trained_on desc, id desc"
    _rec_name = "trained_on"

    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    trained_on = fields.Date(
        required=True, readonly=True, help="Orders up to this day were known to the training."
    )
    state = fields.Selection(STATES, required=True, readonly=True, default="done")
    error = fields.Text(readonly=True, help="Why the training failed.")
    algorithm = fields.Selection(
        [
            ("logistic_regression", "Logistic Regression"),
            ("gradient_boosting", "Gradient Boosting"),
        ],
        readonly=True,
    )
    test_cutoff = fields.Date("Holdout Cutoff", readonly=True)
    train_cutoffs = fields.Char("Training Cutoffs", readonly=True)
    parameters = fields.Text(readonly=True, help="Horizon, activity window and settings, as JSON.")
    auc = fields.Float("AUC", digits=(4, 3), readonly=True, aggregator="avg")
    threshold = fields.Float(digits=(3, 2), readonly=True)
    precision = fields.Float(digits=(4, 3), readonly=True, aggregator="avg")
    recall = fields.Float(digits=(4, 3), readonly=True, aggregator="avg")
    brier = fields.Float("Brier Score", digits=(4, 3), readonly=True, aggregator="avg")
    churn_share = fields.Float(
        "Churn Share (holdout)", digits=(4, 3), readonly=True, help="Class balance."
    )
    holdout_count = fields.Integer("Holdout Customers", readonly=True)
    train_rows = fields.Integer("Training Rows", readonly=True)
    parameters_summary = fields.Text("Settings", compute="_compute_parameters_summary")
    candidates = fields.Text("Candidate AUCs (JSON)", readonly=True)
    candidates_summary = fields.Text(
        "Candidate AUCs",
        compute="_compute_candidates_summary",
        help="The holdout AUC of each candidate; the higher one is kept.",
    )
    calibration = fields.Text(
        "Calibration Curve",
        readonly=True,
        help="Mean predicted probability against observed churn share, per bin, as JSON.",
    )
    estimator = fields.Binary(attachment=False, readonly=True, groups="base.group_system")
    value_count_model = fields.Selection(
        COUNT_MODELS,
        "Purchase-Count Model",
        readonly=True,
        help="The purchase-count model the daily scoring fits, with Gamma-Gamma for spend, "
        "for each customer's expected 12-month value: the one with the lower spend error "
        "in the backtest.",
    )
    value_split = fields.Date(
        "Backtest Split",
        readonly=True,
        help="Both count models were fitted on the orders up to this day and judged on the "
        "spend of the days after it, up to the training day.",
    )
    value_backtest_days = fields.Integer("Backtest Days", readonly=True)
    value_mae = fields.Text(
        "Spend MAE per Count Model (JSON)",
        readonly=True,
        help="Mean absolute error per customer of each count model's spend forecast over "
        "the backtest days.",
    )
    value_mae_summary = fields.Text(
        "Spend MAE per Count Model",
        compute="_compute_value_mae_summary",
        help="Mean absolute error per customer of each count model's spend forecast over "
        "the backtest days; the lower one is kept. Without enough history before the "
        "split there is no backtest and BG/NBD is kept.",
    )

    @api.depends("parameters")
    @api.depends_context("lang")
    def _compute_parameters_summary(self):
        for training in self:
            params = json.loads(training.parameters or "{}")
            lines = []
            if "horizon_days" in params:
                lines.append(
                    self.env._(
                        "Churn: no order in the %(days)s days after a cutoff",
                        days=params["horizon_days"],
                    )
                )
            if "active_days" in params:
                lines.append(
                    self.env._(
                        "Active: ordered in the %(days)s days before it", days=params["active_days"]
                    )
                )
            if "threshold" in params:
                lines.append(
                    self.env._("High risk from %(share).0f %%", share=100 * params["threshold"])
                )
            training.parameters_summary = "\n".join(lines)

    @api.depends("candidates", "algorithm")
    @api.depends_context("lang")
    def _compute_candidates_summary(self):
        labels = dict(self._fields["algorithm"]._description_selection(self.env))
        for training in self:
            aucs = json.loads(training.candidates or "{}")
            training.candidates_summary = "\n".join(
                self.env._("%(model)s: AUC %(auc).3f (kept)", model=labels.get(key, key), auc=auc)
                if key == training.algorithm
                else self.env._("%(model)s: AUC %(auc).3f", model=labels.get(key, key), auc=auc)
                for key, auc in aucs.items()
            )

    @api.depends("value_mae", "value_count_model")
    @api.depends_context("lang")
    def _compute_value_mae_summary(self):
        labels = dict(self._fields["value_count_model"]._description_selection(self.env))
        for training in self:
            errors = json.loads(training.value_mae or "{}")
            kept = training.value_count_model
            if kept and not errors:
                training.value_mae_summary = self.env._(
                    "No backtest (too little history): %(model)s kept", model=labels[kept]
                )
                continue
            training.value_mae_summary = "\n".join(
                self.env._("%(model)s: %(mae).2f spend MAE (kept)", model=labels[key], mae=mae)
                if key == kept
                else self.env._("%(model)s: %(mae).2f spend MAE", model=labels[key], mae=mae)
                for key, mae in errors.items()
            )

    @api.model
    def _value_vals(self, choice):
        """The fields of the engine's count-model choice (``choose_count_model``)."""
        return {
            "value_count_model": choice["count_model"],
            "value_split": choice["split"].date(),
            "value_backtest_days": choice["days"],
            "value_mae": json.dumps(choice["mae"], sort_keys=True),
        }

    def _record_training(self, company, as_of, model, parameters, value=None):
        """Store a successful training, replacing the company's training of that day;
        ``value``: the fields of the customer value choice (:meth:`_value_vals`)."""
        self._replace(company, as_of)
        metrics = model.metrics
        return self.sudo().create(
            {
                "company_id": company.id,
                "trained_on": as_of,
                "algorithm": model.name,
                "test_cutoff": model.test_cutoff.date(),
                "train_cutoffs": ", ".join(str(c.date()) for c in model.train_cutoffs),
                "parameters": json.dumps(parameters, sort_keys=True),
                "auc": metrics["auc"],
                "threshold": metrics["threshold"],
                "precision": metrics["precision"],
                "recall": metrics["recall"],
                "brier": metrics["brier"],
                "churn_share": metrics["churn_share"],
                "holdout_count": metrics["n"],
                "train_rows": metrics["train_rows"],
                "candidates": json.dumps(metrics["candidates_auc"], sort_keys=True),
                "calibration": json.dumps(metrics["calibration"]),
                "estimator": base64.b64encode(pickle.dumps(model)),
                **(value or {}),
            }
        )

    def _record_failure(self, company, as_of, reason, parameters, value=None):
        """Store a failed churn training (with the customer value choice when it was
        made), replacing the company's training of that day."""
        self._replace(company, as_of)
        return self.sudo().create(
            {
                "company_id": company.id,
                "trained_on": as_of,
                "state": "failed",
                "error": reason,
                "parameters": json.dumps(parameters, sort_keys=True),
                **(value or {}),
            }
        )

    def _replace(self, company, as_of):
        self.sudo().search([("company_id", "=", company.id), ("trained_on", "=", as_of)]).unlink()

    def _latest(self, company, as_of):
        """The company's latest successful training on or before ``as_of``."""
        return self.sudo().search(
            [
                ("company_id", "=", company.id),
                ("state", "=", "done"),
                ("trained_on", "<=", as_of),
            ],
            limit=1,
        )

    def _tried_in_week(self, company, as_of):
        """Whether the company has a training, successful or not, in the seven days up
        to ``as_of`` (the weekly job's cadence)."""
        return bool(
            self.sudo().search_count(
                [
                    ("company_id", "=", company.id),
                    ("trained_on", "<=", as_of),
                    ("trained_on", ">", as_of - timedelta(days=7)),
                ],
                limit=1,
            )
        )

    def _latest_value_choice(self, company, as_of):
        """The company's latest training on or before ``as_of`` that chose the count
        model of customer value, whether its churn training succeeded or not."""
        return self.sudo().search(
            [
                ("company_id", "=", company.id),
                ("value_count_model", "!=", False),
                ("trained_on", "<=", as_of),
            ],
            limit=1,
        )

    def _engine_model(self):
        """The engine's ChurnModel of this training (written by the system only)."""
        self.ensure_one()
        return pickle.loads(base64.b64decode(self.sudo().estimator))
