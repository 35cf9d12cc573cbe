"""Figures for the Settings page and the IoT Operations dashboard."""

import datetime as dt

from psycopg2 import sql
from smart_dairy import db, timeseries

from . import aggregates, quarantine, storage

SCHEMA = timeseries.SCHEMA
_HOUR = dt.timedelta(hours=1)
_DAY = dt.timedelta(days=1)


def _plain_table(cur, table):
    cur.execute(
        """SELECT count(*), coalesce(sum(pg_total_relation_size(i.inhrelid)), 0)
             FROM pg_inherits i WHERE i.inhparent = %s::regclass""",
        [f"{SCHEMA}.{table}"],
    )
    parts, size = cur.fetchone()
    return {"chunks": parts, "bytes": int(size), "compressed_chunks": 0, "compression_ratio": None}


def _hypertable(cur, relation):
    cur.execute(
        """SELECT count(*), count(*) FILTER (WHERE is_compressed)
             FROM timescaledb_information.chunks
            WHERE hypertable_schema = %s AND hypertable_name = %s""",
        relation,
    )
    chunks, compressed = cur.fetchone()
    cur.execute("SELECT hypertable_size(%s::regclass)", [".".join(relation)])
    size = cur.fetchone()[0] or 0
    cur.execute(
        """SELECT sum(before_compression_total_bytes), sum(after_compression_total_bytes)
             FROM hypertable_columnstore_stats(%s::regclass)""",
        [".".join(relation)],
    )
    before, after = cur.fetchone()
    ratio = float(before) / float(after) if before and after else None
    return {
        "chunks": chunks,
        "bytes": int(size),
        "compressed_chunks": compressed,
        "compression_ratio": ratio,
    }


def storage_stats(cursor, now):
    """Backend, per relation chunk (or partition) count, size and compression, aggregate lag."""
    cur = db.raw_cursor(cursor)
    backend = storage.backend(cur.connection)
    hyper = backend == "timescaledb"
    relations = {}
    for table in (timeseries.TABLE, timeseries.MILKING):
        relations[table] = _hypertable(cur, (SCHEMA, table)) if hyper else _plain_table(cur, table)
    if hyper:
        cur.execute(
            """SELECT view_name, materialization_hypertable_schema,
                      materialization_hypertable_name
                 FROM timescaledb_information.continuous_aggregates WHERE view_schema = %s""",
            [SCHEMA],
        )
        for view, schema, table in cur.fetchall():
            relations[view] = _hypertable(cur, (schema, table))
    else:
        for level in aggregates.LEVELS:
            cur.execute("SELECT pg_total_relation_size(%s::regclass)", [f"{SCHEMA}.{level.name}"])
            relations[level.name] = {
                "chunks": 0,
                "bytes": int(cur.fetchone()[0]),
                "compressed_chunks": 0,
                "compression_ratio": None,
            }
    marks = aggregates.watermarks(cur, hyper)
    lag = {name: (now - mark if mark else None) for name, mark in marks.items()}
    return {"backend": backend, "relations": relations, "aggregate_lag": lag}


def ingestion_stats(cursor, now, company_ids=None, senders=None):
    """Readings stored for the last hour and day, rejected share, active devices, lag.

    ``company_ids`` limits the readings to those companies and ``senders`` the
    rejected rows to those device identifiers (None: all of them).
    """
    cur = db.raw_cursor(cursor)
    scope = (
        sql.SQL("AND company_id = ANY(%(companies)s)") if company_ids is not None else sql.SQL("")
    )
    cur.execute(
        sql.SQL(
            """SELECT count(*) FILTER (WHERE time >= %(hour)s), count(*),
                      count(DISTINCT device_id) FILTER (WHERE time >= %(hour)s)
                 FROM {} WHERE time >= %(day)s AND time <= %(now)s {}"""
        ).format(sql.Identifier(SCHEMA, timeseries.TABLE), scope),
        {"hour": now - _HOUR, "day": now - _DAY, "now": now, "companies": list(company_ids or ())},
    )
    last_hour, last_day, active = cur.fetchone()
    scope = sql.SQL("AND sender = ANY(%(senders)s)") if senders is not None else sql.SQL("")
    cur.execute(
        sql.SQL(
            "SELECT count(*) FROM {} WHERE received_at >= %(day)s AND received_at <= %(now)s {}"
        ).format(sql.Identifier(SCHEMA, quarantine.TABLE), scope),
        {"day": now - _DAY, "now": now, "senders": list(senders or ())},
    )
    rejected = cur.fetchone()[0]
    hyper = storage.backend(cur.connection) == "timescaledb"
    marks = aggregates.watermarks(cur, hyper)
    return {
        "readings_last_hour": last_hour,
        "readings_last_day": last_day,
        "rejected_last_day": rejected,
        "rejected_share": rejected / (rejected + last_day) if rejected + last_day else 0.0,
        "active_devices": active,
        "aggregate_lag": {n: (now - m if m else None) for n, m in marks.items()},
    }
