import logging
import warnings

import numpy as np
import pandas as pd
from smart_dairy import customers as engine
from smart_dairy.customers import churn as churn_engine

from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.tools import SQL

from odoo.addons.smart_dairy_base.models.res_partner import CUSTOMER_SEGMENTS
from odoo.addons.smart_dairy_base.models.smart_dairy_access_mixin import ANALYTICS_MANAGER_GROUP
from odoo.addons.smart_dairy_bi.models.smart_dairy_job_log import logged_job

_logger = logging.getLogger(__name__)

SEGMENTS = CUSTOMER_SEGMENTS
SEGMENT_KEYS = {label: key for key, label in SEGMENTS}
STAGES = [("new", "New"), ("recent", "Recent"), ("established", "Established")]
RISKS = [("low", "Low"), ("medium", "Medium"), ("high", "High")]
VALUE_DAYS = 365
ALERT_PREFIX = "forecast:churn"


def alert_key(company, partner_id):
    """One unresolved churn alert per company and customer."""
    return f"{ALERT_PREFIX}:{company.id}:{partner_id}"


class SmartDairyCustomerScore(models.Model):
    """A customer's RFM segment, lifecycle, health, churn risk and expected value in
    one company on one day. Each scoring day of a company keeps its rows as history;
    the latest are marked current and shown on the customer."""

    _name = "smart.dairy.customer.score"
    _description = "Customer Score"
    _order = "score_date desc, health desc, id"
    _rec_name = "partner_id"

    partner_id = fields.Many2one(
        "res.partner", "Customer", required=True, readonly=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    user_id = fields.Many2one("res.users", "Salesperson", readonly=True)
    score_date = fields.Date("Scored On", required=True, readonly=True, index=True)
    is_current = fields.Boolean("Current", readonly=True, index=True)
    recency_days = fields.Integer("Recency (days)", readonly=True, aggregator="avg")
    frequency = fields.Integer("Orders", readonly=True)
    monetary = fields.Monetary("Revenue", readonly=True)
    r_score = fields.Integer("R", readonly=True, aggregator="avg")
    f_score = fields.Integer("F", readonly=True, aggregator="avg")
    m_score = fields.Integer("M", readonly=True, aggregator="avg")
    rfm_code = fields.Char("RFM", readonly=True, help="Recency, frequency and monetary scores.")
    segment = fields.Selection(SEGMENTS, readonly=True, index=True)
    action = fields.Char("Recommended Action", readonly=True)
    first_order = fields.Date(readonly=True)
    stage = fields.Selection(STAGES, "Lifecycle Stage", readonly=True)
    health = fields.Float("Health Score", digits=(5, 1), readonly=True, aggregator="avg")
    cluster_id = fields.Many2one(
        "smart.dairy.customer.cluster",
        readonly=True,
        index=True,
        ondelete="set null",
        help="The customer's K-means cluster, when the company clusters its customers.",
    )
    churn_probability = fields.Float(readonly=True, aggregator="avg")
    risk_level = fields.Selection(RISKS, "Churn Risk", readonly=True, index=True)
    churn_factors = fields.Text("Top Churn Factors", readonly=True)
    revenue_at_risk = fields.Monetary(readonly=True)
    expected_value = fields.Monetary("Expected 12-Month Value", readonly=True)
    churn_model_id = fields.Many2one(
        "smart.dairy.churn.model",
        readonly=True,
        ondelete="set null",
        groups=ANALYTICS_MANAGER_GROUP,
    )

    _partner_day_unique = models.Constraint(
        "UNIQUE(partner_id, company_id, score_date)",
        "A customer has one score per company and day.",
    )

    # ------------------------------------------------------------ actions

    @api.model
    def action_rescore(self):
        """Score the customers of the caller's selected companies now (Analytics
        Manager), replacing today's scores."""
        if not self.env.user.has_group(ANALYTICS_MANAGER_GROUP):
            raise AccessError(self.env._("Only Analytics Managers may rescore customers."))
        today = fields.Date.context_today(self)
        for company in self.env.companies:
            self.sudo()._score_company(company, today)

    # -------------------------------------------------------------- crons

    @api.model
    @logged_job
    def _cron_score_customers(self, as_of=None, commit=True):
        """Daily: score the customers of every company with confirmed orders that has
        no scores of ``as_of`` yet (so an interrupted run resumes where it stopped);
        returns the number of customers scored."""
        as_of = as_of or fields.Date.context_today(self)
        todo = self._companies_with_orders().filtered(
            lambda c: (
                not self.sudo().search_count(
                    [("company_id", "=", c.id), ("score_date", "=", as_of)], limit=1
                )
            )
        )
        scored = 0
        for index, company in enumerate(todo, start=1):
            count = self.sudo()._score_company(company, as_of)
            scored += count
            _logger.info("Customer scores of %s on %s: %s customers", company.name, as_of, count)
            if commit and self.env["ir.cron"]._commit_progress(1, remaining=len(todo) - index) <= 0:
                break
        _logger.info("Customer scoring done: %s customers in %s companies", scored, len(todo))
        return scored

    @api.model
    @logged_job
    def _cron_train_churn(self, as_of=None, commit=True):
        """Weekly: train the churn model of every company with confirmed orders and
        choose its count model of customer value; returns the trainings recorded."""
        as_of = as_of or fields.Date.context_today(self)
        companies = self._companies_with_orders()
        trainings = self.env["smart.dairy.churn.model"]
        for index, company in enumerate(companies, start=1):
            training = self.sudo()._train_company(company, as_of)
            trainings |= training
            _logger.info(
                "Churn training of %s on %s: %s (AUC %.3f); customer value count model: %s",
                company.name,
                as_of,
                training.state,
                training.auc,
                training.value_count_model or "none chosen",
            )
            if commit:
                self.env["ir.cron"]._commit_progress(1, remaining=len(companies) - index)
        return trainings

    # ------------------------------------------------------------- engine

    @api.model
    def _companies_with_orders(self):
        self.env.flush_all()
        self.env.cr.execute(SQL("SELECT DISTINCT company_id FROM smart_dairy_fact_order"))
        ids = [row[0] for row in self.env.cr.fetchall()]
        return self.env["res.company"].sudo().browse(ids).exists().sorted("id")

    @api.model
    def _orders(self, company, as_of):
        """The company's confirmed orders up to ``as_of``: the engine's order table
        (customer_id, date, amount in company currency) and each customer's
        salesperson on their latest order."""
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                """
                SELECT partner_id, date, net_amount, user_id
                  FROM smart_dairy_fact_order
                 WHERE company_id = %s AND date <= %s AND partner_id IS NOT NULL
                 ORDER BY date, id
                """,
                company.id,
                as_of,
            )
        )
        rows = self.env.cr.fetchall()
        orders = pd.DataFrame(rows, columns=["customer_id", "date", "amount", "user_id"])
        orders["date"] = pd.to_datetime(orders["date"])
        orders["amount"] = orders["amount"].astype(float)
        salespeople = {row[0]: row[3] for row in rows if row[3]}
        return orders, salespeople

    @api.model
    def _train_company(self, company, as_of):
        """Train the company's churn model on its orders up to ``as_of`` (holdout at
        the latest cutoff whose 60 days have passed), choose the count model of
        customer value, and record both (the choice also when the churn training
        fails)."""
        Training = self.env["smart.dairy.churn.model"]
        orders, _salespeople = self._orders(company, as_of)
        test_cutoff = pd.Timestamp(as_of) - pd.Timedelta(days=churn_engine.HORIZON_DAYS)
        parameters = {
            "horizon_days": churn_engine.HORIZON_DAYS,
            "active_days": churn_engine.ACTIVE_DAYS,
            "threshold": company.dairy_churn_high_from,
        }
        if orders.empty:
            return Training._record_failure(
                company, as_of, self.env._("The company has no confirmed orders."), parameters
            )
        value = self._choose_count_model(company, orders, as_of)
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                model = engine.train(
                    orders,
                    test_cutoff,
                    threshold=company.dairy_churn_high_from,
                    as_of=as_of,
                )
        except (engine.CustomerInputError, ValueError) as exc:
            # ValueError: scikit-learn refusing a holdout or fold without customers.
            return Training._record_failure(company, as_of, str(exc), parameters, value)
        return Training._record_training(company, as_of, model, parameters, value)

    @api.model
    def _score_company(self, company, as_of):
        """Score the company's customers on ``as_of`` (replacing that day's scores and
        clustering), cluster them if the company asks, mark them current, and raise or
        resolve churn alerts; returns the count."""
        orders, salespeople = self._orders(company, as_of)
        existing = self.search([("company_id", "=", company.id), ("score_date", "=", as_of)])
        existing.unlink()
        Clustering = self.env["smart.dairy.customer.clustering"]
        Clustering._replace(company, as_of)
        if orders.empty:
            return 0
        table = engine.rfm(orders, as_of, window_days=company.dairy_rfm_window_days)
        clusters = Clustering._record(company, as_of, table)
        Training = self.env["smart.dairy.churn.model"]
        training = Training._latest(company, as_of)
        if not training and not Training._tried_in_week(company, as_of):
            # A company that never trained trains now; one whose training of the week
            # failed waits for the weekly job rather than failing again every day.
            training = self._train_company(company, as_of)
        values = self._expected_value(company, orders, as_of)
        table["expected_value"] = values.reindex(table.index)
        churn = self._churn(training, orders, as_of, company)
        partners = self.env["res.partner"].browse(table.index.tolist())
        vals_list = []
        for partner, row in zip(partners, table.itertuples(), strict=True):
            risk = churn.get(partner.id)
            vals_list.append(
                {
                    "partner_id": partner.id,
                    "company_id": company.id,
                    "user_id": partner.user_id.id or salespeople.get(partner.id, False),
                    "score_date": as_of,
                    "is_current": True,
                    "recency_days": int(row.recency_days),
                    "frequency": int(row.frequency),
                    "monetary": float(row.monetary),
                    "r_score": int(row.r_score),
                    "f_score": int(row.f_score),
                    "m_score": int(row.m_score),
                    "rfm_code": f"{row.r_score}{row.f_score}{row.m_score}",
                    "segment": SEGMENT_KEYS[row.segment],
                    "action": row.action,
                    "first_order": row.first_order.date(),
                    "stage": row.stage.lower(),
                    "health": float(row.health),
                    "cluster_id": clusters[partner.id].id if partner.id in clusters else False,
                    "expected_value": _number(row.expected_value),
                    "churn_model_id": training.id if risk else False,
                    **(risk or {}),
                }
            )
        self.search([("company_id", "=", company.id), ("is_current", "=", True)]).is_current = False
        scores = self.create(vals_list)
        scores._set_partner_segments(company)
        scores._notify_churn_risk(company)
        return len(scores)

    def _set_partner_segments(self, company):
        """Write the scores' segments on their customers in ``company`` (cleared for the
        customers no longer scored), and have the KPIs broken down by segment
        recomputed over their history when any segment changed."""
        Partner = self.env["res.partner"].sudo().with_company(company)
        changed = Partner.search([("dairy_segment", "!=", False)]) - self.partner_id
        if changed:
            changed.dairy_segment = False
        for segment in set(self.mapped("segment")):
            partners = Partner.browse(
                self.filtered(lambda s, seg=segment: s.segment == seg).partner_id.ids
            )
            moved = partners.filtered(lambda p, seg=segment: p.dairy_segment != seg)
            moved.dairy_segment = segment
            changed |= moved
        dimension = self.env.ref("smart_dairy_bi.dimension_segment", raise_if_not_found=False)
        if changed and dimension:
            kpis = (
                self.env["smart.dairy.kpi"].sudo().search([("dimension_ids", "in", dimension.ids)])
            )
            kpis._schedule_backfill()

    @api.model
    def _choose_count_model(self, company, orders, as_of):
        """The training's values of the count model of customer value (BG/NBD or
        Pareto/NBD, whichever forecast the recent spend better in the engine's
        backtest); empty when the history is too thin."""
        try:
            with warnings.catch_warnings(), np.errstate(all="ignore"):
                warnings.simplefilter("ignore")
                choice = engine.choose_count_model(orders, as_of)
        except engine.CustomerInputError as exc:
            _logger.info("No customer value choice for %s on %s: %s", company.name, as_of, exc)
            return {}
        _logger.info(
            "Customer value choice of %s on %s: %s (spend MAE of the backtest from %s: %s)",
            company.name,
            as_of,
            choice["count_model"],
            choice["split"].date(),
            {k: round(v, 2) for k, v in choice["mae"].items()},
        )
        return self.env["smart.dairy.churn.model"]._value_vals(choice)

    @api.model
    def _expected_value(self, company, orders, as_of):
        """Expected spend over the next 12 months: Gamma-Gamma and the count model
        chosen by the company's latest training that chose one, fitted on the orders
        up to ``as_of``; without such a training, the engine chooses afresh
        (``choose_value``). Empty when the history is too thin to fit."""
        choice = self.env["smart.dairy.churn.model"]._latest_value_choice(company, as_of)
        try:
            with warnings.catch_warnings(), np.errstate(all="ignore"):
                warnings.simplefilter("ignore")
                summary = engine.summary(orders, as_of)
                if choice:
                    model = engine.fit_value(summary, choice.value_count_model)
                    _logger.info(
                        "Customer value of %s on %s: %s, chosen by the training of %s",
                        company.name,
                        as_of,
                        choice.value_count_model,
                        choice.trained_on,
                    )
                else:
                    model = engine.choose_value(orders, as_of)
                    _logger.info(
                        "Customer value of %s on %s: %s, chosen afresh without a training's "
                        "choice (spend MAE of the backtest: %s)",
                        company.name,
                        as_of,
                        model.backtest["count_model"],
                        {k: round(v, 2) for k, v in model.backtest["mae"].items()},
                    )
                values = model.expected_value(summary, VALUE_DAYS)
        except engine.CustomerInputError as exc:
            _logger.info("No customer value for %s on %s: %s", company.name, as_of, exc)
            return pd.Series(dtype=float)
        return values.where(np.isfinite(values)).clip(lower=0)

    @api.model
    def _churn(self, training, orders, as_of, company):
        """{partner id: churn values} from the training's model; empty without one."""
        since = pd.Timestamp(as_of) - pd.Timedelta(days=churn_engine.ACTIVE_DAYS)
        recent = orders["date"] > since
        if training.state != "done" or not recent.any():
            return {}
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            scores = engine.score(
                training._engine_model(),
                orders,
                as_of,
                thresholds=(company.dairy_churn_medium_from, company.dairy_churn_high_from),
            )
        return {
            int(customer): {
                "churn_probability": float(row.probability),
                "risk_level": row.risk,
                "churn_factors": "\n".join(row.factors),
                "revenue_at_risk": float(row.revenue_at_risk),
            }
            for customer, row in zip(scores.index, scores.itertuples(), strict=True)
        }

    def _notify_churn_risk(self, company):
        """High-risk customers whose revenue at risk reaches the company's threshold get
        a churn-risk activity for their salesperson (once while open) and an alert;
        the company's other churn alerts are resolved."""
        Alert = self.env["smart.dairy.alert"]
        flagged = self.filtered(
            lambda s: (
                s.risk_level == "high" and s.revenue_at_risk >= company.dairy_churn_alert_revenue
            )
        )
        activity_type = self.env.ref("smart_dairy_forecast.mail_activity_type_churn_risk")
        for score in flagged:
            partner = score.partner_id
            user = score.user_id or self.env.ref("base.user_admin")
            message = self.env._(
                "%(customer)s may stop ordering from %(company)s: churn probability "
                "%(probability).0f %%, revenue at risk %(amount).2f %(currency)s. %(factors)s",
                customer=partner.display_name,
                company=company.name,
                probability=100 * score.churn_probability,
                amount=score.revenue_at_risk,
                currency=score.currency_id.name,
                factors=score.churn_factors.replace("\n", "; ") if score.churn_factors else "",
            )
            open_activity = partner.activity_ids.filtered(
                lambda a, u=user: a.activity_type_id == activity_type and a.user_id == u
            )
            if not open_activity:
                partner.activity_schedule(
                    activity_type_id=activity_type.id,
                    user_id=user.id,
                    summary=self.env._("Churn risk in %(company)s", company=company.name),
                    note=message,
                    date_deadline=score.score_date,
                )
            alert = Alert._raise(
                alert_key(company, partner.id),
                {
                    "name": self.env._("Churn risk: %(customer)s", customer=partner.display_name),
                    "source": "forecast",
                    "company_id": company.id,
                    "severity": "warning",
                    "message": message,
                    "value": score.churn_probability,
                    "expected": f"< {company.dairy_churn_high_from:g}",
                },
            )
            # The to-do lives on the customer; the alert names who follows it up.
            alert.user_id = user
        keep = {alert_key(company, score.partner_id.id) for score in flagged}
        stale = Alert.sudo().search(
            [
                ("dedup_key", "=like", f"{ALERT_PREFIX}:{company.id}:%"),
                ("state", "!=", "resolved"),
                ("dedup_key", "not in", list(keep)),
            ]
        )
        for alert in stale:
            Alert._resolve(
                alert.dedup_key, self.env._("The customer's churn risk fell below the alert level.")
            )


def _number(value):
    return float(value) if value is not None and np.isfinite(value) else 0.0
