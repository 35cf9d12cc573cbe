"""Batched SQL for aggregates: one scan of a fact per grain for many KPIs.

Like OCA mis_builder, every aggregate reading the same fact is computed by one
query: ``GROUPING SETS`` give the totals and each dimension's breakdown per
(company, period), and each aggregate is one ``agg(expr) FILTER (WHERE domain)``
column pair (numerator, denominator). Averages are kept as (sum, count).
"""

import dataclasses
import datetime as dt
from collections.abc import Mapping, Sequence
from typing import NamedTuple

from psycopg2 import sql
from smart_dairy.db import raw_cursor

from .domain import domain_to_sql
from .errors import KpiDefinitionError
from .periods import as_grain, sql_date_range, sql_local_timestamp, sql_period


class AggregateRow(NamedTuple):
    """One aggregate's components for a company, period and breakdown.

    ``breakdown`` is the dimension name, '' for the total; ``dimension_value``
    is the value as text ('' for the total and for rows without a value).
    """

    key: object
    company_id: int
    period_start: dt.date
    breakdown: str
    dimension_value: str
    numerator: float | None
    denominator: float | None


def _number(value):
    return None if value is None else float(value)


def _measure(fact, aggregate, kpi_code=None):
    if aggregate.measure is None:
        return None
    return sql.Identifier(fact.column(aggregate.measure, "measure", kpi_code))


def aggregate_columns(fact, aggregate, kpi_code=None):
    """The two SQL expressions (numerator, denominator) of one aggregate."""
    measure = _measure(fact, aggregate, kpi_code)
    condition = domain_to_sql(aggregate.domain, fact, kpi_code) if aggregate.domain else None

    def agg(template, expr):
        text = sql.SQL(template).format(expr)
        if condition is not None:
            text = sql.SQL("{} FILTER (WHERE {})").format(text, condition)
        return text

    function = aggregate.function
    null = sql.SQL("NULL::float8")
    if function in ("sum", "min", "max"):
        return agg(function + "({})", measure), null
    if function == "avg":
        return agg("sum({})", measure), agg("count({})", measure)
    if function == "count":
        return agg("count({})", measure if measure is not None else sql.SQL("*")), null
    if function == "count_distinct":
        return agg("count(DISTINCT {})", measure), null
    raise KpiDefinitionError(f"Unknown aggregation {function!r}")


def aggregate_query(
    fact,
    grain,
    aggregates: Sequence,
    dimensions: Sequence[str],
    company_ids: Sequence[int],
    ranges: Sequence[tuple[dt.date, dt.date]],
    tz=None,
    where=(),
):
    """One query computing ``aggregates`` (a sequence of Aggregate) over ``fact``.

    ``ranges`` are [start, end) local-date ranges (normally whole periods);
    ``where`` a domain every row must match (conditions all aggregates share, so
    that an index or a join can skip the other rows early).
    Columns: company, period, one GROUPING() flag and one text value per
    dimension, then numerator and denominator of each aggregate in order.
    """
    grain = as_grain(grain)
    company = sql.Identifier(fact.company_column)
    period = sql_period(grain, fact.date_column, tz, fact.date_is_timestamp)
    dims = [sql.Identifier(fact.dimensions[name]) for name in dimensions]
    select = [company, period]
    select += [sql.SQL("GROUPING({})").format(d) for d in dims]
    select += [sql.SQL("({})::text").format(d) for d in dims]
    for aggregate in aggregates:
        select.extend(aggregate_columns(fact, aggregate))
    sets = [sql.SQL("({}, {})").format(company, period)]
    sets += [sql.SQL("({}, {}, {})").format(company, period, d) for d in dims]
    within = sql.SQL(" OR ").join(
        sql_date_range(fact.date_column, start, end, tz, fact.date_is_timestamp)
        for start, end in ranges
    )
    if where:
        within = sql.SQL("({}) AND {}").format(within, domain_to_sql(where, fact))
    return sql.SQL(
        "SELECT {select} FROM {table} WHERE {company} = ANY({companies}) AND ({within}) "
        "GROUP BY GROUPING SETS ({sets})"
    ).format(
        select=sql.SQL(", ").join(select),
        table=fact.table,
        company=company,
        companies=sql.Literal(list(company_ids)),
        within=within,
        sets=sql.SQL(", ").join(sets),
    )


def run_aggregates(
    cursor,
    fact,
    grain,
    aggregates: Mapping,
    dimensions: Sequence[str],
    company_ids: Sequence[int],
    ranges: Sequence[tuple[dt.date, dt.date]],
    tz=None,
    where=(),
):
    """Run the batched query for ``aggregates`` ({key: Aggregate}); list AggregateRow."""
    company_ids = list(company_ids)
    if not company_ids or not ranges or not aggregates:
        return []
    dimensions = list(dimensions)
    keys = list(aggregates)
    query = aggregate_query(
        fact, grain, [aggregates[k] for k in keys], dimensions, company_ids, ranges, tz, where
    )
    cur = raw_cursor(cursor)
    cur.execute(query)
    width = len(dimensions)
    result = []
    for row in cur:
        company_id, period = row[0], row[1]
        breakdown, value = "", ""
        for i, name in enumerate(dimensions):
            if row[2 + i] == 0:
                breakdown, value = name, row[2 + width + i] or ""
                break
        base = 2 + 2 * width
        for i, key in enumerate(keys):
            result.append(
                AggregateRow(
                    key,
                    company_id,
                    period,
                    breakdown,
                    value,
                    _number(row[base + 2 * i]),
                    _number(row[base + 2 * i + 1]),
                )
            )
    return result


def _distinct_parts(fact, aggregate, zones, date_from, date_end):
    """(count, row condition, range condition) of a count_distinct over one
    [date_from, date_end) range of local days, across companies: ``zones`` maps each
    time zone to its company ids."""
    numerator, _denominator = aggregate_columns(fact, aggregate)
    condition = domain_to_sql(aggregate.domain, fact) if aggregate.domain else sql.SQL("TRUE")
    company = sql.Identifier(fact.company_column)
    within = sql.SQL(" OR ").join(
        sql.SQL("({} = ANY({}) AND {})").format(
            company,
            sql.Literal(sorted(ids)),
            sql_date_range(fact.date_column, date_from, date_end, tz, fact.date_is_timestamp),
        )
        for tz, ids in sorted(zones.items())
    )
    return numerator, condition, sql.SQL("({})").format(within)


def _dimension_text(fact, dimension):
    # rows without a value are stored under '' (see the materialised rows above)
    return sql.SQL("COALESCE(({})::text, '')").format(sql.Identifier(fact.dimensions[dimension]))


def distinct_range_query(fact, aggregate, zones, date_from, date_end, dimension="", values=None):
    """SQL counting ``aggregate`` (a count_distinct) over one range (see
    ``_distinct_parts``): (distinct count, matching rows); with ``dimension`` only rows
    whose dimension value (as text) is in ``values`` count."""
    count, condition, within = _distinct_parts(fact, aggregate, zones, date_from, date_end)
    where = [within]
    if dimension and values is not None:
        where.append(
            sql.SQL("{} = ANY({}::text[])").format(
                _dimension_text(fact, dimension), sql.Literal(sorted(values))
            )
        )
    return sql.SQL("SELECT {}, count(*) FILTER (WHERE {}) FROM {} WHERE {}").format(
        count, condition, fact.table, sql.SQL(" AND ").join(where)
    )


def distinct_by_value_query(fact, aggregate, zones, date_from, date_end, dimension):
    """SQL counting ``aggregate`` (a count_distinct) over one range per value of
    ``dimension`` (as text, '' for rows without one): (value, count, matching rows)."""
    count, condition, within = _distinct_parts(fact, aggregate, zones, date_from, date_end)
    return sql.SQL(
        "SELECT {value}, {count}, count(*) FILTER (WHERE {condition}) FROM {table} "
        "WHERE {within} GROUP BY 1"
    ).format(
        value=_dimension_text(fact, dimension),
        count=count,
        condition=condition,
        table=fact.table,
        within=within,
    )


@dataclasses.dataclass(frozen=True)
class Changes:
    """Local dates per company with rows changed since a watermark."""

    dates: frozenset[tuple[int, dt.date]]
    watermark: dt.datetime | None


def changed_query(fact, since, company_ids, tz=None):
    """SQL listing (company, local date, max(changed)) of rows changed after ``since``."""
    if not fact.changed_column:
        raise KpiDefinitionError(f"Fact {fact.name} has no change timestamp column")
    company = sql.Identifier(fact.company_column)
    if fact.date_is_timestamp:
        day = sql.SQL("({})::date").format(sql_local_timestamp(fact.date_column, tz))
    else:
        day = sql.Identifier(fact.date_column)
    changed = sql.Identifier(fact.changed_column)
    after = (
        sql.SQL("TRUE") if since is None else sql.SQL("{} > {}").format(changed, sql.Literal(since))
    )
    return sql.SQL(
        "SELECT {company}, {day}, max({changed}) FROM {table} "
        "WHERE {company} = ANY({companies}) AND {after} AND {date} IS NOT NULL GROUP BY 1, 2"
    ).format(
        company=company,
        day=day,
        changed=changed,
        table=fact.table,
        companies=sql.Literal(list(company_ids)),
        after=after,
        date=sql.Identifier(fact.date_column),
    )


def changed_dates(cursor, fact, since, company_ids, tz=None):
    """The (company, local date) pairs with rows changed after ``since`` (None: all),
    and the new watermark: the latest change seen (``since`` if nothing changed)."""
    company_ids = list(company_ids)
    if not company_ids:
        return Changes(frozenset(), since)
    cur = raw_cursor(cursor)
    cur.execute(changed_query(fact, since, company_ids, tz))
    dates, watermark = set(), since
    for company_id, day, latest in cur:
        dates.add((company_id, day))
        if latest is not None and (watermark is None or latest > watermark):
            watermark = latest
    return Changes(frozenset(dates), watermark)
