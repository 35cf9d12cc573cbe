from smart_dairy import kpi as engine

from odoo import api, fields, models
from odoo.tools import SQL

from .smart_dairy_kpi import GRAINS
from .smart_dairy_kpi_run import CUBE_TABLE, VALUE_TABLE


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
    def _reader(self, companies, catalogue=None):
        """The one way the addon reads KPI values (API, dashboards, exports, alerts):
        series of ``companies`` from the stored values, with targets and distinct
        counts over ranges, formulas evaluated from the catalogue (built when not
        given). The caller checks what its user may read."""
        catalogue = catalogue or self.env["smart.dairy.kpi"]._catalogue()
        return ValueReader(self.env, catalogue, companies.sudo())

    @api.model
    def _query(self, codes, grain, date_from, date_to, breakdown="", dimension_values=None):
        """KPI series from the materialised values, for the caller's allowed companies,
        each with its data quality warnings (``quality``, empty when its data is fine)."""
        self.check_access("read")
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
        reader = self._reader(self.env.companies)
        series = reader.fetch(query)
        kpis = self.env["smart.dairy.kpi"].browse([by_code[code].id for code in query.codes])
        warnings = kpis._quality_warnings(reader.catalogue)
        return {
            code: {
                **by_code[code]._describe(series[code]),
                "quality": warnings.get(by_code[code].id, []),
            }
            for code in query.codes
        }


class ValueReader:
    """Reads stored KPI values of some companies through the engine: targets per
    range and the distinct counter are prepared once for all the reads of a call."""

    def __init__(self, env, catalogue, companies):
        self.env = env
        self.catalogue = catalogue
        self.companies = companies
        zones = {}
        for company in companies:
            zones.setdefault(company.partner_id.tz or "UTC", []).append(company.id)
        self.zones = zones
        self.distinct = engine.DistinctCounter(env.cr, VALUE_TABLE, catalogue, zones, CUBE_TABLE)
        self._targets = {}

    def targets(self, query):
        """The targets of the catalogue's KPIs over the query's periods."""
        grain = engine.Grain(query.grain)
        key = (grain, query.date_from, query.date_to)
        if key not in self._targets:
            kpis = self.env["smart.dairy.kpi"].sudo().browse([kpi.id for kpi in self.catalogue])
            periods = engine.periods(query.date_from, query.date_to, grain)
            self._targets[key] = kpis.target_ids._expand(grain.value, periods, self.companies)
        return self._targets[key]

    def fetch(self, query):
        """{code: KpiSeries} (see engine.fetch)."""
        return engine.fetch(
            self.env.cr,
            VALUE_TABLE,
            self.catalogue,
            query,
            self.companies.ids,
            self.targets(query),
            self.distinct,
        )

    def fetch_breakdown(self, query):
        """{code: {dimension value: KpiSeries}} (see engine.fetch_breakdown)."""
        return engine.fetch_breakdown(
            self.env.cr,
            VALUE_TABLE,
            self.catalogue,
            query,
            self.companies.ids,
            self.targets(query),
            self.distinct,
        )

    def fetch_totals(self, query, previous=False):
        """{code: {dimension value: range value}} (see engine.fetch_totals); with
        ``previous``, over the range before."""
        return engine.fetch_totals(
            self.env.cr,
            VALUE_TABLE,
            self.catalogue,
            query,
            self.companies.ids,
            self.distinct,
            previous,
        )

    def fetch_filtered(self, query, filters):
        """{code: KpiSeries} under several dimension filters at once, from the daily
        cube where it holds the KPI, otherwise from the facts (see engine.fetch_filtered)."""
        return engine.fetch_filtered(
            self.env.cr, self.catalogue, query, filters, self.zones, self.distinct, CUBE_TABLE
        )
