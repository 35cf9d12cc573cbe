"""Storage of raw sensor readings: a TimescaleDB hypertable, or a plain table.

The schema ``smart_dairy_ts`` holds one narrow table ``reading`` (time,
device_id, metric, value, company_id). When the server offers the
``timescaledb`` extension the table is a hypertable cut in one-day chunks;
otherwise it is an ordinary table with a (device_id, time) index, so every
query written against it works either way.
"""

import psycopg2
from psycopg2 import sql
from smart_dairy import db

SCHEMA = "smart_dairy_ts"
TABLE = "reading"
COLUMNS = ("time", "device_id", "metric", "value", "company_id")
CHUNK_INTERVAL = "1 day"
EXTENSION = "timescaledb"


def timescaledb_enabled(conn):
    """Whether the TimescaleDB extension can be used in this database.

    Creates the extension when the server offers and preloads it and it is not created
    yet; a role that may not create it gets False, and its transaction stays usable.
    """
    with conn.cursor() as cur:
        if db.extension_installed(cur, EXTENSION):
            return True
        if not db.extension_available(cur, EXTENSION) or not db.library_preloaded(cur, EXTENSION):
            return False
        create = sql.SQL("CREATE EXTENSION IF NOT EXISTS {}").format(sql.Identifier(EXTENSION))
        if conn.autocommit:
            try:
                cur.execute(create)
            except psycopg2.Error:
                return False
            return True
        cur.execute("SAVEPOINT smart_dairy_ts_extension")
        try:
            cur.execute(create)
        except psycopg2.Error:
            cur.execute("ROLLBACK TO SAVEPOINT smart_dairy_ts_extension")
            return False
        cur.execute("RELEASE SAVEPOINT smart_dairy_ts_extension")
    return True


def is_hypertable(conn, schema=SCHEMA, table=TABLE):
    """Whether ``schema.table`` is a TimescaleDB hypertable."""
    with conn.cursor() as cur:
        if not db.extension_installed(cur, EXTENSION):
            return False
        cur.execute(
            """SELECT 1 FROM timescaledb_information.hypertables
                WHERE hypertable_schema = %s AND hypertable_name = %s""",
            [schema, table],
        )
        return cur.fetchone() is not None


def ensure_readings_schema(conn, plain=False):
    """Create the readings schema, table and indexes if missing; idempotent.

    Returns ``"hypertable"`` or ``"plain"``: the kind of table in place. With
    ``plain`` the TimescaleDB extension is neither created nor used, which is
    also what happens when the server does not offer it. A plain table made
    earlier becomes a hypertable (rows migrated) once TimescaleDB is usable.
    The caller commits.
    """
    hyper = not plain and timescaledb_enabled(conn)
    target = sql.Identifier(SCHEMA, TABLE)
    with conn.cursor() as cur:
        db.ensure_schema(cur, SCHEMA)
        cur.execute(
            sql.SQL(
                """CREATE TABLE IF NOT EXISTS {} (
                       time timestamptz NOT NULL,
                       device_id integer NOT NULL,
                       metric text NOT NULL,
                       value double precision NOT NULL,
                       company_id integer NOT NULL
                   )"""
            ).format(target)
        )
        if hyper and not is_hypertable(conn):
            cur.execute(
                """SELECT create_hypertable(%s::regclass, by_range('time', %s::interval),
                                            if_not_exists => TRUE, migrate_data => TRUE)""",
                [target.as_string(cur), CHUNK_INTERVAL],
            )
        db.ensure_index(
            cur, TABLE, ["device_id", "time"], name=f"{TABLE}_device_id_time_idx", schema=SCHEMA
        )
    return "hypertable" if is_hypertable(conn) else "plain"
