import dataclasses
import datetime
import logging

from smart_dairy import alerts as alert_engine
from smart_dairy import kpi as engine

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from odoo.addons.smart_dairy_base.models.smart_dairy_access_mixin import (
    ANALYTICS_MANAGER_GROUP,
    USER_GROUP,
)

from .alert_wording import alert_sentence, alert_subject, alert_title, expected_range
from .localised_format import format_number, period_moment
from .smart_dairy_kpi import GRAINS

_logger = logging.getLogger(__name__)

SEVERITIES = [("info", "Info"), ("warning", "Warning"), ("critical", "Critical")]
CONDITIONS = [
    ("threshold", "Threshold"),
    ("limits", "KPI Warning and Critical Limits"),
    ("change", "Change"),
    ("anomaly", "Anomaly"),
]
OPERATORS = [
    ("<", "Below"),
    ("<=", "At or Below"),
    (">", "Above"),
    (">=", "At or Above"),
    ("=", "Equal to"),
    ("between", "Between"),
    ("outside", "Outside"),
]


class SmartDairyAlertRule(models.Model):
    """A condition on a KPI that raises alerts: a threshold (absolute or a share of
    the target), the KPI's own limits, a change against the previous period or last
    year, or an anomaly against the KPI's own history. Evaluated after each KPI
    materialisation run and on demand, per company, on the last closed periods."""

    _name = "smart.dairy.alert.rule"
    _description = "Alert Rule"
    _inherit = ["mail.thread", "smart.dairy.access.mixin"]
    _order = "sequence, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True, tracking=True)
    active = fields.Boolean(default=True, tracking=True)
    sequence = fields.Integer(default=10)
    company_id = fields.Many2one("res.company", help="Leave empty to watch every company.")
    kpi_id = fields.Many2one("smart.dairy.kpi", "KPI", required=True, ondelete="cascade")
    kpi_dimension_ids = fields.Many2many(related="kpi_id.dimension_ids")
    grain = fields.Selection(GRAINS, required=True, default="day")
    dimension_id = fields.Many2one(
        "smart.dairy.kpi.dimension",
        "Breakdown",
        domain="[('id', 'in', kpi_dimension_ids)]",
        help="Watch the KPI for each value of this breakdown (e.g. each farm).",
    )
    dimension_value = fields.Char(
        help="Only this value of the breakdown (a record id); empty for each value."
    )
    dimension_value_label = fields.Char("Breakdown Value", compute="_compute_dimension_label")
    condition = fields.Selection(CONDITIONS, required=True, default="threshold", tracking=True)
    operator = fields.Selection(OPERATORS, default="<")
    threshold = fields.Float(tracking=True)
    threshold_high = fields.Float("Upper Threshold", help="Upper bound for Between and Outside.")
    relative_to_target = fields.Boolean(
        "Percent of Target", help="Thresholds are percentages of the period's target."
    )
    comparison = fields.Selection(
        [("previous", "Previous Period"), ("last_year", "Same Period Last Year")],
        default="previous",
    )
    change_pct = fields.Float("Change (%)", default=10.0)
    direction = fields.Selection(
        [("down", "Down"), ("up", "Up"), ("both", "Either Way")], default="both"
    )
    window = fields.Integer(
        default=30, help="Periods of history (weeks of the same weekday when seasonal)."
    )
    z_threshold = fields.Float("Standard Deviations", default=2.0)
    min_history = fields.Integer(
        default=10, help="Fewest values the window must hold; missing periods are skipped."
    )
    seasonal = fields.Boolean(
        "Weekly Pattern", help="Compare a day with the same weekday of previous weeks."
    )
    lookback = fields.Integer(
        "Periods Checked", default=1, help="How many of the last closed periods each run checks."
    )
    severity = fields.Selection(SEVERITIES, required=True, default="warning", tracking=True)
    user_id = fields.Many2one("res.users", "Responsible", tracking=True)
    group_id = fields.Many2one(
        "res.groups", "Responsible Group", help="Everyone in this group gets the activity."
    )
    partner_ids = fields.Many2many(
        "res.partner", string="Notify", help="Follow every alert of this rule."
    )
    channel_activity = fields.Boolean("Activity", default=True)
    channel_message = fields.Boolean("Message to Followers", default=True)
    channel_email = fields.Boolean("Email")
    cooldown_hours = fields.Integer(
        "Cooldown (hours)", help="No new alert for the same scope within this many hours."
    )
    auto_resolve = fields.Boolean(
        "Resolve Automatically", default=True, help="Resolve open alerts once the value is back."
    )
    alert_ids = fields.One2many("smart.dairy.alert", "rule_id")
    alert_count = fields.Integer(compute="_compute_alert_count")
    open_alert_count = fields.Integer(compute="_compute_alert_count")

    @api.depends("dimension_id", "dimension_value")
    def _compute_dimension_label(self):
        for rule in self:
            value = rule.dimension_value
            rule.dimension_value_label = (
                rule.dimension_id._value_labels([value])[value]
                if rule.dimension_id and value
                else False
            )

    def _compute_alert_count(self):
        Alert = self.env["smart.dairy.alert"]
        total = dict(Alert._read_group([("rule_id", "in", self.ids)], ["rule_id"], ["__count"]))
        opened = dict(
            Alert._read_group(
                [("rule_id", "in", self.ids), ("state", "!=", "resolved")],
                ["rule_id"],
                ["__count"],
            )
        )
        for rule in self:
            rule.alert_count = total.get(rule, 0)
            rule.open_alert_count = opened.get(rule, 0)

    @api.constrains(
        "kpi_id", "grain", "dimension_id", "dimension_value", "condition", "operator",
        "threshold", "threshold_high", "relative_to_target", "comparison", "change_pct",
        "direction", "window", "z_threshold", "min_history", "seasonal", "lookback",
        "cooldown_hours",
    )  # fmt: skip
    def _check_configuration(self):
        for rule in self:
            kpi = rule.kpi_id
            if rule.grain not in {grain.value for grain in kpi._grains}:
                raise ValidationError(
                    self.env._(
                        "Rule %(rule)s: KPI %(kpi)s is not computed by %(grain)s.",
                        rule=rule.name,
                        kpi=kpi.name,
                        grain=rule.grain,
                    )
                )
            if rule.dimension_id and rule.dimension_id not in kpi.dimension_ids:
                raise ValidationError(
                    self.env._(
                        "Rule %(rule)s: KPI %(kpi)s has no breakdown by %(dimension)s.",
                        rule=rule.name,
                        kpi=kpi.name,
                        dimension=rule.dimension_id.display_name,
                    )
                )
            if rule.dimension_value and not rule.dimension_id:
                raise ValidationError(
                    self.env._("Rule %(rule)s: choose the breakdown of its value.", rule=rule.name)
                )
            if rule.seasonal and rule.grain != "day":
                raise ValidationError(
                    self.env._(
                        "Rule %(rule)s: the weekly pattern only applies to daily values.",
                        rule=rule.name,
                    )
                )
            if rule.lookback < 1:
                raise ValidationError(
                    self.env._(
                        "Periods Checked: rule %(rule)s must check at least one period.",
                        rule=rule.name,
                    )
                )
            if rule.cooldown_hours < 0:
                raise ValidationError(
                    self.env._(
                        "Cooldown (hours): rule %(rule)s needs zero hours or more.",
                        rule=rule.name,
                    )
                )
            try:
                alert_engine.validate(rule._to_engine())
            except alert_engine.AlertRuleError as error:
                raise ValidationError(
                    self.env._("Rule %(rule)s: %(error)s", rule=rule.name, error=error)
                ) from error

    def _to_engine(self):
        """The rule as the engine's plain data."""
        self.ensure_one()
        kpi = self.kpi_id

        def limit(value):
            return value or None  # 0 means "no limit" on the KPI

        return alert_engine.Rule(
            condition=self.condition,
            severity=self.severity,
            operator=self.operator or "<",
            threshold=self.threshold,
            threshold_high=(
                self.threshold_high if self.operator in ("between", "outside") else None
            ),
            relative_to_target=self.relative_to_target,
            limits=alert_engine.Limits(
                limit(kpi.warning_low),
                limit(kpi.warning_high),
                limit(kpi.critical_low),
                limit(kpi.critical_high),
            ),
            comparison=self.comparison or "previous",
            change_pct=self.change_pct,
            direction=self.direction or "both",
            window=self.window,
            z_threshold=self.z_threshold,
            min_history=self.min_history,
            seasonal=self.seasonal,
        )

    # ------------------------------------------------------------- evaluation

    def _companies(self):
        """The companies this rule watches."""
        self.ensure_one()
        companies = self.env["res.company"].sudo().search([])
        if self.company_id:
            companies &= self.company_id
        if self.kpi_id.company_id:
            companies &= self.kpi_id.company_id
        return companies

    def _history_periods(self):
        if self.condition != "anomaly":
            return 0
        return self.window * (7 if self.seasonal else 1)

    def _outcomes(self, company, date_from, date_to):
        """[(dimension value, label, Outcome)] for every period from ``date_from`` to
        ``date_to`` (history before ``date_from`` is read for anomalies)."""
        self.ensure_one()
        grain = engine.Grain(self.grain)
        first = engine.period_start(date_from, grain)
        start = engine.shift(first, grain, -max(self._history_periods(), 1) - 1)
        reader = self.env["smart.dairy.kpi.value"]._reader(company)
        query = engine.Query([self.kpi_id.code], grain, start, date_to)
        if self.dimension_id:
            values = [self.dimension_value] if self.dimension_value else None
            query = dataclasses.replace(
                query, breakdown=self.dimension_id.field_name, dimension_values=values
            )
            by_value = reader.fetch_breakdown(query)[self.kpi_id.code]
            labels = self.dimension_id._value_labels(list(by_value))
        else:
            by_value = {"": reader.fetch(query)[self.kpi_id.code]}
            labels = {"": ""}
        rule = self._to_engine()
        result = []
        for value, series in by_value.items():
            observations = [
                alert_engine.Observation(
                    point.period_start,
                    point.value,
                    point.target,
                    point.previous,
                    point.last_year,
                )
                for point in series.points
            ]
            index = next(
                (i for i, o in enumerate(observations) if o.period_start >= first),
                len(observations),
            )
            result.extend(
                (value, labels.get(value, value), outcome)
                for outcome in alert_engine.evaluate(rule, observations, index)
            )
        return result

    def _outcome_data(self, outcome):
        """What the fired ``outcome`` says, as the engine's JSON-ready data."""
        return alert_engine.describe(self._to_engine(), outcome, self.grain)

    def _message(self, outcome, label):
        """The message of a fired ``outcome`` in the context's language."""
        subject = alert_subject(self.env, self.kpi_id.name, label)
        return alert_sentence(
            self.env, self._outcome_data(outcome), subject, self.kpi_id.unit or ""
        )

    def _last_closed_period(self, today):
        grain = engine.Grain(self.grain)
        return engine.shift(engine.period_start(today, grain), grain, -1)

    def _evaluation_range(self, today):
        """(first day, last day) of the closed periods an evaluation checks."""
        last = self._last_closed_period(today)
        first = engine.shift(last, self.grain, -(self.lookback - 1))
        return first, engine.period_end(last, self.grain) - datetime.timedelta(days=1)

    def _missing_values(self, company, date_from, date_to):
        """Why the rule has nothing to check in ``company`` from ``date_from`` to
        ``date_to``, in plain words naming the KPI; False when its KPI has values there."""
        self.ensure_one()
        kpi = self.kpi_id.sudo()
        grain = engine.Grain(self.grain)
        stored = (
            self.env["smart.dairy.kpi.value"]
            .sudo()
            .search_count(
                [
                    ("kpi_id", "=", kpi.id),
                    ("company_id", "=", company.id),
                    ("grain", "=", grain.value),
                    ("period_start", ">=", engine.period_start(date_from, grain)),
                    ("period_start", "<=", date_to),
                ],
                limit=1,
            )
        )
        if stored:
            return False
        if kpi.backfill_state == "pending":
            return self.env._(
                "KPI %(kpi)s has no values yet: they are being computed in the background "
                "since it was created or changed. Try again when they are ready.",
                kpi=kpi.display_name,
            )
        return self.env._(
            "KPI %(kpi)s has no %(grain)s values for %(company)s from %(start)s to %(end)s: "
            "recompute the KPI or check its definition.",
            kpi=kpi.display_name,
            grain=grain.value,
            company=company.name,
            start=date_from,
            end=date_to,
        )

    def _evaluate(self, companies=None, today=None):
        """Check the last closed periods of each rule in each company it watches,
        raising alerts where the condition holds and resolving those that cleared.
        Returns the alerts raised or updated."""
        Alert = self.env["smart.dairy.alert"].sudo()
        raised = Alert
        today = today or fields.Date.context_today(self)
        for rule in self:
            first, end = rule._evaluation_range(today)
            for company in rule._companies():
                if companies is not None and company not in companies:
                    continue
                outcomes = rule.with_company(company)._outcomes(company, first, end)
                raised |= rule._apply(company, outcomes)
        return raised

    def _apply(self, company, outcomes):
        """Raise, update or resolve the alerts of one company from ``outcomes``."""
        self.ensure_one()
        Alert = self.env["smart.dairy.alert"].sudo()
        raised = Alert
        latest = {}
        for value, label, outcome in outcomes:
            key = self._alert_key(company, value, outcome.period_start)
            if outcome.fired:
                existing = Alert.search([("dedup_key", "=", key)], limit=1)
                if existing.state == "resolved":
                    continue  # this period's alert was dealt with already
                if not existing and self._cooling_down(company, value):
                    continue
                raised |= Alert._raise(key, self._alert_values(company, value, label, outcome))
            elif outcome.evaluated and self.auto_resolve:
                Alert._resolve(key, self.env._("The condition no longer holds."))
            if outcome.evaluated:
                latest[value] = outcome
        if self.auto_resolve:
            for value, outcome in latest.items():
                if not outcome.fired:
                    stale = Alert.search(
                        [
                            ("rule_id", "=", self.id),
                            ("company_id", "=", company.id),
                            ("dimension_value", "=", value or False),
                            ("state", "!=", "resolved"),
                        ]
                    )
                    for alert in stale:
                        Alert._resolve(
                            alert.dedup_key,
                            self.env._(
                                "Back to normal: %(value)s %(when)s.",
                                value=format_number(self.env, outcome.value, self.kpi_id.unit),
                                when=period_moment(self.env, outcome.period_start, self.grain),
                            ),
                        )
        return raised

    def _alert_key(self, company, value, period_start):
        return f"rule:{self.id}:{company.id}:{value or ''}:{period_start.isoformat()}"

    def _cooling_down(self, company, value):
        if not self.cooldown_hours:
            return False
        since = fields.Datetime.now() - datetime.timedelta(hours=self.cooldown_hours)
        return bool(
            self.env["smart.dairy.alert"]
            .sudo()
            .search_count(
                [
                    ("rule_id", "=", self.id),
                    ("company_id", "=", company.id),
                    ("dimension_value", "=", value or False),
                    ("create_date", ">=", since),
                ],
                limit=1,
            )
        )

    def _alert_values(self, company, value, label, outcome):
        """The alert's values; its name, message and range stored in English (each
        reader sees them in their language, worded from ``message_data``)."""
        english = self.with_context(lang="en_US")
        subject = alert_subject(english.env, english.kpi_id.name, label)
        return {
            "name": alert_title(english.env, subject, outcome.period_start, self.grain),
            "rule_id": self.id,
            "source": "kpi",
            "kpi_id": self.kpi_id.id,
            "company_id": company.id,
            "grain": self.grain,
            "period_start": outcome.period_start,
            "dimension_id": self.dimension_id.id,
            "dimension_value": value or False,
            "dimension_label": label or False,
            "value": outcome.value,
            "expected": english._expected(outcome),
            "message": english._message(outcome, label),
            "message_data": self._outcome_data(outcome),
            "severity": outcome.severity or self.severity,
            "user_id": self.user_id.id,
        }

    def _expected(self, outcome):
        """The range the value should stay within, in words: "70 to 95", "at least 49,600"."""
        return expected_range(
            self.env, outcome.expected_low, outcome.expected_high, self.kpi_id.unit or ""
        )

    def _simulate(self, company, date_from, date_to):
        """What the rule would have raised over a past range, without raising it."""
        self.ensure_one()
        return [
            {
                "period_start": outcome.period_start,
                "scope": label,
                "value": outcome.value,
                "severity": outcome.severity,
                "message": self._message(outcome, label),
            }
            for _value, label, outcome in self._outcomes(company, date_from, date_to)
            if outcome.fired
        ]

    @api.model
    def _evaluate_after_run(self, companies=None):
        """Called when a materialisation run wrote values: evaluates every active
        rule (in ``companies`` when given); a failing rule is logged and stops no other."""
        for rule in self.sudo().search([]):
            try:
                with self.env.cr.savepoint():
                    rule._evaluate(companies=companies)
            except Exception:  # one broken rule must not stop the others
                _logger.exception("Alert rule %s failed to evaluate", rule.id)

    # ---------------------------------------------------------------- actions

    def action_evaluate(self):
        """Evaluate now, in the companies the user works in."""
        self._check_caller(ANALYTICS_MANAGER_GROUP, "write")
        alerts = self._evaluate(companies=self.env.companies)
        today = fields.Date.context_today(self)
        missing = []
        for rule in self:
            first, end = rule._evaluation_range(today)
            for company in rule._companies() & self.env.companies:
                missing.append(rule._missing_values(company, first, end))
        messages = [self.env._("%(count)s alerts raised or updated.", count=len(alerts))]
        messages += sorted(set(filter(None, missing)))
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "warning" if alerts or any(missing) else "success",
                "message": "\n".join(messages),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    def action_test(self):
        """Show when the rule would have fired over the last periods."""
        self.ensure_one()
        self._check_caller(ANALYTICS_MANAGER_GROUP)
        wizard = self.env["smart.dairy.alert.rule.test"].create({"rule_id": self.id})
        wizard.action_run()
        return wizard._action_open()

    def action_open_alerts(self):
        self.ensure_one()
        self._check_caller(USER_GROUP)
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "smart_dairy_bi.smart_dairy_alert_action"
        )
        action["domain"] = [("rule_id", "=", self.id)]
        action["context"] = {}
        return action
