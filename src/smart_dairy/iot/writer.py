"""Exactly-once bulk writes: COPY into a staging table, then one INSERT ... ON CONFLICT.

The staging table is a temporary table of the session (emptied at commit), so
the write happens in the caller's transaction: either every row of the batch
is in, or none. A row already stored (same device, metric and time; same
meter, session and start) is skipped, also when it sits in a compressed chunk.
"""

import functools

from psycopg2 import sql
from smart_dairy import db, timeseries

from . import aggregates
from .validation import MILKING_COLUMNS, READING_COLUMNS

SCHEMA = timeseries.SCHEMA
COLUMNS = {timeseries.TABLE: READING_COLUMNS, timeseries.MILKING: MILKING_COLUMNS}


NULL = r"\N"


@functools.lru_cache(maxsize=4096)
def _text(value):
    """A COPY text field (metrics and device types repeat: rendered once each)."""
    return next(db.copy_lines([(value,)]))[:-1]


def _reading_lines(rows):
    """COPY text of validated reading tuples, faster than the generic renderer: the
    validator has fixed every type (times aware, values finite, ids integers)."""
    for t, device, metric, value, company, farm, kind, animal, valid in rows:
        yield (
            f"{t.isoformat()}\t{device}\t{_text(metric)}\t{value!r}\t{company}\t"
            f"{NULL if farm is None else farm}\t{_text(kind)}\t"
            f"{NULL if animal is None else animal}\t{'t' if valid else 'f'}\n"
        )


def _stage_name(table):
    return f"smart_dairy_{table}_stage"


def _stage(cur, table):
    stage = _stage_name(table)
    cur.execute(
        sql.SQL(
            """CREATE TEMP TABLE IF NOT EXISTS {} (LIKE {} INCLUDING DEFAULTS)
               ON COMMIT DELETE ROWS"""
        ).format(sql.Identifier(stage), sql.Identifier(SCHEMA, table))
    )
    cur.execute(sql.SQL("TRUNCATE {}").format(sql.Identifier(stage)))
    return stage


def write(cursor, table, rows, plain):
    """Store ``rows`` (tuples in the table's column order) once; return how many were new.

    ``plain``: the plain backend, whose daily partitions are made on demand and
    whose rollups learn which buckets changed. The caller commits.
    """
    if not rows:
        return 0
    cur = db.raw_cursor(cursor)
    columns = COLUMNS[table]
    stage = _stage(cur, table)
    if table == timeseries.TABLE:
        db.copy_text(cur, stage, columns, _reading_lines(rows))
    else:
        db.copy_rows(cur, stage, columns, rows)
    if plain:
        cur.execute(
            sql.SQL("SELECT DISTINCT date_trunc('day', time, 'UTC') FROM {}").format(
                sql.Identifier(stage)
            )
        )
        timeseries.ensure_partitions(cur, table, [row[0] for row in cur.fetchall()])
        aggregates.mark_dirty(cur, table, stage)
    names = sql.SQL(", ").join(map(sql.Identifier, columns))
    cur.execute(
        sql.SQL(
            "INSERT INTO {target} ({names}) SELECT {names} FROM {stage} "
            "ON CONFLICT ({unique}) DO NOTHING"
        ).format(
            target=sql.Identifier(SCHEMA, table),
            names=names,
            stage=sql.Identifier(stage),
            unique=sql.SQL(", ").join(map(sql.Identifier, timeseries.TABLES[table]["unique"])),
        )
    )
    return cur.rowcount


def copy_raw(cursor, rows, plain):
    """COPY reading tuples straight into the table: the ceiling the staged path is measured
    against (no dedup, benchmarks only)."""
    cur = db.raw_cursor(cursor)
    if plain:
        timeseries.ensure_partitions(cur, timeseries.TABLE, {row[0] for row in rows})
    db.copy_text(cur, timeseries.TABLE, READING_COLUMNS, _reading_lines(rows), schema=SCHEMA)
    return len(rows)


def previous_values(cursor, keys, lookback="1 day"):
    """The newest stored (time, value) before a time, per (device_id, metric, before)."""
    if not keys:
        return {}
    cur = db.raw_cursor(cursor)
    devices, metrics, befores = zip(*keys, strict=True)
    cur.execute(
        sql.SQL(
            """SELECT k.device_id, k.metric, r.time, r.value
                 FROM unnest(%s::integer[], %s::text[], %s::timestamptz[])
                      AS k(device_id, metric, before)
                 CROSS JOIN LATERAL (
                      SELECT time, value FROM {} r
                       WHERE r.device_id = k.device_id AND r.metric = k.metric
                         AND r.time < k.before AND r.time >= k.before - %s::interval
                       ORDER BY r.time DESC LIMIT 1) r"""
        ).format(sql.Identifier(SCHEMA, timeseries.TABLE)),
        [list(devices), list(metrics), list(befores), lookback],
    )
    return {(d, m): (t, v) for d, m, t, v in cur.fetchall()}
