from smart_dairy.kpi import KpiDefinitionError

from odoo import fields, models
from odoo.tools import SQL

# Most serious first in a warning's list.
SEVERITY_ORDER = {"critical": 0, "warning": 1, "info": 2}
MANAGER = "smart_dairy_base.group_smart_dairy_analytics_manager"


class SmartDairyKpi(models.Model):
    """The health of a KPI's data: data quality warnings (a KPI whose facts read
    from the source of a failing check, or whose fact is that source, carries the
    check on dashboards and in the API) and freshness (when its values were last
    written against when the records behind its facts last changed, in the
    caller's companies)."""

    _inherit = "smart.dairy.kpi"

    values_updated_at = fields.Datetime(
        "Values Updated",
        compute="_compute_freshness",
        groups=MANAGER,
        help="When the newest of this KPI's stored values was written.",
    )
    source_changed_at = fields.Datetime(
        "Sources Changed",
        compute="_compute_freshness",
        groups=MANAGER,
        help="The last change of a record behind the facts this KPI reads.",
    )
    stale = fields.Boolean(
        compute="_compute_freshness",
        groups=MANAGER,
        help="Records behind this KPI changed after its values were written: the next "
        "refresh will update them.",
    )

    def _fact_names(self, catalogue=None):
        """{kpi id: fact model names} each KPI reads, through the KPIs of its formula."""
        by_code = {kpi.code: kpi for kpi in self.sudo().with_context(active_test=False).search([])}
        catalogue = catalogue or self._catalogue()
        facts = {}
        for kpi in self:
            try:
                codes = [used.code for used in catalogue.closure([kpi.code])]
            except KpiDefinitionError:
                codes = [kpi.code]
            inputs = [by_code[code] for code in codes if code in by_code]
            facts[kpi.id] = {
                name
                for used in inputs
                for name in (used.fact_model, used.denominator_fact_model)
                if name
            }
        return facts

    def _quality_warnings(self, catalogue=None):
        """{kpi id: [warning]} of these KPIs in the caller's companies (env.companies):
        the latest result of each active check per company, when it failed and the
        check reads what one of the KPI's facts is built from. A warning names the
        check, its severity, the company, when it ran, and the result to open."""
        results = self.env["smart.dairy.quality.result"].sudo()._latest_failing(self.env.companies)
        if not results or not self:
            return {kpi.id: [] for kpi in self}
        Fact = self.env["smart.dairy.fact"]
        facts_of_source = {}
        for check in results.check_id:
            source = check._quality_source()
            facts_of_source[check] = Fact._facts_reading(source) if source else set()
        warnings = [
            (
                facts_of_source[result.check_id],
                {
                    "result_id": result.id,
                    "check_id": result.check_id.id,
                    "name": result.check_id.name,
                    "severity": result.check_id.severity,
                    "company": result.company_id.name or "",
                    "run_at": fields.Datetime.to_string(result.run_at),
                },
            )
            for result in results
        ]
        warnings.sort(
            key=lambda w: (SEVERITY_ORDER.get(w[1]["severity"], 9), w[1]["name"], w[1]["company"])
        )
        facts = self._fact_names(catalogue)
        return {
            kpi.id: [warning for read, warning in warnings if read & facts[kpi.id]] for kpi in self
        }

    def _compute_freshness(self):
        companies = self.env.companies.ids
        self.env.cr.execute(
            SQL(
                """SELECT kpi_id, max(write_date) FROM smart_dairy_kpi_value
                    WHERE kpi_id = ANY(%s) AND company_id = ANY(%s) GROUP BY kpi_id""",
                self.ids,
                companies,
            )
        )
        written = dict(self.env.cr.fetchall())
        facts = self._fact_names()
        changed = {}
        for name in set().union(*facts.values()) if facts else ():
            self.env.cr.execute(
                SQL(
                    # A fact may date a change at the end of its day (sensor buckets).
                    "SELECT least(max(%s), now() AT TIME ZONE 'UTC') FROM %s WHERE %s = ANY(%s)",
                    SQL.identifier("changed_at"),
                    SQL.identifier(self.env[name]._table),
                    SQL.identifier("company_id"),
                    companies,
                )
            )
            changed[name] = self.env.cr.fetchone()[0]
        for kpi in self:
            stamps = [changed[name] for name in facts.get(kpi.id, ()) if changed.get(name)]
            kpi.values_updated_at = written.get(kpi.id)
            kpi.source_changed_at = max(stamps, default=False)
            kpi.stale = bool(
                kpi.source_changed_at
                and (not kpi.values_updated_at or kpi.source_changed_at > kpi.values_updated_at)
            )
