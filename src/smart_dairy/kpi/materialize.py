"""Materialisation: compute KPI values per company, period and dimension value,
and replace a scope of stored values atomically (DELETE then COPY, in the
caller's transaction), so a re-run never duplicates and no period is half-written.

The caller (the Odoo run) holds advisory locks per company and grain
(``smart_dairy.db.try_locks`` and ``claim_locks``) until it commits, together with
the new watermarks.
"""

import dataclasses
import datetime as dt
from collections import defaultdict
from collections.abc import Mapping
from typing import NamedTuple

from psycopg2 import sql
from smart_dairy.db import copy_rows, raw_cursor

from . import formula as formulas
from .cube import write_cube
from .definitions import Kind
from .facts import check_identifier
from .periods import Grain, as_grain, period_end, period_start
from .sqlgen import changed_dates, run_aggregates


class KpiValueRow(NamedTuple):
    """One materialised value. ``kpi`` is the code, ``kpi_id`` the record id."""

    kpi_id: int | None
    kpi: str
    company_id: int
    grain: str
    period_start: dt.date
    breakdown: str
    dimension_value: str
    numerator: float | None
    denominator: float | None
    value: float | None


@dataclasses.dataclass(frozen=True)
class ValueTable:
    """Where values are stored: the table and its column names (Odoo's model
    ``smart.dairy.kpi.value`` owns the real table; its ``id`` has a default)."""

    name: str = "smart_dairy_kpi_value"
    schema: str | None = None
    kpi_id: str = "kpi_id"
    company_id: str = "company_id"
    grain: str = "grain"
    period_start: str = "period_start"
    breakdown: str = "breakdown"
    dimension_value: str = "dimension_value"
    numerator: str = "numerator"
    denominator: str = "denominator"
    value: str = "value"
    run_id: str | None = "run_id"
    create_uid: str | None = "create_uid"
    create_date: str | None = "create_date"
    write_uid: str | None = "write_uid"
    write_date: str | None = "write_date"

    def __post_init__(self):
        for field in dataclasses.fields(self):
            name = getattr(self, field.name)
            if name is not None or field.name in ("name", "kpi_id"):
                check_identifier(name, "Value table name" if field.name == "name" else "Column")

    @property
    def table(self):
        if self.schema:
            return sql.Identifier(self.schema, self.name)
        return sql.Identifier(self.name)

    def col(self, name):
        return sql.Identifier(getattr(self, name))


@dataclasses.dataclass(frozen=True)
class Scope:
    """The stored values a write replaces: these KPIs, companies and grain, periods
    starting in [date_from, date_to] and, if ``pairs`` is given, only those
    (company_id, period_start) pairs."""

    kpi_ids: tuple[int, ...]
    company_ids: tuple[int, ...]
    grain: str
    date_from: dt.date
    date_to: dt.date
    pairs: frozenset[tuple[int, dt.date]] | None = None

    def __contains__(self, row):
        return (
            row.kpi_id in self.kpi_ids
            and row.company_id in self.company_ids
            and row.grain == self.grain
            and self.date_from <= row.period_start <= self.date_to
            and (self.pairs is None or (row.company_id, row.period_start) in self.pairs)
        )


def _value(kpi, numerator, denominator):
    if numerator is None:
        return None
    if kpi.is_quotient:
        if not denominator:
            return None
        return numerator / denominator * kpi.scale
    return numerator * kpi.scale


def _merge_ranges(starts, grain):
    """Sorted period starts as [start, end) ranges of consecutive periods."""
    ranges = []
    for start in sorted(set(starts)):
        end = period_end(start, grain)
        if ranges and ranges[-1][1] == start:
            ranges[-1][1] = end
        else:
            ranges.append([start, end])
    return [tuple(r) for r in ranges]


@dataclasses.dataclass(frozen=True)
class Companies:
    """Companies computed together, in the time zone ``tz`` (None: UTC) whose local
    days their values are kept in."""

    ids: tuple[int, ...]
    tz: str | None = None

    def __post_init__(self):
        object.__setattr__(self, "ids", tuple(self.ids))


@dataclasses.dataclass(frozen=True)
class Stamp:
    """Who writes values: the run, the user and the time (None: now)."""

    run_id: int | None = None
    uid: int | None = None
    now: dt.datetime | None = None


def compute(cursor, catalogue, codes, grain, date_from, date_to, companies: Companies):
    """Values of the KPIs ``codes`` (None: all) of ``catalogue`` and of those their
    formulas use, for whole periods of ``grain`` covering date_from..date_to.

    Aggregate and ratio KPIs come from one batched query per fact; formula KPIs
    are evaluated afterwards, in dependency order, at the total and at their own
    dimensions (which every input must have).
    """
    grain = as_grain(grain)
    first = period_start(date_from, grain)
    end = period_end(period_start(date_to, grain), grain)
    if end <= first:
        return []
    kpis = _computable(catalogue, codes)
    return _compute(cursor, catalogue, kpis, grain, [(first, end)], companies)


def compute_ranges(cursor, catalogue, codes, grain, ranges, companies: Companies, where=()):
    """Like ``compute`` over several [start, end) ranges of whole periods at once,
    reading only the fact rows that match the domain ``where``."""
    kpis = _computable(catalogue, codes)
    return _compute(cursor, catalogue, kpis, as_grain(grain), ranges, companies, where)


def _computable(catalogue, codes):
    return catalogue.closure(
        (kpi.code for kpi in catalogue) if codes is None else codes, computable=True
    )


def _compute(cursor, catalogue, ordered, grain, ranges, companies, where=()):
    """Values of ``ordered`` (KPIs of the catalogue in dependency order, with every
    KPI their formulas use)."""
    requests = defaultdict(dict)
    dimensions = defaultdict(dict)
    for kpi in ordered:
        for aggregate in kpi.components:
            requests[aggregate.fact][aggregate] = aggregate
            dimensions[aggregate.fact].update(dict.fromkeys(kpi.dimensions))
    results = defaultdict(dict)
    for fact_name, aggregates in requests.items():
        rows = run_aggregates(
            cursor,
            catalogue.facts[fact_name],
            grain,
            aggregates,
            list(dimensions[fact_name]),
            companies.ids,
            ranges,
            companies.tz,
            where,
        )
        for row in rows:
            results[row.key][row[1:5]] = (row.numerator, row.denominator)
    values = {}
    out = []
    for kpi in ordered:
        breakdowns = {"", *kpi.dimensions}
        computed = values[kpi.code] = {}
        if kpi.kind is Kind.AGGREGATE:
            function = kpi.aggregate.function
            for key, (num, den) in results[kpi.aggregate].items():
                if key[2] not in breakdowns or num is None:
                    continue
                if function in ("count", "count_distinct") and not num:
                    continue
                computed[key] = (num, den, _value(kpi, num, den))
        elif kpi.kind is Kind.RATIO:
            numerators = results[kpi.numerator]
            denominators = results[kpi.denominator]
            for key in numerators.keys() | denominators.keys():
                if key[2] not in breakdowns:
                    continue
                num = numerators.get(key, (None,))[0]
                den = denominators.get(key, (None,))[0]
                if not num and not den:
                    continue
                num, den = num or 0.0, den or 0.0
                computed[key] = (num, den, _value(kpi, num, den))
        else:
            parsed = catalogue.formula(kpi.code)
            inputs = {dep: values[dep] for dep in parsed.dependencies}
            keys = set().union(*(v.keys() for v in inputs.values())) if inputs else set()
            for key in keys:
                if key[2] not in breakdowns:
                    continue
                args = {dep: rows[key][2] if key in rows else None for dep, rows in inputs.items()}
                args["DAYS"] = (period_end(key[1], grain) - key[1]).days
                result = formulas.evaluate(parsed, args)
                if result is not None:
                    result *= kpi.scale
                    computed[key] = (result, None, result)
        for (company_id, start, breakdown, dim_value), (num, den, value) in computed.items():
            out.append(
                KpiValueRow(
                    kpi.id,
                    kpi.code,
                    company_id,
                    grain.value,
                    start,
                    breakdown,
                    dim_value,
                    num,
                    den,
                    value,
                )
            )
    return out


def write(cursor, table: ValueTable, rows, scope: Scope, stamp: Stamp = Stamp()):
    """Replace the stored values of ``scope`` by ``rows``; return the number written.

    Runs DELETE then COPY on the caller's transaction: commit once afterwards.
    Every row must lie inside the scope (and carry its kpi_id), else ValueError.
    """
    cur = raw_cursor(cursor)
    now = stamp.now or dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    grain = as_grain(scope.grain).value
    scope = dataclasses.replace(
        scope,
        grain=grain,
        kpi_ids=tuple(scope.kpi_ids),
        company_ids=tuple(scope.company_ids),
    )
    rows = list(rows)
    for row in rows:
        if row.kpi_id is None:
            raise ValueError(f"KPI {row.kpi} has no id: values cannot be stored")
        if row not in scope:
            raise ValueError(f"{row} lies outside the scope being replaced")
    if not scope.kpi_ids or not scope.company_ids:
        return 0
    conditions = [
        sql.SQL("{} = ANY({})").format(table.col("kpi_id"), sql.Literal(list(scope.kpi_ids))),
        sql.SQL("{} = ANY({})").format(
            table.col("company_id"), sql.Literal(list(scope.company_ids))
        ),
        sql.SQL("{} = {}").format(table.col("grain"), sql.Literal(grain)),
        sql.SQL("{} BETWEEN {} AND {}").format(
            table.col("period_start"), sql.Literal(scope.date_from), sql.Literal(scope.date_to)
        ),
    ]
    if scope.pairs is not None:
        if not scope.pairs:
            return 0
        pairs = sorted(scope.pairs)
        conditions.append(
            sql.SQL("({}, {}) IN (SELECT * FROM unnest({}::int[], {}::date[]))").format(
                table.col("company_id"),
                table.col("period_start"),
                sql.Literal([p[0] for p in pairs]),
                sql.Literal([p[1] for p in pairs]),
            )
        )
    cur.execute(
        sql.SQL("DELETE FROM {} WHERE {}").format(table.table, sql.SQL(" AND ").join(conditions))
    )
    names = [
        "kpi_id",
        "company_id",
        "grain",
        "period_start",
        "breakdown",
        "dimension_value",
        "numerator",
        "denominator",
        "value",
    ]
    extra = [
        (name, value)
        for name, value in (
            ("run_id", stamp.run_id),
            ("create_uid", stamp.uid),
            ("create_date", now),
            ("write_uid", stamp.uid),
            ("write_date", now),
        )
        if getattr(table, name) is not None
    ]
    tail = tuple(value for _, value in extra)
    columns = [getattr(table, name) for name in names] + [getattr(table, n) for n, _ in extra]
    return copy_rows(
        cur,
        table.name,
        columns,
        (
            (
                r.kpi_id,
                r.company_id,
                r.grain,
                r.period_start,
                r.breakdown,
                r.dimension_value,
                r.numerator,
                r.denominator,
                r.value,
                *tail,
            )
            for r in rows
        ),
        schema=table.schema,
    )


def create_value_table(cursor, table: ValueTable = ValueTable()):
    """Create the value table with its indexes, for tests and benchmarks (the Odoo
    model creates the real one; it should have the same columns and indexes)."""
    optional = [
        (table.run_id, "integer"),
        (table.create_uid, "integer"),
        (table.create_date, "timestamp"),
        (table.write_uid, "integer"),
        (table.write_date, "timestamp"),
    ]
    columns = [
        sql.SQL("id serial PRIMARY KEY"),
        sql.SQL("{} integer NOT NULL").format(table.col("kpi_id")),
        sql.SQL("{} integer NOT NULL").format(table.col("company_id")),
        sql.SQL("{} varchar NOT NULL").format(table.col("grain")),
        sql.SQL("{} date NOT NULL").format(table.col("period_start")),
        sql.SQL("{} varchar NOT NULL DEFAULT ''").format(table.col("breakdown")),
        sql.SQL("{} varchar NOT NULL DEFAULT ''").format(table.col("dimension_value")),
        sql.SQL("{} double precision").format(table.col("numerator")),
        sql.SQL("{} double precision").format(table.col("denominator")),
        sql.SQL("{} double precision").format(table.col("value")),
    ] + [
        sql.SQL("{} {}").format(sql.Identifier(name), sql.SQL(kind))
        for name, kind in optional
        if name is not None
    ]
    cur = raw_cursor(cursor)
    cur.execute(
        sql.SQL("CREATE TABLE IF NOT EXISTS {} ({})").format(
            table.table, sql.SQL(", ").join(columns)
        )
    )
    cur.execute(
        sql.SQL("CREATE UNIQUE INDEX IF NOT EXISTS {} ON {} ({}, {}, {}, {}, {}, {})").format(
            sql.Identifier(f"{table.name}_lookup_uniq"[:63]),
            table.table,
            table.col("kpi_id"),
            table.col("grain"),
            table.col("breakdown"),
            table.col("period_start"),
            table.col("company_id"),
            table.col("dimension_value"),
        )
    )


@dataclasses.dataclass
class RefreshResult:
    """What a refresh did: new watermarks per fact, the (company, period) pairs
    recomputed per grain, the number of values and of cube rows written."""

    watermarks: dict
    pairs: dict = dataclasses.field(default_factory=dict)
    written: int = 0
    cube_rows: int = 0


def _for_grain(catalogue, kpis, grain):
    """The KPIs of ``kpis`` kept at ``grain``, with every KPI their formulas use."""
    return catalogue.closure([k.code for k in kpis if grain in k.grains], computable=True)


def refresh_range(
    cursor,
    table,
    catalogue,
    grains,
    date_from,
    date_to,
    companies: Companies,
    stamp: Stamp = Stamp(),
    codes=None,
    cube=None,
):
    """Recompute and replace every period of each grain covering date_from..date_to
    (the nightly reconciliation of the last N days, or a full rebuild) for the KPIs
    ``codes`` (None: all) and those their formulas use; with the day grain, their
    rows of ``cube`` (a CubeTable) too."""
    kpis = _computable(catalogue, codes)
    result = RefreshResult(watermarks={})
    for grain in map(as_grain, grains):
        selected = _for_grain(catalogue, kpis, grain)
        first = period_start(date_from, grain)
        end = period_end(period_start(date_to, grain), grain)
        rows = _compute(cursor, catalogue, selected, grain, [(first, end)], companies)
        scope = Scope(
            tuple(k.id for k in selected),
            companies.ids,
            grain.value,
            first,
            period_start(date_to, grain),
        )
        result.written += write(cursor, table, rows, scope, stamp)
        if cube is not None and grain is Grain.DAY:
            result.cube_rows += write_cube(
                cursor, cube, catalogue, selected, companies.ids, [(first, end)], companies.tz
            )
    return result


def refresh_incremental(
    cursor,
    table,
    catalogue,
    grains,
    watermarks: Mapping,
    companies: Companies,
    stamp: Stamp = Stamp(),
    codes=None,
    *,
    overlap=dt.timedelta(minutes=5),
    cutoff=None,
    cube=None,
):
    """Recompute only the periods whose source rows changed since the watermarks,
    for the KPIs ``codes`` (None: all) and those their formulas use.

    ``watermarks`` maps fact names to the last change already processed (None or
    absent: everything). Rows changed within ``overlap`` before a watermark are
    looked at again, which covers transactions that committed late; recomputing
    a period twice is harmless. Facts without ``changed_column``, deleted source
    rows and rows moved to another date are left to ``refresh_range`` (nightly).
    ``cutoff`` is when the sources were read (the database's current time, in the
    change column's time zone): given, it becomes the new watermark, so the next
    run re-reads only rows changed within ``overlap`` before this run, not those
    before the last change seen (a bulk load stamps every row alike). Returns a
    RefreshResult whose watermarks the caller stores in the same transaction as
    the values. With the day grain, the touched days of ``cube`` are replaced too.
    """
    kpis = _computable(catalogue, codes)
    used = {a.fact for k in kpis for a in k.components}
    new_watermarks = dict(watermarks)
    touched = defaultdict(set)
    for name in sorted(used):
        fact = catalogue.facts[name]
        if not fact.changed_column:
            continue
        since = watermarks.get(name)
        changes = changed_dates(
            cursor, fact, None if since is None else since - overlap, companies.ids, companies.tz
        )
        latest = cutoff if cutoff is not None else changes.watermark
        if since is not None and latest is not None:
            new_watermarks[name] = max(since, latest)
        else:
            new_watermarks[name] = latest
        for company_id, day in changes.dates:
            touched[name].add((company_id, day))
    result = RefreshResult(watermarks=new_watermarks)
    if not touched:
        return result
    affected = {k.code for k in kpis if any(a.fact in touched for a in k.components)}
    affected |= catalogue.dependents(affected)
    affected = [k for k in kpis if k.code in affected]
    days = set().union(*touched.values())
    for grain in map(as_grain, grains):
        selected = _for_grain(catalogue, affected, grain)
        if not selected:
            continue
        pairs = frozenset((c, period_start(d, grain)) for c, d in days)
        zone = Companies(sorted({c for c, _ in pairs}), companies.tz)
        starts = sorted({p for _, p in pairs})
        ranges = _merge_ranges(starts, grain)
        rows = [
            r
            for r in _compute(cursor, catalogue, selected, grain, ranges, zone)
            if (r.company_id, r.period_start) in pairs
        ]
        scope = Scope(
            tuple(k.id for k in selected), zone.ids, grain.value, starts[0], starts[-1], pairs
        )
        result.written += write(cursor, table, rows, scope, stamp)
        result.pairs[grain.value] = pairs
        if cube is not None and grain is Grain.DAY:
            result.cube_rows += write_cube(
                cursor, cube, catalogue, selected, zone.ids, ranges, zone.tz, pairs
            )
    return result
