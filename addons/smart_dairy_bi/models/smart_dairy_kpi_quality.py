from smart_dairy.kpi import KpiDefinitionError

from odoo import fields, models

# Most serious first in a warning's list.
SEVERITY_ORDER = {"critical": 0, "warning": 1, "info": 2}


class SmartDairyKpi(models.Model):
    """Data quality warnings: a KPI whose facts read from the source of a failing
    check (or whose fact is that source) carries the check on dashboards and in the API."""

    _inherit = "smart.dairy.kpi"

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
