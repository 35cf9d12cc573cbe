from smart_dairy import kpi as engine

from odoo import api, fields, models
from odoo.tools import SQL

from .smart_dairy_kpi import GRAINS
from .smart_dairy_kpi_run import VALUE_TABLE


class SmartDairyKpiValue(models.Model):
    """A materialised KPI value: one KPI, company, grain, period and breakdown value,
    with the components it rolls up from. Written in bulk by the materialisation runs."""

    _name = "smart.dairy.kpi.value"
    _description = "KPI Value"
    _order = "period_start desc, kpi_id"
    _rec_name = "kpi_id"

    kpi_id = fields.Many2one("smart.dairy.kpi", "KPI", required=True, ondelete="cascade")
    company_id = fields.Many2one("res.company", required=True, ondelete="cascade")
    grain = fields.Selection(GRAINS, required=True)
    period_start = fields.Date(required=True)
    breakdown = fields.Char(help="Dimension column of the breakdown; empty for the total.")
    dimension_value = fields.Char(help="Value of that dimension (a record id as text).")
    numerator = fields.Float(aggregator="sum")
    denominator = fields.Float(aggregator="sum")
    value = fields.Float(aggregator=None)
    is_defined = fields.Boolean(
        "Defined",
        compute="_compute_is_defined",
        help="False where the value is undefined (e.g. a ratio over zero): not a zero.",
    )
    run_id = fields.Many2one("smart.dairy.kpi.run", ondelete="set null")

    _value_unique = models.Constraint(
        "UNIQUE NULLS NOT DISTINCT (kpi_id, company_id, grain, period_start, breakdown, "
        "dimension_value)",
        "A KPI value exists already for this company, period and breakdown.",
    )
    _lookup_idx = models.Index("(kpi_id, grain, breakdown, period_start, company_id)")

    def _compute_is_defined(self):
        # The ORM reads a NULL float as 0.0: ask the column itself.
        self.flush_recordset(["value"])
        self.env.cr.execute(
            SQL(
                "SELECT id FROM smart_dairy_kpi_value WHERE id = ANY(%s) AND value IS NOT NULL",
                self.ids,
            )
        )
        defined = {row[0] for row in self.env.cr.fetchall()}
        for record in self:
            record.is_defined = record.id in defined

    @api.model
    def _query(self, codes, grain, date_from, date_to, breakdown="", dimension_values=None):
        """KPI series from the materialised values, for the caller's allowed companies."""
        self.check_access("read")
        catalogue = self.env["smart.dairy.kpi"].sudo().search([])
        # Codes the caller may ask for: the KPIs their record rules let them read
        # (formulas still compute from the whole catalogue).
        by_code = {kpi.code: kpi for kpi in self.env["smart.dairy.kpi"].search([])}
        query = self.env["smart.dairy.request"]._check_query(
            {
                "codes": codes,
                "grain": grain,
                "date_from": date_from,
                "date_to": date_to,
                "breakdown": breakdown,
                "dimension_values": dimension_values,
            },
            by_code,
        )
        codes, grain = query.codes, query.grain
        date_from, date_to = query.date_from, query.date_to
        library = {kpi.code: kpi._to_engine() for kpi in catalogue}
        periods = engine.periods(date_from, date_to, grain)
        series = engine.fetch(
            self.env.cr,
            VALUE_TABLE,
            [library[code] for code in codes],
            grain,
            date_from,
            date_to,
            self.env.companies.ids,
            breakdown=query.breakdown,
            dimension_values=query.dimension_values,
            targets=catalogue.target_ids._expand(grain, periods, self.env.companies),
            library=list(library.values()),
            distinct=self.env["smart.dairy.kpi"]._distinct_counter(self.env.companies),
        )
        return {code: by_code[code]._describe(series[code]) for code in codes}
