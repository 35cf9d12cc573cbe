from odoo import fields, models
from odoo.tools import SQL

MANAGER = "smart_dairy_base.group_smart_dairy_analytics_manager"


class SmartDairyKpi(models.Model):
    """Freshness: when a KPI's values were last written against when the facts it
    reads last changed, in the caller's companies (the pipeline's KPI layer)."""

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
            Fact = self.env[name].sudo()
            self.env.cr.execute(
                SQL(
                    # A fact may date a change at the end of its day (sensor buckets).
                    "SELECT least(max(%s), now() AT TIME ZONE 'UTC') FROM %s WHERE %s = ANY(%s)",
                    SQL.identifier("changed_at"),
                    SQL.identifier(Fact._table),
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
