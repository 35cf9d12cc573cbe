"""Rollups of readings (15 min -> 1 h -> 1 day) and daily milk totals.

With TimescaleDB they are hierarchical continuous aggregates (materialised
only, so they read the same as the plain tables); without it they are plain
tables that :func:`refresh` recomputes for the buckets the intake marked
dirty. Both keep the same columns: ``n``, ``valid_n``, ``total``, ``total_sq``,
``min_value``, ``max_value``; averages and standard deviations are computed
from them at query time, which is what lets one level be rolled into the next.
"""

import dataclasses
import datetime as dt
import time

import psycopg2.errors
from psycopg2 import sql
from smart_dairy import db, timeseries

SCHEMA = timeseries.SCHEMA
ORIGIN = dt.datetime(2000, 1, 3, tzinfo=dt.timezone.utc)  # time_bucket's own origin
READING_KEYS = ("device_id", "metric", "company_id", "farm_id", "device_type", "animal_id")
MILKING_KEYS = ("company_id", "farm_id", "animal_id")
DIRTY = "rollup_dirty"
STATE = "storage_state"
BUSY_WAITS = (0.5, 1, 2, 4, 8)  # seconds between tries while another refresh holds a window


@dataclasses.dataclass(frozen=True)
class Level:
    name: str
    width: dt.timedelta
    source: str  # raw table or the level below
    keys: tuple
    measures: str  # select list over the source, {} is the source's row
    raw: bool

    @property
    def interval(self):
        return f"{int(self.width.total_seconds())} seconds"


_RAW_MEASURES = """count(*) AS n, count(*) FILTER (WHERE valid) AS valid_n,
    sum(value) AS total, sum(value * value) AS total_sq,
    min(value) AS min_value, max(value) AS max_value"""
_ROLLED_MEASURES = """sum(n)::bigint AS n, sum(valid_n)::bigint AS valid_n,
    sum(total) AS total, sum(total_sq) AS total_sq,
    min(min_value) AS min_value, max(max_value) AS max_value"""
_MILK_MEASURES = """count(*) AS sessions, sum(yield_kg) AS yield_kg,
    min(yield_kg) AS min_yield_kg, max(yield_kg) AS max_yield_kg,
    max(conductivity) AS max_conductivity, max(mastitis_risk) AS max_mastitis_risk,
    count(*) FILTER (WHERE blood) AS blood_sessions"""

READING_LEVELS = (
    Level("reading_15m", dt.timedelta(minutes=15), "reading", READING_KEYS, _RAW_MEASURES, True),
    Level(
        "reading_1h", dt.timedelta(hours=1), "reading_15m", READING_KEYS, _ROLLED_MEASURES, False
    ),
    Level("reading_1d", dt.timedelta(days=1), "reading_1h", READING_KEYS, _ROLLED_MEASURES, False),
)
MILKING_LEVELS = (
    Level("milking_1d", dt.timedelta(days=1), "milking", MILKING_KEYS, _MILK_MEASURES, True),
)
LEVELS = READING_LEVELS + MILKING_LEVELS
RESOLUTIONS = {"15m": "reading_15m", "1h": "reading_1h", "1d": "reading_1d"}


def _select(level, hyper, window=False):
    """The level's SELECT over its source; with ``window``, only buckets in a list."""
    column = "time" if level.raw else "bucket"
    if hyper:
        bucket = sql.SQL("time_bucket({}::interval, {})").format(
            sql.Literal(level.interval), sql.Identifier(column)
        )
    else:
        bucket = sql.SQL("date_bin({}::interval, {}, {})").format(
            sql.Literal(level.interval), sql.Identifier(column), sql.Literal(ORIGIN)
        )
    keys = sql.SQL(", ").join(map(sql.Identifier, level.keys))
    where = sql.SQL("")
    if window:
        where = sql.SQL(
            "WHERE {col} >= %(low)s AND {col} < %(high)s "
            "AND {bucket} = ANY(%(buckets)s::timestamptz[])"
        ).format(col=sql.Identifier(column), bucket=bucket)
    return sql.SQL(
        "SELECT {bucket} AS bucket, {keys}, {measures} FROM {source} {where} "
        "GROUP BY {bucket}, {keys}"
    ).format(
        bucket=bucket,
        keys=keys,
        measures=sql.SQL(level.measures),
        source=sql.Identifier(SCHEMA, level.source),
        where=where,
    )


def ensure(cursor, hyper):
    """Create the aggregates (continuous or plain tables) if missing; idempotent."""
    cur = db.raw_cursor(cursor)
    cur.execute(
        sql.SQL(
            """CREATE TABLE IF NOT EXISTS {} (source text NOT NULL, bucket timestamptz NOT NULL,
                   PRIMARY KEY (source, bucket))"""
        ).format(sql.Identifier(SCHEMA, DIRTY))
    )
    cur.execute(
        sql.SQL("CREATE TABLE IF NOT EXISTS {} (key text PRIMARY KEY, value jsonb)").format(
            sql.Identifier(SCHEMA, STATE)
        )
    )
    for level in LEVELS:
        target = sql.Identifier(SCHEMA, level.name)
        if hyper:
            cur.execute(
                sql.SQL(
                    """CREATE MATERIALIZED VIEW IF NOT EXISTS {} WITH (timescaledb.continuous,
                       timescaledb.materialized_only = true) AS {} WITH NO DATA"""
                ).format(target, _select(level, hyper))
            )
        else:
            cur.execute(
                sql.SQL("CREATE TABLE IF NOT EXISTS {} AS {} WITH NO DATA").format(
                    target, _select(level, hyper)
                )
            )
            for column in dict.fromkeys((level.keys[0], "farm_id")):
                db.ensure_index(
                    cur,
                    level.name,
                    [column, "bucket"],
                    name=f"{level.name}_{column}_bucket_idx",
                    schema=SCHEMA,
                )
            db.ensure_index(
                cur, level.name, ["bucket"], name=f"{level.name}_bucket_idx", schema=SCHEMA
            )


def mark_dirty(cursor, source, stage):
    """Record the first-level buckets a staged batch touches (plain backend only)."""
    level = next(lv for lv in LEVELS if lv.source == source)
    db.raw_cursor(cursor).execute(
        sql.SQL(
            """INSERT INTO {dirty} (source, bucket)
               SELECT DISTINCT %s, date_bin({w}::interval, time, %s) FROM {stage}
               ON CONFLICT DO NOTHING"""
        ).format(
            dirty=sql.Identifier(SCHEMA, DIRTY),
            w=sql.Literal(level.interval),
            stage=sql.Identifier(stage),
        ),
        [level.name, ORIGIN],
    )


def invalidate(cursor, source, start, end):
    """Mark ``[start, end)`` of a raw table changed after a bulk load that bypassed the
    intake (plain backend; TimescaleDB tracks every write itself)."""
    level = next(lv for lv in LEVELS if lv.source == source)
    db.raw_cursor(cursor).execute(
        sql.SQL(
            """INSERT INTO {} (source, bucket)
               SELECT %s, b FROM generate_series(
                   date_bin({w}::interval, %s::timestamptz, %s),
                   %s::timestamptz - interval '1 microsecond', {w}::interval) b
               ON CONFLICT DO NOTHING"""
        ).format(sql.Identifier(SCHEMA, DIRTY), w=sql.Literal(level.interval)),
        [level.name, start, ORIGIN, end],
    )


def _floor(when, width):
    return ORIGIN + ((when - ORIGIN) // width) * width


def _refresh_plain(cur, level, end):
    """Recompute the dirty buckets of ``level`` that end by ``end``; mark the next level."""
    cur.execute(
        sql.SQL(
            "DELETE FROM {} WHERE source = %s AND bucket + %s::interval <= %s RETURNING bucket"
        ).format(sql.Identifier(SCHEMA, DIRTY)),
        [level.name, level.interval, end],
    )
    buckets = sorted(row[0] for row in cur.fetchall())
    if buckets:
        target = sql.Identifier(SCHEMA, level.name)
        cur.execute(
            sql.SQL("DELETE FROM {} WHERE bucket = ANY(%(buckets)s::timestamptz[])").format(target),
            {"buckets": buckets},
        )
        cur.execute(
            sql.SQL("INSERT INTO {} {}").format(target, _select(level, False, window=True)),
            {"buckets": buckets, "low": buckets[0], "high": buckets[-1] + level.width},
        )
        upper = next((lv for lv in LEVELS if lv.source == level.name), None)
        if upper is not None:
            cur.execute(
                sql.SQL(
                    """INSERT INTO {} (source, bucket) SELECT DISTINCT %s, b FROM
                       unnest(%s::timestamptz[]) b ON CONFLICT DO NOTHING"""
                ).format(sql.Identifier(SCHEMA, DIRTY)),
                [upper.name, sorted({_floor(b, upper.width) for b in buckets})],
            )
    set_watermark(cur, level.name, _floor(end, level.width))
    return len(buckets)


def set_watermark(cursor, name, when):
    db.raw_cursor(cursor).execute(
        sql.SQL(
            """INSERT INTO {} (key, value) VALUES (%s, to_jsonb(%s::timestamptz))
               ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value"""
        ).format(sql.Identifier(SCHEMA, STATE)),
        [f"watermark:{name}", when],
    )


def watermarks(cursor, hyper):
    """The time up to which each aggregate is materialised (None: never refreshed).

    The end of the last refresh this engine ran, or with TimescaleDB the end
    of the newest materialised bucket if its own jobs got further.
    """
    cur = db.raw_cursor(cursor)
    cur.execute(
        sql.SQL(
            "SELECT substr(key, 11), (value #>> '{{}}')::timestamptz FROM {} "
            "WHERE key LIKE 'watermark:%%'"
        ).format(sql.Identifier(SCHEMA, STATE))
    )
    found = dict(cur.fetchall())
    if hyper:
        cur.execute(
            """SELECT user_view_name, CASE WHEN w > -210866803200000000 THEN
                      _timescaledb_functions.to_timestamp(w) END
                 FROM (SELECT user_view_name,
                              _timescaledb_functions.cagg_watermark(mat_hypertable_id) AS w
                         FROM _timescaledb_catalog.continuous_agg
                        WHERE user_view_schema = %s) s""",
            [SCHEMA],
        )
        for name, mark in cur.fetchall():
            if mark is not None and (found.get(name) is None or mark > found[name]):
                found[name] = mark
    return {level.name: found.get(level.name) for level in LEVELS}


def _refresh_continuous(cur, name, start, end):
    for wait in (*BUSY_WAITS, None):
        try:
            cur.execute(
                "CALL refresh_continuous_aggregate(%s, %s, %s)", [f"{SCHEMA}.{name}", start, end]
            )
            return
        except psycopg2.errors.LockNotAvailable:
            if wait is None:
                raise
            time.sleep(wait)


def refresh(conn, hyper, end, start=None, progress=None):
    """Bring every aggregate up to ``end`` (buckets ending by then); lower levels first.

    TimescaleDB: ``refresh_continuous_aggregate`` over ``[start, end)`` (needs an
    autocommit connection; ``start`` None means from the beginning, and only
    invalidated ranges are recomputed); while TimescaleDB's own policy job
    refreshes an overlapping window, waits for it and tries again. Plain: the
    dirty buckets, under an advisory lock so two runs never overlap. Both are safe to repeat, and
    TimescaleDB's own jobs may run before or after. Returns buckets recomputed
    per aggregate (-1 where TimescaleDB does not say).
    """
    done = {}
    if hyper:
        if not conn.autocommit:
            raise ValueError("refreshing continuous aggregates needs an autocommit connection")
        with conn.cursor() as cur:
            for index, level in enumerate(LEVELS):
                _refresh_continuous(cur, level.name, start, end)
                set_watermark(cur, level.name, _floor(end, level.width))
                done[level.name] = -1
                if progress:
                    progress(index + 1, len(LEVELS))
        return done
    with conn.cursor() as cur, db.advisory_lock(cur, f"{SCHEMA} rollups", wait=True):
        for index, level in enumerate(LEVELS):
            done[level.name] = _refresh_plain(cur, level, end)
            if not conn.autocommit:
                conn.commit()
            if progress:
                progress(index + 1, len(LEVELS))
    return done
