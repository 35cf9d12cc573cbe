"""The KPI engine: facts, KPI definitions, batched SQL, materialisation and queries.

Framework-free: everything takes a psycopg2 cursor (or an Odoo cursor, unwrapped
with ``smart_dairy.db.raw_cursor``) and plain data.
"""

from .catalogue import Catalogue
from .cube import CubeTable, create_cube_table, write_cube
from .definitions import FUNCTIONS, Aggregate, Kind, Kpi, validate
from .domain import domain_to_sql
from .errors import KpiDefinitionError, RequestError
from .facts import Fact
from .formula import Formula, evaluate, parse
from .materialize import (
    Companies,
    KpiValueRow,
    RefreshResult,
    Scope,
    Stamp,
    ValueTable,
    compute,
    create_value_table,
    refresh_incremental,
    refresh_range,
    write,
)
from .periods import (
    GRAINS,
    Grain,
    label,
    period_end,
    period_start,
    periods,
    previous,
    same_period_last_year,
    shift,
    sql_period,
)
from .query import (
    DistinctCounter,
    KpiSeries,
    Point,
    fetch,
    fetch_breakdown,
    fetch_filtered,
    fetch_totals,
)
from .requests import Limits, Query, check_filters, check_query
from .sqlgen import AggregateRow, changed_dates, run_aggregates

__all__ = [
    "FUNCTIONS",
    "GRAINS",
    "Aggregate",
    "AggregateRow",
    "Catalogue",
    "Companies",
    "CubeTable",
    "DistinctCounter",
    "Fact",
    "Formula",
    "Grain",
    "Kind",
    "Kpi",
    "KpiDefinitionError",
    "KpiSeries",
    "KpiValueRow",
    "Limits",
    "Point",
    "Query",
    "RefreshResult",
    "RequestError",
    "Scope",
    "Stamp",
    "ValueTable",
    "changed_dates",
    "check_filters",
    "check_query",
    "compute",
    "create_cube_table",
    "create_value_table",
    "domain_to_sql",
    "evaluate",
    "fetch",
    "fetch_breakdown",
    "fetch_filtered",
    "fetch_totals",
    "label",
    "parse",
    "period_end",
    "period_start",
    "periods",
    "previous",
    "refresh_incremental",
    "refresh_range",
    "run_aggregates",
    "same_period_last_year",
    "shift",
    "sql_period",
    "validate",
    "write",
    "write_cube",
]
