import base64
import calendar
import datetime
import logging
from zoneinfo import ZoneInfo

from markupsafe import Markup
from smart_dairy.kpi import dashboard as layout

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from odoo.addons.smart_dairy_base.models.smart_dairy_access_mixin import (
    ANALYTICS_MANAGER_GROUP,
)

from .smart_dairy_dashboard import DEFAULT_PRESETS

_logger = logging.getLogger(__name__)

WEEKDAYS = [
    ("0", "Monday"),
    ("1", "Tuesday"),
    ("2", "Wednesday"),
    ("3", "Thursday"),
    ("4", "Friday"),
    ("5", "Saturday"),
    ("6", "Sunday"),
]


def next_occurrence(after, frequency, hour, weekday=0, month_day=1):
    """The first sending time strictly after ``after`` (naive, local time)."""
    day = after.date()
    if frequency == "weekly":
        day += datetime.timedelta(days=(weekday - day.weekday()) % 7)
    elif frequency == "monthly":
        day = day.replace(day=min(month_day, calendar.monthrange(day.year, day.month)[1]))
    candidate = datetime.datetime.combine(day, datetime.time(hour))
    if candidate > after:
        return candidate
    if frequency == "daily":
        return candidate + datetime.timedelta(days=1)
    if frequency == "weekly":
        return candidate + datetime.timedelta(days=7)
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    last = calendar.monthrange(year, month)[1]
    return datetime.datetime(year, month, min(month_day, last), hour)


class SmartDairyReportSchedule(models.Model):
    """A dashboard, with its filters, mailed as a file to recipients at a set rhythm."""

    _name = "smart.dairy.report.schedule"
    _description = "Dashboard Report Schedule"
    _inherit = ["mail.thread", "smart.dairy.access.mixin"]
    _order = "next_send, id"
    _system_fields = frozenset({"last_sent", "log_ids"})
    _check_company_auto = True

    name = fields.Char(required=True, tracking=True)
    active = fields.Boolean(default=True, tracking=True)
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company, index=True
    )
    user_id = fields.Many2one(
        "res.users",
        "Render As",
        required=True,
        default=lambda self: self.env.user,
        domain=[("share", "=", False)],
        help="The dashboard is rendered with this user's access rights and language.",
    )
    dashboard_id = fields.Many2one(
        "smart.dairy.dashboard", required=True, ondelete="cascade", tracking=True
    )
    preset = fields.Selection(
        DEFAULT_PRESETS,
        "Period",
        required=True,
        default="last_7_days",
        help="Period the report covers, counted back from the sending day.",
    )
    region_ids = fields.Many2many("smart.dairy.region", string="Regions")
    categ_ids = fields.Many2many("product.category", string="Product Categories")
    team_ids = fields.Many2many("crm.team", string="Sales Channels", check_company=True)
    farm_ids = fields.Many2many("smart.dairy.farm", string="Farms", check_company=True)
    fmt = fields.Selection("_selection_fmt", "Format", required=True, default="xlsx")
    partner_ids = fields.Many2many("res.partner", string="Recipients", tracking=True)
    frequency = fields.Selection(
        [("daily", "Daily"), ("weekly", "Weekly"), ("monthly", "Monthly")],
        required=True,
        default="weekly",
        tracking=True,
    )
    weekday = fields.Selection(WEEKDAYS, default="0")
    month_day = fields.Integer("Day of Month", default=1)
    hour = fields.Integer(
        "Sending Hour", default=7, help="Hour of the day, in the time zone of Render As."
    )
    next_send = fields.Datetime(
        compute="_compute_next_send", store=True, readonly=False, index=True, copy=False
    )
    last_sent = fields.Datetime(readonly=True, copy=False)
    log_ids = fields.One2many("smart.dairy.report.schedule.log", "schedule_id", "Sendings")

    @api.model
    def _selection_fmt(self):
        formats = self.env["smart.dairy.dashboard"]._export_formats()
        return [(key, label) for key, (label, _mimetype, _ext) in formats.items()]

    # ---------------------------------------------------------------- timing

    def _timezone(self):
        try:
            return ZoneInfo(self.user_id.tz or "UTC")
        except (KeyError, ValueError):
            return ZoneInfo("UTC")

    def _next_after(self, moment):
        """The sending time following ``moment`` (naive UTC), as naive UTC."""
        self.ensure_one()
        tz = self._timezone()
        local = moment.replace(tzinfo=datetime.UTC).astimezone(tz).replace(tzinfo=None)
        nxt = next_occurrence(
            local, self.frequency, self.hour, int(self.weekday or 0), self.month_day or 1
        )
        return nxt.replace(tzinfo=tz).astimezone(datetime.UTC).replace(tzinfo=None)

    @api.depends("frequency", "weekday", "month_day", "hour", "user_id.tz")
    def _compute_next_send(self):
        now = fields.Datetime.now()
        for schedule in self:
            if schedule._timing_problem():
                schedule.next_send = False
            else:
                schedule.next_send = schedule._next_after(now)

    # ----------------------------------------------------------- constraints

    def _timing_problem(self):
        self.ensure_one()
        if self.frequency == "weekly" and not self.weekday:
            return self.env._("A weekly schedule needs the weekday to send on.")
        if self.frequency == "monthly" and not 1 <= self.month_day <= 31:
            return self.env._("A monthly schedule needs a day of the month from 1 to 31.")
        if not 0 <= self.hour <= 23:
            return self.env._("The sending hour must be from 0 to 23.")
        return ""

    @api.constrains("frequency", "weekday", "month_day", "hour")
    def _check_timing(self):
        for schedule in self:
            if problem := schedule._timing_problem():
                raise ValidationError(
                    self.env._("%(name)s: %(problem)s", name=schedule.name, problem=problem)
                )

    @api.constrains("partner_ids")
    def _check_recipients(self):
        for schedule in self:
            if not schedule.partner_ids:
                raise ValidationError(
                    self.env._("Add at least one recipient to %(name)s.", name=schedule.name)
                )
            missing = schedule.partner_ids.filtered(lambda partner: not partner.email)
            if missing:
                raise ValidationError(
                    self.env._(
                        "%(names)s have no email address: add one or remove them from %(name)s.",
                        names=", ".join(missing.mapped("display_name")),
                        name=schedule.name,
                    )
                )

    @api.constrains("user_id", "company_id", "dashboard_id")
    def _check_user(self):
        for schedule in self:
            user = schedule.user_id
            if schedule.company_id not in user.company_ids:
                raise ValidationError(
                    self.env._(
                        "%(user)s does not work in %(company)s, so cannot render %(name)s.",
                        user=user.name,
                        company=schedule.company_id.name,
                        name=schedule.name,
                    )
                )
            try:
                schedule._dashboard_env()._get_allowed(schedule.dashboard_id.id)
            except (AccessError, UserError) as error:
                raise ValidationError(
                    self.env._(
                        "%(user)s cannot open dashboard %(dashboard)s: %(reason)s",
                        user=user.name,
                        dashboard=schedule.dashboard_id.name,
                        reason=str(error),
                    )
                ) from error

    @api.model_create_multi
    def create(self, vals_list):
        schedules = super().create(vals_list)
        schedules._check_render_as()
        return schedules

    def write(self, vals):
        # The mixin checks the record rules on the schedules as written (company).
        result = super().write(vals)
        # Whatever changed (recipients, dashboard, company, filters, timing), what is
        # mailed is rendered with Render As' rights: only they or an administrator
        # may change a schedule.
        self._check_render_as()
        return result

    def _check_render_as(self):
        """Only administrators may schedule reports rendered with someone else's rights."""
        if self.env.su or self.env.user.has_group("base.group_system"):
            return
        if self.filtered(lambda schedule: schedule.user_id != self.env.user):
            raise ValidationError(
                self.env._(
                    "A report is rendered with the access rights of its Render As user: "
                    "only an administrator may set or change a schedule rendered as "
                    "someone else. Set Render As to yourself to take it over."
                )
            )

    # --------------------------------------------------------------- sending

    def _dashboard_env(self):
        """The dashboard model as the schedule's user, in the schedule's company."""
        self.ensure_one()
        return (
            self.env["smart.dairy.dashboard"]
            .with_user(self.user_id)
            .with_context(allowed_company_ids=self.company_id.ids, lang=self.user_id.lang)
        )

    def _filters(self):
        self.ensure_one()
        filters = {"preset": self.preset}
        for dimension in layout.DIMENSION_FILTERS:
            filters[dimension.key] = self[dimension.key].ids
        return filters

    def _send(self):
        """Render the dashboard, attach it to a mail to the recipients; return the log."""
        self.ensure_one()
        name, mimetype, content = self._dashboard_env()._export_file(
            self.dashboard_id.id, self._filters(), self.fmt
        )
        attachment = (
            self.env["ir.attachment"]
            .sudo()
            .create(
                {
                    "name": name,
                    "datas": base64.b64encode(content),
                    "mimetype": mimetype,
                    "res_model": self._name,
                    "res_id": self.id,
                }
            )
        )
        body = Markup("<p>%s</p><p>%s</p>") % (
            self.env._("Please find attached %(name)s.", name=name),
            self.env._("Sent by the report schedule %(schedule)s.", schedule=self.name),
        )
        mail = (
            self.env["mail.mail"]
            .sudo()
            .create(
                {
                    "subject": self.env._(
                        "%(schedule)s: %(dashboard)s",
                        schedule=self.name,
                        dashboard=self.dashboard_id.name,
                    ),
                    "body_html": body,
                    "email_from": self.company_id.email_formatted or self.user_id.email_formatted,
                    "recipient_ids": [(6, 0, self.partner_ids.ids)],
                    "attachment_ids": [(6, 0, attachment.ids)],
                    "model": self._name,
                    "res_id": self.id,
                    "auto_delete": False,
                }
            )
        )
        return self._log("sent", attachment=attachment, mail=mail)

    def _log(self, state, attachment=None, mail=None, error=""):
        self.ensure_one()
        return (
            self.env["smart.dairy.report.schedule.log"]
            .sudo()
            .create(
                {
                    "schedule_id": self.id,
                    "state": state,
                    "partner_ids": [(6, 0, self.partner_ids.ids)],
                    "attachment_id": attachment.id if attachment else False,
                    "mail_id": mail.id if mail else False,
                    "error": error,
                }
            )
        )

    def _send_logged(self):
        """Send, or log why it failed without undoing the other schedules' work."""
        self.ensure_one()
        try:
            with self.env.cr.savepoint():
                log = self._send()
        except Exception as error:  # any failure is logged for the user
            _logger.warning("Report schedule %s failed", self.id, exc_info=True)
            log = self._log("failed", error=str(error) or error.__class__.__name__)
            self.message_post(
                body=self.env._("The report could not be sent: %(error)s", error=log.error)
            )
        else:
            self.sudo().last_sent = log.sent_at
        return log

    @api.model
    def _cron_send_due(self, commit=True):
        """Send every due schedule; ``commit`` makes each one durable on its own."""
        now = fields.Datetime.now()
        due = self.search([("next_send", "<=", now)])
        if commit:
            self.env["ir.cron"]._commit_progress(remaining=len(due))
        for schedule in due:
            schedule._send_logged()
            schedule.next_send = schedule._next_after(now)
            if commit and self.env["ir.cron"]._commit_progress(1) <= 0:
                break

    def action_send_now(self):
        """Send the report at once, without moving the next planned sending."""
        self._check_caller(ANALYTICS_MANAGER_GROUP, "write")
        logs = self.env["smart.dairy.report.schedule.log"]
        for schedule in self:
            logs |= schedule._send_logged()
        failed = logs.filtered(lambda log: log.state == "failed")
        message = (
            self.env._("The report could not be sent: %(error)s", error=failed[0].error)
            if failed
            else self.env._("The report is on its way to the recipients.")
        )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "message": message,
                "type": "danger" if failed else "success",
                "sticky": bool(failed),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }
