import datetime

from markupsafe import Markup
from smart_dairy import kpi as engine

from odoo import api, fields, models
from odoo.exceptions import UserError

from odoo.addons.smart_dairy_base.models.smart_dairy_access_mixin import ANALYTICS_MANAGER_GROUP

from ..models.localised_format import format_number, period_label

DEFAULT_PERIODS = {"day": 90, "week": 26, "month": 24, "quarter": 8, "year": 5}


class SmartDairyAlertRuleTest(models.TransientModel):
    """Replays a rule over past periods and lists when it would have fired."""

    _name = "smart.dairy.alert.rule.test"
    _inherit = ["smart.dairy.access.mixin"]
    _description = "Test an Alert Rule"

    rule_id = fields.Many2one("smart.dairy.alert.rule", required=True, ondelete="cascade")
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    date_from = fields.Date("From")
    date_to = fields.Date("To")
    fired_count = fields.Integer("Times Fired", readonly=True)
    result = fields.Html(readonly=True, sanitize=False)

    @api.model_create_multi
    def create(self, vals_list):
        wizards = super().create(vals_list)
        for wizard in wizards:
            grain = engine.Grain(wizard.rule_id.grain)
            today = fields.Date.context_today(wizard)
            last = wizard.rule_id._last_closed_period(today)
            if not wizard.date_to:
                wizard.date_to = engine.period_end(last, grain) - datetime.timedelta(days=1)
            if not wizard.date_from:
                wizard.date_from = engine.shift(last, grain, -DEFAULT_PERIODS[grain.value] + 1)
        return wizards

    def action_run(self):
        self.ensure_one()
        self._check_caller(ANALYTICS_MANAGER_GROUP, "write")
        if self.date_from > self.date_to:
            raise UserError(self.env._("The start of the range must come before its end."))
        missing = self.rule_id._missing_values(self.company_id, self.date_from, self.date_to)
        if missing:
            result = Markup("<p class='alert alert-warning' role='alert'>%s</p>") % missing
            self.write({"fired_count": 0, "result": result})
            return self._action_open()
        fired = self.rule_id._simulate(self.company_id, self.date_from, self.date_to)
        self.write({"fired_count": len(fired), "result": self._render(fired)})
        return self._action_open()

    def _render(self, fired):
        if not fired:
            return Markup("<p>%s</p>") % self.env._("The rule would not have fired in this range.")
        unit = self.rule_id.kpi_id.unit or ""
        severities = dict(self.rule_id._fields["severity"]._description_selection(self.env))
        rows = Markup("").join(
            Markup(
                "<tr><td>%s</td><td>%s</td><td class='text-end'>%s</td><td>%s</td><td>%s</td></tr>"
            )
            % (
                period_label(self.env, item["period_start"], self.rule_id.grain),
                item["scope"] or "",
                format_number(self.env, item["value"], unit),
                severities.get(item["severity"], item["severity"]),
                item["message"],
            )
            for item in fired
        )
        head = Markup("").join(
            Markup("<th>%s</th>") % text
            for text in (
                self.env._("Period"),
                self.env._("Scope"),
                self.env._("Value"),
                self.env._("Severity"),
                self.env._("Message"),
            )
        )
        return Markup(
            "<table class='table table-sm'><thead><tr>%s</tr></thead><tbody>%s</tbody></table>"
        ) % (head, rows)

    def _action_open(self):
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
            "name": self.env._("Test: %s", self.rule_id.name),
        }
