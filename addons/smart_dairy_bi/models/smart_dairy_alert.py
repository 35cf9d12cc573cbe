import dataclasses
import datetime

from markupsafe import Markup
from smart_dairy import kpi as engine

from odoo import api, fields, models

from odoo.addons.smart_dairy_base.models.smart_dairy_access_mixin import FARM_MANAGER_GROUP

from .alert_wording import alert_sentence, alert_subject, alert_title, expected_range
from .localised_format import format_number
from .smart_dairy_alert_rule import SEVERITIES
from .smart_dairy_kpi import GRAINS

STATES = [("open", "Open"), ("acknowledged", "Acknowledged"), ("resolved", "Resolved")]
SEVERITY_RANK = {"info": 0, "warning": 1, "critical": 2}
CHART_PERIODS = 30


class SmartDairyAlert(models.Model):
    """An alert raised by a rule or by another addon (devices, forecasts), followed
    up like any Odoo record: responsible person's activity, messages, acknowledgement.

    Other addons raise their alerts through this API, deduplicated by a key of
    their choosing (at most one unresolved alert per key)::

        alert = env["smart.dairy.alert"]._raise("iot:sensor:42:offline", {
            "name": "Milk tank sensor offline",
            "source": "device",            # kpi, other, or one an addon adds
            "company_id": company.id,
            "severity": "critical",        # info, warning, critical
            "message": "Tank 2 sent nothing since 06:10.",
            "user_id": user.id,            # optional: gets a to-do activity
            "value": 0.0, "expected": "one reading a minute",  # optional
        })                                 # a second call updates the same alert
        env["smart.dairy.alert"]._resolve("iot:sensor:42:offline", "Back online.")
    """

    _name = "smart.dairy.alert"
    _description = "Alert"
    _inherit = ["mail.thread", "mail.activity.mixin", "smart.dairy.access.mixin"]
    _order = "create_date desc, id desc"
    # What the alert says is the system's; Farm Managers handle it (responsible
    # person, acknowledge, resolve through the actions), nothing more.
    _system_fields = frozenset(
        {
            "name", "dedup_key", "rule_id", "source", "kpi_id", "company_id", "grain",
            "period_start", "observed_at", "dimension_id", "dimension_value",
            "dimension_label", "value", "expected", "message", "message_data", "severity", "state",
            "acknowledged_by", "acknowledged_at", "resolved_by", "resolved_at",
        }
    )  # fmt: skip

    name = fields.Char(required=True)
    dedup_key = fields.Char(
        "Key", required=True, index=True, readonly=True, copy=False,
        help="At most one unresolved alert exists per key.",
    )  # fmt: skip
    rule_id = fields.Many2one("smart.dairy.alert.rule", readonly=True, ondelete="set null")
    source = fields.Selection(
        [("kpi", "KPI"), ("other", "Other")],
        required=True,
        default="other",
        readonly=True,
    )
    kpi_id = fields.Many2one("smart.dairy.kpi", "KPI", readonly=True, ondelete="set null")
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, readonly=True
    )
    grain = fields.Selection(GRAINS, readonly=True)
    period_start = fields.Date("Period", readonly=True, index=True)
    observed_at = fields.Datetime(default=fields.Datetime.now, readonly=True)
    dimension_id = fields.Many2one("smart.dairy.kpi.dimension", "Breakdown", readonly=True)
    dimension_value = fields.Char(readonly=True)
    dimension_label = fields.Char("Scope", readonly=True)
    value = fields.Float("Observed Value", readonly=True)
    expected = fields.Char("Expected Range in English", readonly=True)
    message = fields.Text("Message in English", readonly=True, help="As raised; searchable.")
    message_data = fields.Json(
        readonly=True, help="What a KPI alert says as data: worded in each reader's language."
    )
    message_display = fields.Text("Message", compute="_compute_wording")
    expected_display = fields.Char("Threshold or Expected Range", compute="_compute_wording")
    severity = fields.Selection(SEVERITIES, required=True, default="warning", tracking=True)
    state = fields.Selection(STATES, required=True, default="open", tracking=True)
    user_id = fields.Many2one("res.users", "Responsible", tracking=True)
    acknowledged_by = fields.Many2one("res.users", readonly=True)
    acknowledged_at = fields.Datetime(readonly=True)
    resolved_by = fields.Many2one("res.users", readonly=True)
    resolved_at = fields.Datetime(readonly=True)
    chart = fields.Html("Recent Values", compute="_compute_chart", sanitize=False)

    _open_key_unique = models.UniqueIndex(
        "(dedup_key) WHERE state != 'resolved'", "An unresolved alert already has this key."
    )

    # ---------------------------------------------------------------- wording

    @api.depends_context("lang")
    @api.depends("name", "message_data", "kpi_id", "dimension_label")
    def _compute_display_name(self):
        for alert in self:
            if alert.message_data and alert.kpi_id:
                subject = alert._subject()
                d = alert.message_data
                alert.display_name = alert_title(alert.env, subject, d["period_start"], d["grain"])
            else:
                alert.display_name = alert.name

    @api.depends_context("lang")
    @api.depends("message_data", "message", "expected", "kpi_id", "dimension_label")
    def _compute_wording(self):
        for alert in self:
            d = alert.message_data
            if d and alert.kpi_id:
                unit = alert.kpi_id.sudo().unit or ""
                alert.message_display = alert_sentence(alert.env, d, alert._subject(), unit)
                alert.expected_display = expected_range(
                    alert.env, d.get("expected_low"), d.get("expected_high"), unit
                )
            else:
                alert.message_display = alert.message
                alert.expected_display = alert.expected

    @api.private
    def _subject(self):
        """The KPI's name (in the reader's language) and the alert's scope."""
        return alert_subject(self.env, self.kpi_id.sudo().name, self.dimension_label or "")

    # -------------------------------------------------------------------- API

    @api.model
    def _raise(self, key, values):
        """Create the unresolved alert of ``key``, or update it; a new alert notifies
        its rule's channels (or, without a rule, gives ``user_id`` an activity)."""
        alert = self.sudo().search([("dedup_key", "=", key), ("state", "!=", "resolved")], limit=1)
        if alert:
            escalated = SEVERITY_RANK.get(values.get("severity"), 0) > SEVERITY_RANK[alert.severity]
            alert.write({**values, "observed_at": fields.Datetime.now()})
            if escalated:
                alert._post_message(alert._recipients())
            return alert
        alert = self.sudo().create({**values, "dedup_key": key})
        alert._notify_raised()
        return alert

    @api.model
    def _resolve(self, key, message=None):
        """Resolve the unresolved alert of ``key``, if any; returns it."""
        alert = self.sudo().search([("dedup_key", "=", key), ("state", "!=", "resolved")])
        alert._set_resolved(message)
        return alert

    # ---------------------------------------------------------- notifications

    def _notify_raised(self):
        """Reach the right people through the channels of the alert's rule, each in
        their own language."""
        for alert in self:
            rule = alert.rule_id
            partners = alert._recipients()
            if partners:
                alert.message_subscribe(partner_ids=partners.ids)
            if not rule or rule.channel_activity:
                for user in alert._responsible_users():
                    worded = alert.with_context(lang=user.lang or alert.env.lang)
                    alert.activity_schedule(
                        "mail.mail_activity_data_todo",
                        user_id=user.id,
                        summary=worded.display_name,
                        note=worded.message_display,
                    )
            if rule.channel_message:
                alert._post_message(partners)
            if rule.channel_email:
                alert._send_email(partners)

    @api.private
    def _recipients(self):
        """The partners the alert notifies: its rule's and its responsible person."""
        self.ensure_one()
        return self.rule_id.partner_ids | self.user_id.partner_id

    @api.private
    def _by_language(self, partners):
        """{language: partners} of ``partners`` (the context's language when unset)."""
        groups = {}
        for partner in partners:
            lang = partner.lang or self.env.lang or "en_US"
            groups[lang] = groups.get(lang, partners.browse()) | partner
        return groups

    @api.private
    def _post_message(self, partners):
        """Post the message to the followers in the language ``partners`` share; when
        they speak several, one note per language, each to those who speak it."""
        self.ensure_one()
        groups = self._by_language(partners)
        if len(groups) <= 1:
            lang = next(iter(groups), self.env.lang)
            body = self.with_context(lang=lang).message_display
            self.message_post(body=body, subtype_xmlid="mail.mt_comment")
            return
        for lang, group in groups.items():
            body = self.with_context(lang=lang).message_display
            self.message_post(body=body, subtype_xmlid="mail.mt_note", partner_ids=group.ids)

    def _responsible_users(self):
        self.ensure_one()
        users = self.user_id
        if not users and self.rule_id.group_id:
            users = self.rule_id.group_id.all_user_ids.filtered(
                lambda user: self.company_id in user.company_ids and user.active
            )
        return users

    def _send_email(self, partners):
        """One mail per language of the recipients, worded in it."""
        self.ensure_one()
        for lang, recipients in self._by_language(partners.filtered("email")).items():
            alert = self.with_context(lang=lang)
            severity = dict(self._fields["severity"]._description_selection(alert.env))
            body = Markup("<p>%s</p><p>%s</p>") % (
                alert.message_display,
                alert.env._("Severity: %s", severity[self.severity]),
            )
            self.env["mail.mail"].sudo().create(
                {
                    "subject": alert.display_name,
                    "body_html": body,
                    "recipient_ids": [fields.Command.set(recipients.ids)],
                    "model": self._name,
                    "res_id": self.id,
                    "auto_delete": True,
                }
            )

    # ---------------------------------------------------------------- actions

    def action_acknowledge(self):
        self._check_caller(FARM_MANAGER_GROUP, "write")
        self.sudo().filtered(lambda alert: alert.state == "open").write(
            {
                "state": "acknowledged",
                "acknowledged_by": self.env.uid,
                "acknowledged_at": fields.Datetime.now(),
            }
        )

    def action_resolve(self):
        self._check_caller(FARM_MANAGER_GROUP, "write")
        self.sudo()._set_resolved(by=self.env.user)

    def _set_resolved(self, message=None, by=None):
        todo = self.filtered(lambda alert: alert.state != "resolved")
        if not todo:
            return
        todo.write(
            {
                "state": "resolved",
                "resolved_by": by.id if by else False,
                "resolved_at": fields.Datetime.now(),
            }
        )
        todo.activity_ids.action_feedback(feedback=message or self.env._("Alert resolved."))
        if message:
            for alert in todo:
                alert.message_post(body=message, subtype_xmlid="mail.mt_note")

    # ------------------------------------------------------------- dashboards

    @api.model
    def _open_alerts_for_kpis(self, kpis, limit=50):
        """The unresolved alerts on ``kpis`` the user may see (allowed companies), as
        JSON-ready data for dashboards: ``counts`` by severity (all of them) and the
        ``alerts``, worst first (at most ``limit``), each with the rule it came from."""
        domain = [
            ("kpi_id", "in", kpis.ids),
            ("state", "!=", "resolved"),
            ("company_id", "in", self.env.companies.ids),
        ]
        counts = dict(self._read_group(domain, ["severity"], ["__count"]))
        alerts = self.search(domain)
        alerts = alerts.sorted(lambda a: (-SEVERITY_RANK[a.severity], -a.id))[:limit]
        return {
            "counts": {severity: counts.get(severity, 0) for severity in SEVERITY_RANK},
            "alerts": [
                {
                    "id": alert.id,
                    "name": alert.display_name,
                    "rule": alert.rule_id.name or alert.kpi_id.name,
                    "message": alert.message_display or "",
                    "severity": alert.severity,
                    "state": alert.state,
                    "kpi_code": alert.kpi_id.code,
                    "period_start": alert.period_start and alert.period_start.isoformat(),
                    "value": alert.value,
                }
                for alert in alerts
            ],
        }

    # ------------------------------------------------------------------ chart

    @api.depends("kpi_id", "period_start", "grain", "dimension_value", "company_id")
    def _compute_chart(self):
        for alert in self:
            alert.chart = alert._chart_svg() if alert.kpi_id and alert.period_start else False

    def _recent_values(self):
        """[(period start, value)] of the alert's KPI and scope up to its period."""
        kpi = self.kpi_id.sudo()
        grain = engine.Grain(self.grain or "day")
        date_to = engine.period_end(self.period_start, grain) - datetime.timedelta(days=1)
        date_from = engine.shift(self.period_start, grain, -(CHART_PERIODS - 1))
        reader = self.env["smart.dairy.kpi.value"]._reader(self.company_id)
        query = engine.Query([kpi.code], grain, date_from, date_to)
        if self.dimension_id and self.dimension_value:
            query = dataclasses.replace(
                query, breakdown=self.dimension_id.field_name,
                dimension_values=[self.dimension_value],
            )  # fmt: skip
            series = reader.fetch_breakdown(query)[kpi.code][self.dimension_value]
        else:
            series = reader.fetch(query)[kpi.code]
        return [(p.period_start, p.value) for p in series.points]

    def _chart_svg(self, width=320, height=90):
        points = [(day, value) for day, value in self._recent_values() if value is not None]
        if len(points) < 2:
            return False
        values = [v for _d, v in points]
        low, high = min(values), max(values)
        span = (high - low) or 1.0
        step = (width - 10) / (len(points) - 1)

        def xy(i, v):
            return 5 + i * step, height - 5 - (v - low) / span * (height - 10)

        path = " ".join("{:.1f},{:.1f}".format(*xy(i, v)) for i, (_d, v) in enumerate(points))
        colour = {"critical": "#d9534f", "warning": "#f0ad4e"}.get(self.severity, "#17a2b8")
        last_x, last_y = xy(len(points) - 1, values[-1])
        title = self.env._(
            "%(kpi)s, last %(count)s periods: %(low)s to %(high)s",
            kpi=self.kpi_id.name,
            count=len(points),
            low=format_number(self.env, low),
            high=format_number(self.env, high),
        )
        return Markup(
            '<svg xmlns="http://www.w3.org/2000/svg" role="img" width="%(w)s" height="%(h)s" '
            'viewBox="0 0 %(w)s %(h)s"><title>%(title)s</title>'
            '<polyline fill="none" stroke="#6c757d" stroke-width="1.5" points="%(path)s"/>'
            '<circle cx="%(x).1f" cy="%(y).1f" r="4" fill="%(colour)s"/></svg>'
        ) % {
            "w": width,
            "h": height,
            "title": title,
            "path": path,
            "x": last_x,
            "y": last_y,
            "colour": colour,
        }
