"""The sensor store as a whole, idempotently: tables, quarantine, aggregates, policies.

:func:`ensure_storage` is safe to call on every start and after every change
of :class:`StorageSettings`; it returns the backend in place, ``"timescaledb"``
or ``"plain"`` (daily partitions and rollup tables).
"""

import dataclasses
import datetime as dt
import json

from psycopg2 import sql
from smart_dairy import db, timeseries

from . import aggregates, events, registry_store

SCHEMA = timeseries.SCHEMA
QUARANTINE = "quarantine"
MIN_DAILY_RETENTION = dt.timedelta(days=730)


@dataclasses.dataclass(frozen=True)
class StorageSettings:
    """Compression and retention; ``None`` keeps a level forever."""

    compress_after: dt.timedelta = dt.timedelta(days=7)
    raw_retention: dt.timedelta = dt.timedelta(days=90)
    retention_15m: dt.timedelta | None = dt.timedelta(days=180)
    retention_1h: dt.timedelta | None = dt.timedelta(days=365)
    retention_1d: dt.timedelta | None = dt.timedelta(days=730)
    background_jobs: bool = True
    refresh_every: dt.timedelta = dt.timedelta(minutes=15)

    def __post_init__(self):
        if self.retention_1d is not None and self.retention_1d < MIN_DAILY_RETENTION:
            raise ValueError("daily aggregates are kept at least two years")
        previous = dt.timedelta(0)
        for keep in (self.raw_retention, self.retention_15m, self.retention_1h, self.retention_1d):
            if keep is not None and (previous is None or keep < previous):
                raise ValueError("each level must be kept at least as long as the level below")
            previous = keep

    def retention(self):
        """Retention per relation: raw tables, then each aggregate."""
        return {
            timeseries.TABLE: self.raw_retention,
            timeseries.MILKING: self.raw_retention,
            "reading_15m": self.retention_15m,
            "reading_1h": self.retention_1h,
            "reading_1d": self.retention_1d,
            "milking_1d": self.retention_1d,
        }

    def signature(self):
        return json.dumps({k: str(v) for k, v in dataclasses.asdict(self).items()})


DEFAULT_SETTINGS = StorageSettings()


def backend(conn):
    """``"timescaledb"`` when the readings table is a hypertable, else ``"plain"``."""
    return "timescaledb" if timeseries.is_hypertable(conn) else "plain"


def _ensure_quarantine(cur):
    cur.execute(
        sql.SQL(
            """CREATE TABLE IF NOT EXISTS {} (
                   id bigserial PRIMARY KEY,
                   received_at timestamptz NOT NULL DEFAULT now(),
                   kind text NOT NULL,
                   source text NOT NULL,
                   sender text,
                   row_index integer,
                   payload jsonb,
                   reason text NOT NULL,
                   replayed_at timestamptz,
                   outcome text
               )"""
        ).format(sql.Identifier(SCHEMA, QUARANTINE))
    )
    db.ensure_index(cur, QUARANTINE, ["received_at"], schema=SCHEMA)
    db.ensure_index(cur, QUARANTINE, ["replayed_at", "id"], schema=SCHEMA)


def _ensure_columnstore(cur, table):
    cur.execute(
        """SELECT compression_enabled FROM timescaledb_information.hypertables
            WHERE hypertable_schema = %s AND hypertable_name = %s""",
        [SCHEMA, table],
    )
    if cur.fetchone()[0]:
        return
    order = "metric, time DESC" if table == timeseries.TABLE else "time DESC"
    cur.execute(
        sql.SQL(
            """ALTER TABLE {} SET (timescaledb.enable_columnstore = true,
                   timescaledb.segmentby = 'device_id', timescaledb.orderby = {})"""
        ).format(sql.Identifier(SCHEMA, table), sql.Literal(order))
    )


def _remove_policies(cur):
    for table in (timeseries.TABLE, timeseries.MILKING):
        relation = f"{SCHEMA}.{table}"
        cur.execute("CALL remove_columnstore_policy(%s, if_exists => true)", [relation])
    for relation in StorageSettings().retention():
        cur.execute(
            "SELECT remove_retention_policy(%s, if_exists => true)", [f"{SCHEMA}.{relation}"]
        )
    for level in aggregates.LEVELS:
        cur.execute(
            "SELECT remove_continuous_aggregate_policy(%s, if_exists => true)",
            [f"{SCHEMA}.{level.name}"],
        )


def _add_policies(cur, settings):
    for table in (timeseries.TABLE, timeseries.MILKING):
        cur.execute(
            "CALL add_columnstore_policy(%s, after => %s, if_not_exists => true)",
            [f"{SCHEMA}.{table}", settings.compress_after],
        )
    for relation, keep in settings.retention().items():
        if keep is not None:
            cur.execute(
                "SELECT add_retention_policy(%s, drop_after => %s, if_not_exists => true)",
                [f"{SCHEMA}.{relation}", keep],
            )
    for level in aggregates.LEVELS:
        cur.execute(
            """SELECT add_continuous_aggregate_policy(%s, start_offset => %s,
                   end_offset => %s, schedule_interval => %s, if_not_exists => true)""",
            [
                f"{SCHEMA}.{level.name}",
                settings.raw_retention,
                level.width,
                settings.refresh_every,
            ],
        )


def ensure_storage(conn, settings=DEFAULT_SETTINGS, plain=False):
    """Create or update the whole store; idempotent. Returns the backend.

    TimescaleDB policies (columnstore, retention, aggregate refresh) are added
    when ``settings.background_jobs``, and replaced when the settings changed;
    the maintenance functions do the same work from a session either way.
    ``settings`` None leaves the policies as they are (the MQTT subscriber's
    start). The caller commits.
    """
    kind = timeseries.ensure_readings_schema(conn, plain=plain)
    hyper = kind == "hypertable"
    with conn.cursor() as cur:
        _ensure_quarantine(cur)
        events.ensure(cur)
        registry_store.ensure(cur)
        aggregates.ensure(cur, hyper)
        if not hyper:
            return "plain"
        for table in (timeseries.TABLE, timeseries.MILKING):
            _ensure_columnstore(cur, table)
        if settings is None:
            return "timescaledb"
        cur.execute(
            sql.SQL("SELECT value #>> '{{}}' FROM {} WHERE key = 'settings'").format(
                sql.Identifier(SCHEMA, aggregates.STATE)
            )
        )
        row = cur.fetchone()
        wanted = settings.signature() if settings.background_jobs else None
        if row is None or row[0] != wanted:
            _remove_policies(cur)
            if settings.background_jobs:
                _add_policies(cur, settings)
            cur.execute(
                sql.SQL(
                    """INSERT INTO {} (key, value) VALUES ('settings', to_jsonb(%s::text))
                       ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value"""
                ).format(sql.Identifier(SCHEMA, aggregates.STATE)),
                [wanted],
            )
    return "timescaledb"
