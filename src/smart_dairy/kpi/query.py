"""Reading materialised values for dashboards: each KPI's value per period with
the previous period, the same period last year, target, achievement and deltas,
plus a card value for the whole range. One SQL round trip per call.

Values combine (over companies, dimension values and, for the card, periods)
from their components: sums of numerators over sums of denominators, never an
average of ratios; min/max KPIs take the min/max; formula KPIs are evaluated
again on the combined values of their inputs. A count_distinct KPI cannot be
added up over periods (the same customer may buy on two days): over several
periods it is counted from its fact for the range when the caller passes a
``DistinctCounter``, and is None otherwise; a single period's stored counts are
summed over companies or dimension values (exact when those sets do not share
members, e.g. one company's customers). Missing periods are None ("no data"),
not zero.
"""

import dataclasses
import datetime as dt
import itertools
from collections import defaultdict
from collections.abc import Iterable, Sequence

from psycopg2 import sql
from smart_dairy.db import raw_cursor

from . import formula as formulas
from . import sqlgen
from .cube import members_by_value_query, members_count_query, read_cube, read_members
from .errors import KpiDefinitionError
from .materialize import Companies, ValueTable, compute_ranges
from .periods import (
    as_date,
    as_grain,
    label,
    period_end,
    periods,
    same_period_last_year,
    shift,
)
from .requests import Query


@dataclasses.dataclass(frozen=True)
class Point:
    """A KPI value with its comparisons. ``achievement`` = value / target (the
    display applies the KPI's polarity); ``*_pct`` are fractions (0.1 = +10 %)."""

    period_start: dt.date
    label: str
    value: float | None
    previous: float | None
    last_year: float | None
    target: float | None
    achievement: float | None
    delta_previous: float | None
    delta_previous_pct: float | None
    delta_last_year: float | None
    delta_last_year_pct: float | None


@dataclasses.dataclass(frozen=True)
class KpiSeries:
    """A KPI over a date range: ``current`` is the card (the whole range, compared
    with the range just before it and the same periods a year earlier) and
    ``points`` the per-period values."""

    code: str
    grain: str
    dimension_value: str | None
    current: Point
    points: list[Point]

    @property
    def series(self):
        """Values per period, for sparklines."""
        return [p.value for p in self.points]


def _delta(value, base):
    if value is None or base is None:
        return None, None
    return value - base, (value - base) / abs(base) if base else None


def make_point(start, text, value, previous, last_year, target):
    """A Point with deltas and achievement derived from the given values."""
    d_prev, d_prev_pct = _delta(value, previous)
    d_ly, d_ly_pct = _delta(value, last_year)
    achievement = value / target if value is not None and target else None
    return Point(
        start, text, value, previous, last_year, target, achievement,
        d_prev, d_prev_pct, d_ly, d_ly_pct,
    )  # fmt: skip


class DistinctCounter:
    """Counts a count_distinct KPI over a range of several periods, since stored
    per-period counts do not add up (a customer buying in two months is one
    customer). When the KPI is broken down by the very column it counts (active
    customers by customer), the count is that of the distinct values stored for
    the range's periods; when ``cube`` (a CubeTable) holds the KPI, its members are
    counted there; otherwise it is counted from the fact of the catalogue; ``zones``
    maps each time zone to its company ids (the local days each company's values
    are kept in)."""

    def __init__(self, cursor, table: ValueTable, catalogue, zones, cube=None):
        self.cursor = cursor
        self.table = table
        self.catalogue = catalogue
        self.zones = {tz: sorted(ids) for tz, ids in zones.items() if ids}
        self.cube = cube
        self.company_ids = sorted(i for ids in self.zones.values() for i in ids)

    def count(self, kpi, grain, starts, breakdown="", dimension_values=None):
        """The count over the periods ``starts`` (one unbroken range), None without rows."""
        if not self.zones:
            return None
        measure = kpi.aggregate.measure
        if not breakdown and measure in kpi.dimensions and kpi.id is not None:
            query = self._stored_query(kpi, grain, starts, measure)
        elif self._in_cube(kpi, breakdown):
            query = members_count_query(
                self.cube, kpi.id, self.company_ids, *self._span(grain, starts), breakdown,
                dimension_values,
            )  # fmt: skip
        else:
            query = sqlgen.distinct_range_query(
                *self._range(kpi, grain, starts), breakdown, dimension_values
            )
        cur = raw_cursor(self.cursor)
        cur.execute(query)
        count, rows = cur.fetchone()
        return float(count) * kpi.scale if rows else None

    def count_by_value(self, kpi, grain, starts, breakdown):
        """{dimension value: count over the periods ``starts``} (one statement), for the
        values with rows; rankings of a count_distinct KPI by a dimension."""
        if not self.zones:
            return {}
        if self._in_cube(kpi, breakdown):
            query = members_by_value_query(
                self.cube, kpi.id, self.company_ids, *self._span(grain, starts), breakdown
            )
        else:
            query = sqlgen.distinct_by_value_query(*self._range(kpi, grain, starts), breakdown)
        cur = raw_cursor(self.cursor)
        cur.execute(query)
        return {value: float(count) * kpi.scale for value, count, rows in cur.fetchall() if rows}

    def _in_cube(self, kpi, breakdown):
        """Whether the cube holds the KPI's members by ``breakdown`` ('' for none)."""
        return (
            self.cube is not None
            and self.cube.holds(kpi)
            and (not breakdown or breakdown in set(kpi.dimensions) & set(self.cube.dimensions))
        )

    @staticmethod
    def _span(grain, starts):
        return starts[0], period_end(starts[-1], grain)

    def _range(self, kpi, grain, starts):
        """The fact, aggregate, zones and [first day, end) of a count over ``starts``."""
        fact = self.catalogue.facts[kpi.aggregate.fact]
        return fact, kpi.aggregate, self.zones, starts[0], period_end(starts[-1], grain)

    def _stored_query(self, kpi, grain, starts, measure):
        table = self.table
        companies = [i for ids in self.zones.values() for i in ids]
        return sql.SQL(
            "SELECT count(DISTINCT {value}) FILTER (WHERE {value} <> ''), count(*) FROM {table} "
            "WHERE {kpi} = {kpi_id} AND {grain} = {grain_value} AND {breakdown} = {measure} "
            "AND {start} BETWEEN {first} AND {last} AND {company} = ANY({companies})"
        ).format(
            value=table.col("dimension_value"),
            table=table.table,
            kpi=table.col("kpi_id"),
            kpi_id=sql.Literal(kpi.id),
            grain=table.col("grain"),
            grain_value=sql.Literal(grain),
            breakdown=table.col("breakdown"),
            measure=sql.Literal(measure),
            start=table.col("period_start"),
            first=sql.Literal(starts[0]),
            last=sql.Literal(starts[-1]),
            company=table.col("company_id"),
            companies=sql.Literal(companies),
        )


class _SpanCounts:
    """A distinct counter answering the spans counted from the cube with the values
    read, and every other span with ``fallback`` (from the facts; None: no value)."""

    def __init__(self, counts, fallback):
        self.counts = counts
        self.fallback = fallback

    def count(self, kpi, grain, starts, breakdown="", dimension_values=None):
        """Like DistinctCounter.count."""
        span = (kpi.id, starts[0], period_end(starts[-1], grain))
        if span in self.counts:
            count = self.counts[span]
            return None if count is None else count * kpi.scale
        if self.fallback is None:
            return None
        return self.fallback.count(kpi, grain, starts, breakdown, dimension_values)


class _Combiner:
    """Combines loaded rows of a KPI over a set of periods and dimension values."""

    def __init__(self, catalogue, data, grain, distinct=None, breakdown=""):
        self.catalogue = catalogue
        self.grain = grain
        self.data = data
        self.distinct = distinct
        self.breakdown = breakdown
        self.memo = {}

    def value(self, code, starts, dims):
        """The combined value; ``starts`` a tuple, ``dims`` None or a frozenset."""
        key = (code, starts, dims)
        if key not in self.memo:
            self.memo[key] = self._value(code, starts, dims)
        return self.memo[key]

    def _value(self, code, starts, dims):
        kpi = self.catalogue[code]
        if kpi.formula is not None:
            parsed = self.catalogue.formula(code)
            inputs = {dep: self.value(dep, starts, dims) for dep in parsed.dependencies}
            inputs["DAYS"] = sum((period_end(start, self.grain) - start).days for start in starts)
            result = formulas.evaluate(parsed, inputs)
            return None if result is None else result * kpi.scale
        rule = kpi.rollup
        if rule == "distinct" and len(starts) > 1:
            if self.distinct is None:
                return None
            if any(b != shift(a, self.grain, 1) for a, b in itertools.pairwise(starts)):
                return None  # not one unbroken range
            return self.distinct.count(kpi, self.grain, starts, self.breakdown, dims)
        per_period = self.data.get(kpi.id, {})
        rows = [
            row
            for start in starts
            for row in per_period.get(start, ())
            if dims is None or row[0] in dims
        ]
        if not rows:
            return None
        if rule in ("min", "max"):
            numbers = [row[1] for row in rows if row[1] is not None]
            if not numbers:
                return None
            return (min if rule == "min" else max)(numbers) * kpi.scale
        numerator = sum(row[1] or 0.0 for row in rows)
        if kpi.is_quotient:
            denominator = sum(row[2] or 0.0 for row in rows)
            return numerator / denominator * kpi.scale if denominator else None
        return numerator * kpi.scale


def _load(cursor, table, ids, grain, starts, company_ids, breakdown, dimension_values):
    conditions = [
        sql.SQL("{} = ANY({})").format(table.col("kpi_id"), sql.Literal(sorted(ids))),
        sql.SQL("{} = {}").format(table.col("grain"), sql.Literal(grain)),
        sql.SQL("{} = {}").format(table.col("breakdown"), sql.Literal(breakdown)),
        sql.SQL("{} = ANY({}::date[])").format(
            table.col("period_start"), sql.Literal(sorted(starts))
        ),
        sql.SQL("{} = ANY({})").format(table.col("company_id"), sql.Literal(list(company_ids))),
    ]
    if dimension_values is not None:
        conditions.append(
            sql.SQL("{} = ANY({}::varchar[])").format(
                table.col("dimension_value"), sql.Literal(sorted(dimension_values))
            )
        )
    query = sql.SQL("SELECT {}, {}, {}, {}, {} FROM {} WHERE {}").format(
        table.col("kpi_id"),
        table.col("period_start"),
        table.col("dimension_value"),
        table.col("numerator"),
        table.col("denominator"),
        table.table,
        sql.SQL(" AND ").join(conditions),
    )
    cur = raw_cursor(cursor)
    cur.execute(query)
    data = defaultdict(lambda: defaultdict(list))
    for kpi_id, start, dim_value, numerator, denominator in cur:
        data[kpi_id][start].append((dim_value, numerator, denominator))
    return data


def _readable(catalogue, codes):
    """The KPIs a read of ``codes`` needs; their ids, since values are read by id."""
    kpis = catalogue.closure(codes)
    for kpi in kpis:
        if kpi.formula is None and kpi.id is None:
            raise KpiDefinitionError(f"KPI {kpi.code} has no id: its values cannot be read")
    return kpis


def _targets(targets, kpis, grain):
    codes_by_id = {k.id: k.code for k in kpis if k.id is not None}
    result = {}
    for kpi, target_grain, start, dim_value, target in targets or ():
        code = codes_by_id.get(kpi, kpi)
        if as_grain(target_grain).value == grain and target is not None:
            result[code, as_date(start), dim_value or ""] = float(target)
    return result


def _range_target(kpi, values):
    if not values or any(v is None for v in values):
        return None
    additive = kpi.rollup == "sum" and not kpi.is_quotient
    return sum(values) if additive else sum(values) / len(values)


def _series(combiner, kpi, grain, calendar, dims, dim_key, targets):
    code = kpi.code
    starts = calendar.starts
    points = []
    for start in starts:
        target = targets.get((code, start, dim_key)) if dim_key is not None else None
        text, before, year_ago = calendar.around[start]
        points.append(
            make_point(
                start,
                text,
                combiner.value(code, (start,), dims),
                combiner.value(code, (before,), dims),
                combiner.value(code, (year_ago,), dims),
                target,
            )
        )
    current = make_point(
        starts[0],
        calendar.label,
        combiner.value(code, starts, dims),
        combiner.value(code, calendar.previous_range, dims),
        combiner.value(code, calendar.last_year_range, dims),
        _range_target(kpi, [p.target for p in points]),
    )
    return KpiSeries(code, grain, dim_key, current, points)


@dataclasses.dataclass(frozen=True)
class _Calendar:
    """The periods of a range and those it is compared with, computed once per call."""

    starts: tuple
    around: dict  # start -> (label, previous start, same period last year)
    previous_range: tuple
    last_year_range: tuple
    label: str

    @classmethod
    def build(cls, grain, date_from, date_to):
        starts = tuple(periods(date_from, date_to, grain))
        if not starts:
            raise KpiDefinitionError("The date range is empty: the end is before the start")
        n = len(starts)
        around = {
            s: (label(s, grain), shift(s, grain, -1), same_period_last_year(s, grain))
            for s in starts
        }
        text = label(starts[0], grain)
        if n > 1:
            text += " to " + label(starts[-1], grain)
        return cls(
            starts,
            around,
            tuple(shift(starts[0], grain, i - n) for i in range(n)),
            tuple(sorted({a[2] for a in around.values()})),
            text,
        )

    @property
    def needed(self):
        return {*self.starts, *self.previous_range, *self.last_year_range}


@dataclasses.dataclass(frozen=True)
class _Read:
    """What every read of one query works from, computed once."""

    grain: str
    calendar: _Calendar
    kpis: list  # the KPIs read, with those their formulas use
    ids: set  # ids of the stored KPIs among them
    dims: frozenset | None

    @classmethod
    def build(cls, catalogue, query):
        grain = as_grain(query.grain).value
        calendar = _Calendar.build(grain, query.date_from, query.date_to)
        kpis = _readable(catalogue, query.codes)
        ids = {k.id for k in kpis if k.formula is None}
        values = query.dimension_values
        return cls(grain, calendar, kpis, ids, None if values is None else frozenset(values))


def fetch(
    cursor,
    table: ValueTable,
    catalogue,
    query: Query,
    company_ids: Sequence[int],
    targets: Iterable[tuple] | None = None,
    distinct: DistinctCounter | None = None,
):
    """The series of each KPI of ``query.codes``, keyed by code.

    Values of all ``company_ids`` combine. With a breakdown (a dimension name) and
    dimension values, only those values count, combined (a dashboard filter such as
    "regions North and South"). ``targets`` are tuples (kpi code or id, grain,
    period_start, dimension_value, target); they apply to the total ('' dimension
    value) or to a single selected dimension value. The KPIs formulas use are read
    too, from the catalogue. With ``distinct``, count_distinct KPIs over several
    periods are counted from their fact for the whole range (otherwise None).
    """
    read = _Read.build(catalogue, query)
    breakdown, dims = query.breakdown, read.dims
    if breakdown == "":
        dims = None
        dim_key = ""
    else:
        dim_key = next(iter(dims)) if dims is not None and len(dims) == 1 else None
    data = _load(
        cursor, table, read.ids, read.grain, read.calendar.needed, company_ids, breakdown, dims
    )
    combiner = _Combiner(catalogue, data, read.grain, distinct, breakdown)
    wanted = _targets(targets, read.kpis, read.grain)
    return {
        code: _series(combiner, catalogue[code], read.grain, read.calendar, dims, dim_key, wanted)
        for code in query.codes
    }


def fetch_breakdown(
    cursor,
    table: ValueTable,
    catalogue,
    query: Query,
    company_ids: Sequence[int],
    targets: Iterable[tuple] | None = None,
    distinct: DistinctCounter | None = None,
):
    """Like ``fetch``, one series per dimension value: {code: {value: KpiSeries}}."""
    if not query.breakdown:
        raise KpiDefinitionError("A breakdown needs a dimension name")
    read = _Read.build(catalogue, query)
    data = _load(
        cursor,
        table,
        read.ids,
        read.grain,
        read.calendar.needed,
        company_ids,
        query.breakdown,
        read.dims,
    )
    values = read.dims
    if values is None:
        values = {row[0] for per_period in data.values() for rows in per_period.values()
                  for row in rows}  # fmt: skip
    combiner = _Combiner(catalogue, data, read.grain, distinct, query.breakdown)
    wanted = _targets(targets, read.kpis, read.grain)
    return {
        code: {
            value: _series(
                combiner,
                catalogue[code],
                read.grain,
                read.calendar,
                frozenset([value]),
                value,
                wanted,
            )
            for value in sorted(values)
        }
        for code in query.codes
    }


def fetch_totals(
    cursor,
    table: ValueTable,
    catalogue,
    query: Query,
    company_ids: Sequence[int],
    distinct: DistinctCounter | None = None,
    previous: bool = False,
):
    """The range value of each KPI per value of the query's breakdown,
    {code: {value: float | None}}: the ``current.value`` of ``fetch_breakdown``
    without its per-period points and comparisons, in time linear in the rows read
    (rankings of many customers or products). Only the range's own periods are read;
    with ``distinct``, count_distinct KPIs over several periods are counted per value
    from their fact, in one statement each (otherwise None). With ``previous``, the
    values over the range before (the cards' "previous period")."""
    read = _Read.build(catalogue, query)
    starts = read.calendar.previous_range if previous else read.calendar.starts
    data = _load(
        cursor, table, read.ids, read.grain, set(starts), company_ids, query.breakdown, read.dims
    )
    per_value = defaultdict(lambda: defaultdict(lambda: defaultdict(list)))
    for kpi_id, per_period in data.items():
        for start, rows in per_period.items():
            for row in rows:
                per_value[row[0]][kpi_id][start].append(row)
    values = read.dims if read.dims is not None else per_value.keys()
    result = {code: {} for code in query.codes}
    for value in sorted(values, key=lambda v: (v is None, v or "")):
        combiner = _Combiner(catalogue, per_value.get(value, {}), read.grain)
        for code in query.codes:
            result[code][value] = combiner.value(code, starts, None)
    if distinct is not None and len(starts) > 1:
        for code in query.codes:
            kpi = catalogue[code]
            if kpi.rollup != "distinct":
                continue
            counts = distinct.count_by_value(kpi, read.grain, starts, query.breakdown)
            result[code] = {value: counts.get(value or "") for value in result[code]}
    return result


def _filter_conditions(kpi, filters):
    """The conditions of ``filters`` ({dimension: values}) on the KPI's own dimensions."""
    if kpi.formula is not None:
        return ()
    return tuple(
        (dimension, "in", tuple(values))
        for dimension, values in filters.items()
        if dimension in kpi.dimensions
    )


def _with_filters(kpi, filters):
    """``kpi`` reading only the rows of ``filters`` ({dimension: values}) among its
    own dimensions, without breakdowns; formulas are left as they are."""
    conditions = _filter_conditions(kpi, filters)
    if not conditions:
        return dataclasses.replace(kpi, dimensions=())

    def narrowed(aggregate):
        if aggregate is None:
            return None
        return dataclasses.replace(aggregate, domain=(*aggregate.domain, *conditions))

    return dataclasses.replace(
        kpi,
        aggregate=narrowed(kpi.aggregate),
        numerator=narrowed(kpi.numerator),
        denominator=narrowed(kpi.denominator),
        dimensions=(),
    )


def fetch_filtered(
    cursor,
    catalogue,
    query: Query,
    filters,
    zones,
    distinct: DistinctCounter | None = None,
    cube=None,
):
    """Like ``fetch`` with several dimension filters at once ({dimension: values},
    e.g. a region and a product category), which stored values do not hold: for
    the range, the range before and the same periods a year earlier, each KPI
    filtered on the dimensions it has. KPIs that ``cube`` (a CubeTable) holds are
    read from its rows (one statement for the sums, one for the distinct counts);
    the others (not kept by day, or broken down by fewer than two of the cube's
    dimensions) are computed from their facts. ``zones`` maps each time zone to
    its company ids. Targets (set for the total or one dimension value) are left
    out."""
    read = _Read.build(catalogue, query)
    grain = read.grain
    narrowed = catalogue.with_definitions(_with_filters(kpi, filters) for kpi in read.kpis)
    # KPIs under the same conditions are read together, reading only their rows.
    groups, summed, counted = defaultdict(list), defaultdict(list), defaultdict(list)
    for kpi in read.kpis:
        if kpi.formula is None:
            where = _filter_conditions(kpi, filters)
            if cube is None or not cube.answers(kpi, filters):
                groups[where].append(kpi.code)
            elif kpi.rollup == "distinct":
                counted[where].append(kpi.id)
            else:
                summed[where].append(kpi.id)
    starts = sorted(read.calendar.needed)
    ranges, first = [], starts[0]
    for before, after in itertools.pairwise([*starts, None]):
        if after is None or after != shift(before, grain, 1):
            ranges.append((first, period_end(before, grain)))
            first = after
    data = defaultdict(lambda: defaultdict(list))
    company_ids = sorted(i for ids in zones.values() for i in ids)
    stored = read_cube(cursor, cube, read.kpis, grain, summed, company_ids, ranges)
    for kpi_id, per_period in stored.items():
        for start, (numerator, denominator) in per_period.items():
            data[kpi_id][start].append(("", numerator, denominator))
    calendar = read.calendar
    spans = {
        (span[0], period_end(span[-1], grain))
        for span in (calendar.starts, calendar.previous_range, calendar.last_year_range)
    }
    members, counts = read_members(cursor, cube, grain, counted, company_ids, ranges, sorted(spans))
    for kpi_id, per_period in members.items():
        for start, per_company in per_period.items():
            data[kpi_id][start].extend(("", count, None) for count in per_company)
    for (tz, ids), (where, codes) in itertools.product(zones.items(), groups.items()):
        companies = Companies(ids, tz)
        for row in compute_ranges(cursor, narrowed, codes, grain, ranges, companies, where):
            if row.breakdown == "":
                data[row.kpi_id][row.period_start].append(("", row.numerator, row.denominator))
    combiner = _Combiner(narrowed, data, grain, _SpanCounts(counts, distinct))
    return {
        code: _series(combiner, narrowed[code], grain, read.calendar, None, None, {})
        for code in query.codes
    }
