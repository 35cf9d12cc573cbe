from smart_dairy import kpi as engine
from smart_dairy.export import format_value

from odoo import api, fields, models
from odoo.exceptions import UserError

from odoo.addons.smart_dairy_base.models.smart_dairy_access_mixin import ANALYTICS_MANAGER_GROUP

from ..models.localised_format import period_label
from ..models.smart_dairy_kpi import GRAINS


class SmartDairyKpiPreview(models.TransientModel):
    """The last periods of a KPI computed live from the facts, nothing stored."""

    _name = "smart.dairy.kpi.preview"
    _inherit = ["smart.dairy.access.mixin"]
    _description = "KPI Preview"

    kpi_id = fields.Many2one("smart.dairy.kpi", "KPI", required=True, ondelete="cascade")
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    grain = fields.Selection(GRAINS, required=True, default="month")
    period_count = fields.Integer("Periods", default=6)
    line_ids = fields.One2many("smart.dairy.kpi.preview.line", "preview_id", readonly=True)

    @api.model_create_multi
    def create(self, vals_list):
        previews = super().create(vals_list)
        for preview in previews:
            if preview.grain not in preview.kpi_id._grains:
                preview.grain = preview.kpi_id._grains[0]
        previews._compute_lines()
        return previews

    def action_refresh(self):
        self._check_caller(ANALYTICS_MANAGER_GROUP, "write")
        self._compute_lines()
        return self.action_open()

    def action_open(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Preview of %(kpi)s", kpi=self.kpi_id.display_name),
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
        }

    def _compute_lines(self):
        for preview in self:
            if preview.period_count < 1:
                raise UserError(self.env._("Preview at least one period."))
            kpi = preview.kpi_id
            grain = engine.Grain(preview.grain)
            last = engine.period_start(fields.Date.context_today(self), grain)
            first = engine.shift(last, grain, 1 - preview.period_count)
            company = preview.company_id
            try:
                rows = engine.compute(
                    self.env.cr,
                    kpi._catalogue(),
                    [kpi.code],
                    grain,
                    first,
                    last,
                    engine.Companies([company.id], company.partner_id.tz or "UTC"),
                )
            except engine.KpiDefinitionError as error:
                raise UserError(str(error)) from error
            values = {
                row.period_start: row for row in rows if row.kpi == kpi.code and row.breakdown == ""
            }
            # Periods where an input of a formula has values: no value there is undefined.
            inputs = {row.period_start for row in rows if row.kpi != kpi.code}
            preview.line_ids = [fields.Command.clear()] + [
                fields.Command.create(preview._line_values(start, grain, values.get(start), inputs))
                for start in engine.periods(first, last, grain)
            ]

    def _line_values(self, start, grain, row, inputs):
        """A preview line; without a value it says whether the value is undefined
        (e.g. a division by zero) or has no data, and shows no number."""
        line = {"period_start": start, "label": period_label(self.env, start, grain)}
        if row is not None and row.value is not None:
            kpi, currency = self.kpi_id, self.company_id.currency_id
            line.update(
                value=row.value,
                value_text=format_value(
                    row.value,
                    kpi.display_format,
                    kpi.unit or "",
                    {
                        "symbol": currency.symbol,
                        "position": currency.position,
                        "digits": currency.decimal_places,
                    },
                ),
                has_value=True,
                numerator=row.numerator or 0.0,
                denominator=row.denominator or 0.0,
            )
        elif row is not None or start in inputs:
            line["note"] = self.env._("— undefined (division by zero or a missing input)")
        else:
            line["note"] = self.env._("— no data")
        return line
