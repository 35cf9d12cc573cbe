"""Maintenance from a scheduled job: refresh aggregates, compress, apply retention.

Each step is idempotent and safe whichever runs first, this job or
TimescaleDB's own background policies: a refresh only recomputes invalidated
ranges, compression skips compressed chunks, retention drops what is past its
age. Give an autocommit connection (continuous aggregates are refreshed
outside a transaction); each step commits its own work.
"""

import dataclasses
import datetime as dt

from psycopg2 import sql
from smart_dairy import db, timeseries

from . import aggregates, storage

SCHEMA = timeseries.SCHEMA
RAW_TABLES = (timeseries.TABLE, timeseries.MILKING)


@dataclasses.dataclass
class MaintenanceReport:
    refreshed: dict  # aggregate -> buckets recomputed (-1: TimescaleDB does not say)
    compressed: int  # chunks compressed
    dropped: dict  # relation -> chunks or partitions dropped (rollup rows for plain rollups)


def compress(conn, settings, now, progress=None):
    """Compress raw chunks older than ``settings.compress_after``; return how many."""
    if storage.backend(conn) != "timescaledb":
        return 0
    with conn.cursor() as cur:
        cur.execute(
            """SELECT format('%%I.%%I', i.chunk_schema, i.chunk_name)
                 FROM timescaledb_information.chunks i
                 JOIN _timescaledb_catalog.chunk c
                      ON c.schema_name = i.chunk_schema AND c.table_name = i.chunk_name
                WHERE i.hypertable_schema = %s AND i.hypertable_name = ANY(%s)
                  AND (NOT i.is_compressed OR (c.status & 8) = 8)
                  AND i.range_end <= %s
                ORDER BY i.range_end""",
            [SCHEMA, list(RAW_TABLES), now - settings.compress_after],
        )
        chunks = [row[0] for row in cur.fetchall()]
    for index, chunk in enumerate(chunks):
        with conn.cursor() as cur:
            cur.execute("SELECT compress_chunk(%s::regclass, if_not_compressed => true)", [chunk])
        if not conn.autocommit:
            conn.commit()
        if progress:
            progress(index + 1, len(chunks))
    return len(chunks)


def _drop_partitions(cur, table, cutoff):
    cur.execute(
        """SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
            WHERE i.inhparent = %s::regclass ORDER BY 1""",
        [f"{SCHEMA}.{table}"],
    )
    dropped = 0
    for (name,) in cur.fetchall():
        day = dt.datetime.strptime(name.rsplit("_p", 1)[1], "%Y%m%d").replace(
            tzinfo=dt.timezone.utc
        )
        if day + dt.timedelta(days=1) <= cutoff:
            cur.execute(sql.SQL("DROP TABLE {}").format(sql.Identifier(SCHEMA, name)))
            dropped += 1
    return dropped


def apply_retention(conn, settings, now):
    """Drop raw chunks or partitions and aggregate rows past their retention."""
    hyper = storage.backend(conn) == "timescaledb"
    dropped = {}
    for relation, keep in settings.retention().items():
        if keep is None:
            continue
        cutoff = now - keep
        with conn.cursor() as cur:
            if hyper:
                cur.execute(
                    "SELECT count(*) FROM drop_chunks(%s, older_than => %s)",
                    [f"{SCHEMA}.{relation}", cutoff],
                )
                dropped[relation] = cur.fetchone()[0]
            elif relation in RAW_TABLES:
                dropped[relation] = _drop_partitions(cur, relation, cutoff)
            else:
                cur.execute(
                    sql.SQL("DELETE FROM {} WHERE bucket < %s").format(
                        sql.Identifier(SCHEMA, relation)
                    ),
                    [cutoff],
                )
                dropped[relation] = cur.rowcount
        if not conn.autocommit:
            conn.commit()
    return dropped


def run(conn, settings, now, progress=None):
    """Refresh, compress and apply retention; return a :class:`MaintenanceReport`.

    ``progress(step, done, total)`` is called as work advances (an ir.cron
    hands it to ``_commit_progress``). Runs of this job never overlap.
    """
    hyper = storage.backend(conn) == "timescaledb"
    with conn.cursor() as cur, db.advisory_lock(cur, f"{SCHEMA} maintenance") as acquired:
        if not acquired:
            return MaintenanceReport({}, 0, {})
        refreshed = aggregates.refresh(
            conn,
            hyper,
            now,
            start=now - settings.raw_retention,
            progress=progress and (lambda d, t: progress("refresh", d, t)),
        )
        compressed = compress(
            conn, settings, now, progress=progress and (lambda d, t: progress("compress", d, t))
        )
        dropped = apply_retention(conn, settings, now)
        if progress:
            progress("retention", 1, 1)
    return MaintenanceReport(refreshed, compressed, dropped)
