import base64
import json
import pickle

from odoo import fields, models

STATES = [("done", "Trained"), ("failed", "Failed")]


class SmartDairyChurnModel(models.Model):
    """One churn training of a company: what was learnt and how well it did on the
    time-based holdout, so a manager can judge whether to trust the scores.

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
    candidates = fields.Text("Candidate AUCs", readonly=True)
    calibration = fields.Text(
        "Calibration Curve",
        readonly=True,
        help="Mean predicted probability against observed churn share, per bin, as JSON.",
    )
    estimator = fields.Binary(attachment=False, readonly=True, groups="base.group_system")

    def _record_training(self, company, as_of, model, parameters):
        """Store a successful training, replacing the company's training of that day."""
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
            }
        )

    def _record_failure(self, company, as_of, reason, parameters):
        self._replace(company, as_of)
        return self.sudo().create(
            {
                "company_id": company.id,
                "trained_on": as_of,
                "state": "failed",
                "error": reason,
                "parameters": json.dumps(parameters, sort_keys=True),
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

    def _engine_model(self):
        """The engine's ChurnModel of this training (written by the system only)."""
        self.ensure_one()
        return pickle.loads(base64.b64decode(self.sudo().estimator))
