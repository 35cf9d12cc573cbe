from odoo import api, fields, models, tools
from odoo.tools import SQL

# The sensor store among the sources of a fact (a data quality check's "sensor" source).
SENSOR_STORE = "sensor"


def change_index_name(table):
    return f"smart_dairy_{table}_write_date_idx"[:63]


class SmartDairyFact(models.AbstractModel):
    """Shared plumbing of the fact views: read-only SQL views with a date,
    a company, dimension and measure columns, named for the KPI engine.
    Each fact sets ``_auto = False`` itself (it is not inherited)."""

    _name = "smart.dairy.fact"
    _description = "Smart Dairy Fact View"

    # Names of the columns KPIs may group by and aggregate; read by the KPI layer.
    _fact_dimensions = ()
    _fact_measures = ()
    # Further columns KPI filters may use (e.g. a category name).
    _fact_filter_columns = ()
    # A UTC timestamp column the KPI engine reads periods from instead of ``date``
    # (converted to the company's time zone in an index-friendly way).
    _fact_timestamp_column = None
    # Source tables whose write_date the incremental refresh filters on: an index
    # each (dropped again by the uninstall hook).
    _fact_change_tables = ()
    # Models whose rows the view is built from (and SENSOR_STORE): a failing data
    # quality check on one of them, or on the fact itself, warns the KPIs over it.
    _fact_sources = ()

    company_id = fields.Many2one("res.company", readonly=True)
    date = fields.Date(readonly=True)
    changed_at = fields.Datetime("Last Change", readonly=True)

    @api.model
    def _fact_models(self):
        """Every fact view model, as empty recordsets."""
        return [self.env[name] for name in self.env.registry["smart.dairy.fact"]._inherit_children]

    @api.model
    def _facts_reading(self, source):
        """Names of the facts built from ``source`` (a model name or SENSOR_STORE),
        the fact ``source`` itself included."""
        return {
            fact._name
            for fact in self._fact_models()
            if source == fact._name or source in fact._fact_sources
        }

    def _fact_query(self):
        """The SELECT defining the view, as an odoo.tools.SQL."""
        raise NotImplementedError(self._name)

    def init(self):
        if self._abstract:
            return
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                "CREATE OR REPLACE VIEW %s AS (%s)", SQL.identifier(self._table), self._fact_query()
            )
        )

    @api.model
    def _currency_rate(self, rate):
        """Divisor turning amounts of a document in its currency into company currency."""
        return SQL("CASE WHEN COALESCE(%s, 0) = 0 THEN 1.0 ELSE %s END", rate, rate)

    @api.model
    def _local_date(self, timestamp, tz):
        """A UTC timestamp column as a date in a time zone column (UTC if empty)."""
        return SQL("(%s AT TIME ZONE 'UTC' AT TIME ZONE COALESCE(%s, 'UTC'))::date", timestamp, tz)
