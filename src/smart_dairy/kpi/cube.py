"""The daily cube: KPIs per company, local day and combination of the filter
dimensions present, so that several dimension filters at once are answered from
stored rows instead of scanning the facts.

Stored values hold one dimension at a time; the cube holds them all at once, at the
day grain only (any period is made of days). It is written with the day grain's
values by INSERT ... SELECT statements that never leave the server, and holds a KPI
kept at the day grain and broken down by at least two of the cube's dimensions (one
filter alone reads the stored values), formulas excepted (evaluated from their
inputs). KPIs that combine exactly (sums, counts, ratios of them, averages, minima
and maxima) keep their numerator and denominator per combination, as ``numeric``, so
sums of ``numeric`` measures are those of the facts to the last digit; a row is left
out where the values computation would leave the value out (no rows, a count of
zero, a ratio of zero over zero), so an empty combination reads as no data, as it
does live. Distinct counts do not add up: they keep their distinct members per
combination instead (``member``), counted again over any period or range.
"""

import dataclasses
import datetime as dt
from collections.abc import Mapping, Sequence

from psycopg2 import sql
from smart_dairy.db import raw_cursor

from .definitions import Kind
from .domain import domain_to_sql
from .errors import KpiDefinitionError
from .facts import Fact, check_identifier
from .periods import Grain, as_grain, sql_date_range, sql_period
from .sqlgen import aggregate_columns

FIXED_COLUMNS = ("kpi_id", "company_id", "day", "numerator", "denominator", "member")


@dataclasses.dataclass(frozen=True)
class CubeTable:
    """Where the cube is stored: the table and the dimension names it groups by (a
    ``varchar`` column each, NULL for rows without a value)."""

    name: str = "smart_dairy_kpi_cube"
    dimensions: tuple[str, ...] = ()
    schema: str | None = None

    def __post_init__(self):
        check_identifier(self.name, "Cube table name")
        if self.schema is not None:
            check_identifier(self.schema, "Schema of the cube table")
        object.__setattr__(self, "dimensions", tuple(self.dimensions))
        for name in self.dimensions:
            check_identifier(name, "Cube dimension")
            if name in FIXED_COLUMNS:
                raise KpiDefinitionError(f"A cube dimension cannot be named {name}")

    @property
    def table(self):
        if self.schema:
            return sql.Identifier(self.schema, self.name)
        return sql.Identifier(self.name)

    def holds(self, kpi):
        """Whether the cube keeps rows of ``kpi``."""
        return (
            kpi.id is not None
            and kpi.kind is not Kind.FORMULA
            and kpi.rollup in ("sum", "min", "max", "distinct")
            and Grain.DAY in kpi.grains
            and len(set(kpi.dimensions) & set(self.dimensions)) >= 2
        )

    def answers(self, kpi, filters: Mapping):
        """Whether the rows of ``kpi`` under ``filters`` ({dimension: values}) can be
        read from the cube: it holds the KPI and has every filtered dimension."""
        used = set(filters) & set(kpi.dimensions)
        return self.holds(kpi) and used <= set(self.dimensions)

    def as_fact(self):
        """The cube as a fact, so that filters read it with the facts' semantics."""
        return Fact(
            name="cube",
            relation=self.name,
            schema=self.schema,
            date_column="day",
            dimensions={name: name for name in self.dimensions},
        )


def create_cube_table(cursor, cube: CubeTable, references: Mapping[str, str] | None = None):
    """Create the cube table, its dimension columns (added when a dimension is new)
    and its index. ``references`` maps kpi_id and company_id to the tables their rows
    are deleted with (ON DELETE CASCADE)."""
    references = references or {}

    def column(name, kind):
        target = references.get(name)
        if target is None:
            return sql.SQL("{} {} NOT NULL").format(sql.Identifier(name), sql.SQL(kind))
        return sql.SQL("{} {} NOT NULL REFERENCES {} ON DELETE CASCADE").format(
            sql.Identifier(name), sql.SQL(kind), sql.Identifier(check_identifier(target, "Table"))
        )

    cur = raw_cursor(cursor)
    cur.execute(
        sql.SQL(
            "CREATE TABLE IF NOT EXISTS {} ({}, {}, day date NOT NULL, "
            "numerator numeric, denominator numeric, member varchar)"
        ).format(cube.table, column("kpi_id", "integer"), column("company_id", "integer"))
    )
    for name in cube.dimensions:
        cur.execute(
            sql.SQL("ALTER TABLE {} ADD COLUMN IF NOT EXISTS {} varchar").format(
                cube.table, sql.Identifier(name)
            )
        )
    cur.execute(
        sql.SQL("CREATE INDEX IF NOT EXISTS {} ON {} (kpi_id, day, company_id)").format(
            sql.Identifier(f"{cube.name}_kpi_day_idx"[:63]), cube.table
        )
    )


def _components(kpi, fact_name):
    """(numerator, denominator) aggregates of ``kpi`` read from the fact ``fact_name``,
    each as (aggregate, which of its two columns), None where another fact gives it."""
    if kpi.kind is Kind.AGGREGATE:
        if kpi.aggregate.fact != fact_name:
            return None, None
        return (kpi.aggregate, 0), (kpi.aggregate, 1)
    numerator = (kpi.numerator, 0) if kpi.numerator.fact == fact_name else None
    denominator = (kpi.denominator, 0) if kpi.denominator.fact == fact_name else None
    return numerator, denominator


def _kept(kpi):
    """The condition on a row's (n, d) under which the values computation keeps it."""
    if kpi.kind is Kind.RATIO:
        return sql.SQL("(COALESCE(n, 0) <> 0 OR COALESCE(d, 0) <> 0)")
    if kpi.aggregate.function == "count":
        return sql.SQL("(n <> 0)")
    return sql.SQL("(n IS NOT NULL)")


def insert_query(fact, cube, kpis, company_ids, ranges, tz=None, pairs=None):
    """INSERT ... SELECT of the cube rows of ``kpis`` (which the cube holds) that
    ``fact`` gives, over [start, end) local-day ``ranges`` of ``company_ids``; with
    ``pairs`` only those (company, day)."""
    company = sql.Identifier(fact.company_column)
    day = sql_period(Grain.DAY, fact.date_column, tz, fact.date_is_timestamp)
    used = set().union(*(kpi.dimensions for kpi in kpis))
    dims = [
        sql.SQL("({})::varchar").format(sql.Identifier(fact.dimensions[name]))
        if name in used and name in fact.dimensions
        else sql.SQL("NULL::varchar")
        for name in cube.dimensions
    ]
    select, rows, columns = [company, day, *dims], [], {}
    for kpi in kpis:
        parts = []
        for part in _components(kpi, fact.name):
            if part is None:
                parts.append(sql.SQL("NULL::numeric"))
                continue
            if part not in columns:
                columns[part] = sql.Identifier(f"c{len(columns)}")
                select.append(
                    sql.SQL("({})::numeric AS {}").format(
                        aggregate_columns(fact, part[0], kpi.code)[part[1]], columns[part]
                    )
                )
            parts.append(sql.SQL("g.{}").format(columns[part]))
        rows.append(sql.SQL("({}, {}, {})").format(sql.Literal(kpi.id), *parts))
    keep = sql.SQL(" OR ").join(
        sql.SQL("(v.kpi_id = {} AND {})").format(sql.Literal(kpi.id), _kept(kpi)) for kpi in kpis
    )
    within = sql.SQL(" OR ").join(
        sql_date_range(fact.date_column, start, end, tz, fact.date_is_timestamp)
        for start, end in ranges
    )
    only = sql.SQL("")
    if pairs is not None:
        pairs = sorted(pairs)
        only = sql.SQL(" AND (g.company, g.day) IN (SELECT * FROM unnest({}::int[], {}::date[]))")
        only = only.format(sql.Literal([p[0] for p in pairs]), sql.Literal([p[1] for p in pairs]))
    names = [sql.Identifier(name) for name in cube.dimensions]
    return sql.SQL(
        "INSERT INTO {cube} (kpi_id, company_id, day, {names}, numerator, denominator) "
        "SELECT v.kpi_id, g.company, g.day, {g_names}, v.n, v.d FROM ("
        "SELECT {select} FROM {table} WHERE {company_col} = ANY({companies}) AND ({within}) "
        "GROUP BY {groups}) AS g({g_columns}) "
        "CROSS JOIN LATERAL (VALUES {rows}) AS v(kpi_id, n, d) WHERE ({keep}){only}"
    ).format(
        cube=cube.table,
        names=sql.SQL(", ").join(names),
        g_names=sql.SQL(", ").join(sql.SQL("g.{}").format(n) for n in names),
        select=sql.SQL(", ").join(select),
        table=fact.table,
        company_col=company,
        companies=sql.Literal(list(company_ids)),
        within=within,
        groups=sql.SQL(", ").join(sql.SQL(str(n)) for n in range(1, 3 + len(dims))),
        g_columns=sql.SQL(", ").join(
            [sql.Identifier("company"), sql.Identifier("day"), *names, *columns.values()]
        ),
        rows=sql.SQL(", ").join(rows),
        keep=keep,
        only=only,
    )


def members_query(fact, cube, kpi, company_ids, ranges, tz=None, pairs=None):
    """INSERT ... SELECT of the cube rows of ``kpi``, a distinct count: its distinct
    members (the counted column as text) per company, day and combination of its own
    cube dimensions, over the rows its filter keeps (a member may be NULL: rows that
    match without a value count as rows, not as members)."""
    company = sql.Identifier(fact.company_column)
    day = sql_period(Grain.DAY, fact.date_column, tz, fact.date_is_timestamp)
    dims = [
        sql.SQL("({})::varchar").format(sql.Identifier(fact.dimensions[name]))
        if name in kpi.dimensions
        else sql.SQL("NULL::varchar")
        for name in cube.dimensions
    ]
    aggregate = kpi.aggregate
    member = sql.Identifier(fact.column(aggregate.measure, "measure", kpi.code))
    where = [
        sql.SQL("{} = ANY({})").format(company, sql.Literal(list(company_ids))),
        sql.SQL("({})").format(
            sql.SQL(" OR ").join(
                sql_date_range(fact.date_column, start, end, tz, fact.date_is_timestamp)
                for start, end in ranges
            )
        ),
    ]
    if aggregate.domain:
        where.append(domain_to_sql(aggregate.domain, fact, kpi.code))
    if pairs is not None:
        pairs = sorted(pairs)
        where.append(
            sql.SQL("({}, {}) IN (SELECT * FROM unnest({}::int[], {}::date[]))").format(
                company,
                day,
                sql.Literal([p[0] for p in pairs]),
                sql.Literal([p[1] for p in pairs]),
            )
        )
    return sql.SQL(
        "INSERT INTO {cube} (kpi_id, company_id, day, {names}, member) "
        "SELECT DISTINCT {kpi}, {company}, {day}, {dims}, ({member})::varchar "
        "FROM {table} WHERE {where}"
    ).format(
        cube=cube.table,
        names=sql.SQL(", ").join(sql.Identifier(name) for name in cube.dimensions),
        kpi=sql.Literal(kpi.id),
        company=company,
        day=day,
        dims=sql.SQL(", ").join(dims),
        member=member,
        table=fact.table,
        where=sql.SQL(" AND ").join(where),
    )


def write_cube(cursor, cube, catalogue, kpis, company_ids, ranges, tz=None, pairs=None) -> int:
    """Replace the cube rows of ``kpis`` (KPIs kept at the day grain: the rows of
    those the cube no longer holds go too) for ``company_ids`` over the [start, end)
    local-day ``ranges`` (only ``pairs`` of (company, day) when given): one INSERT
    per fact for the sums, one per distinct count, in the caller's transaction.
    Returns the number of rows written."""
    company_ids = list(company_ids)
    if not kpis or not company_ids or not ranges:
        return 0
    cur = raw_cursor(cursor)
    conditions = [
        sql.SQL("kpi_id = ANY({})").format(
            sql.Literal(sorted(k.id for k in kpis if k.id is not None))
        ),
        sql.SQL("company_id = ANY({})").format(sql.Literal(company_ids)),
        sql.SQL("({})").format(_within(ranges)),
    ]
    if pairs is not None:
        pairs = sorted(pairs)
        conditions.append(
            sql.SQL("(company_id, day) IN (SELECT * FROM unnest({}::int[], {}::date[]))").format(
                sql.Literal([p[0] for p in pairs]), sql.Literal([p[1] for p in pairs])
            )
        )
    cur.execute(
        sql.SQL("DELETE FROM {} WHERE {}").format(cube.table, sql.SQL(" AND ").join(conditions))
    )
    held = [kpi for kpi in kpis if cube.holds(kpi)]
    summed = [kpi for kpi in held if kpi.rollup != "distinct"]
    written = 0
    for fact_name in sorted({a.fact for kpi in summed for a in kpi.components}):
        users = [k for k in summed if any(a.fact == fact_name for a in k.components)]
        fact = catalogue.facts[fact_name]
        cur.execute(insert_query(fact, cube, users, company_ids, ranges, tz, pairs))
        written += cur.rowcount
    for kpi in held:
        if kpi.rollup == "distinct":
            fact = catalogue.facts[kpi.aggregate.fact]
            cur.execute(members_query(fact, cube, kpi, company_ids, ranges, tz, pairs))
            written += cur.rowcount
    return written


def read_query(cube, grain, groups, company_ids, ranges):
    """SELECT of (kpi_id, period start, sum, min and max of the numerators, sum of the
    denominators) per KPI and period of ``grain``; ``groups`` maps KPI ids to the
    domain (over the cube's dimensions) their rows must match."""
    return sql.SQL(
        "SELECT kpi_id, {period}, sum(numerator), min(numerator), max(numerator), "
        "sum(denominator) FROM {cube} WHERE company_id = ANY({companies}) AND ({within}) "
        "AND ({matching}) GROUP BY 1, 2"
    ).format(
        period=sql_period(as_grain(grain), "day"),
        cube=cube.table,
        companies=sql.Literal(list(company_ids)),
        within=_within(ranges),
        matching=_matching(cube, groups),
    )


def _matching(cube, groups):
    """SQL: the rows of each group's KPIs that match its domain ({domain: KPI ids})."""
    fact = cube.as_fact()
    return sql.SQL(" OR ").join(
        sql.SQL("(kpi_id = ANY({}) AND {})").format(
            sql.Literal(sorted(ids)), domain_to_sql(_as_text(where), fact)
        )
        for where, ids in groups.items()
    )


def _within(ranges):
    return sql.SQL(" OR ").join(
        sql.SQL("(day >= {} AND day < {})").format(sql.Literal(a), sql.Literal(b))
        for a, b in ranges
    )


def members_read_query(cube, grain, groups, company_ids, ranges, spans):
    """SELECT of the distinct members of the KPIs of ``groups`` counted per KPI,
    company and period of ``grain`` (the span columns NULL), then per KPI over each
    [first day, end) of ``spans`` across companies (the company NULL): kpi_id,
    company_id, period start or span start, span end, distinct members, rows."""
    spans = sql.SQL(", ").join(
        sql.SQL("({}::date, {}::date)").format(sql.Literal(a), sql.Literal(b)) for a, b in spans
    )
    return sql.SQL(
        "WITH m AS MATERIALIZED (SELECT kpi_id, company_id, day, member FROM {cube} "
        "WHERE company_id = ANY({companies}) AND ({within}) AND ({matching})) "
        "SELECT kpi_id, company_id, {period}, NULL::date, count(DISTINCT member), count(*) "
        "FROM m GROUP BY 1, 2, 3 UNION ALL "
        "SELECT kpi_id, NULL, s.first, s.stop, count(DISTINCT member), count(*) "
        "FROM m JOIN (VALUES {spans}) AS s(first, stop) ON m.day >= s.first AND m.day < s.stop "
        "GROUP BY 1, 3, 4"
    ).format(
        cube=cube.table,
        companies=sql.Literal(list(company_ids)),
        within=_within(ranges),
        matching=_matching(cube, groups),
        period=sql_period(as_grain(grain), "day"),
        spans=spans,
    )


def read_members(cursor, cube, grain, groups, company_ids, ranges, spans):
    """Distinct counts of the KPIs of ``groups`` ({domain: KPI ids}), each a distinct
    count, as the values computation and the distinct counter give them from the
    facts: ({kpi id: {period start: [count per company]}}, {(kpi id, first day, end):
    count over that span across companies, None without rows})."""
    if not groups or not company_ids or not ranges:
        return {}, {}
    cur = raw_cursor(cursor)
    cur.execute(members_read_query(cube, grain, groups, company_ids, ranges, spans))
    periods = {}
    counts = {(kpi_id, *span): None for ids in groups.values() for kpi_id in ids for span in spans}
    for kpi_id, _company_id, start, stop, count, _rows in cur:
        if stop is not None:
            counts[kpi_id, start, stop] = float(count)
        elif count:
            periods.setdefault(kpi_id, {}).setdefault(start, []).append(float(count))
    return periods, counts


def _members_where(kpi_id, company_ids, first, end):
    return sql.SQL("kpi_id = {} AND company_id = ANY({}) AND day >= {} AND day < {}").format(
        sql.Literal(kpi_id), sql.Literal(list(company_ids)), sql.Literal(first), sql.Literal(end)
    )


def members_count_query(cube, kpi_id, company_ids, first, end, breakdown="", values=None):
    """SELECT of (distinct members, rows) of a distinct count the cube holds over the
    local days [first, end) of ``company_ids``; with ``breakdown`` (one of its
    dimensions) and ``values``, only rows whose value as text ('' for none) is one."""
    where = _members_where(kpi_id, company_ids, first, end)
    if breakdown and values is not None:
        where = sql.SQL("{} AND COALESCE({}, '') = ANY({}::varchar[])").format(
            where, sql.Identifier(breakdown), sql.Literal(sorted(values))
        )
    return sql.SQL("SELECT count(DISTINCT member), count(*) FROM {} WHERE {}").format(
        cube.table, where
    )


def members_by_value_query(cube, kpi_id, company_ids, first, end, breakdown):
    """SELECT of (value as text, '' for none; distinct members; rows) per value of
    ``breakdown`` of a distinct count the cube holds, over [first, end)."""
    return sql.SQL(
        "SELECT COALESCE({value}, ''), count(DISTINCT member), count(*) FROM {cube} "
        "WHERE {where} GROUP BY 1"
    ).format(
        value=sql.Identifier(breakdown),
        cube=cube.table,
        where=_members_where(kpi_id, company_ids, first, end),
    )


def _as_text(where):
    """Filter values as the cube stores them (text); NULL and False keep their meaning."""
    return tuple(
        (name, operator, tuple(v if v is None or v is False else str(v) for v in values))
        for name, operator, values in where
    )


def read_cube(
    cursor,
    cube,
    kpis,
    grain,
    groups: Mapping[tuple, Sequence[int]],
    company_ids,
    ranges: Sequence[tuple[dt.date, dt.date]],
):
    """{kpi id: {period start: (numerator, denominator)}} of the KPIs of ``groups``
    ({domain: KPI ids}) over ``ranges`` of ``company_ids``, combined as each KPI rolls
    up (sums; the min or max of a min or max KPI)."""
    if not groups or not company_ids or not ranges:
        return {}
    rollup = {kpi.id: kpi.rollup for kpi in kpis}
    cur = raw_cursor(cursor)
    cur.execute(read_query(cube, grain, groups, company_ids, ranges))
    result = {}
    for kpi_id, start, total, low, high, denominator in cur:
        numerator = {"min": low, "max": high}.get(rollup[kpi_id], total)
        result.setdefault(kpi_id, {})[start] = (
            None if numerator is None else float(numerator),
            None if denominator is None else float(denominator),
        )
    return result
