"""Storage of raw sensor data: TimescaleDB hypertables, or daily range partitions.

The schema ``smart_dairy_ts`` holds two time tables: ``reading`` (one value of
one metric of one device at a time) and ``milking`` (one milk-meter session).
When the server offers the ``timescaledb`` extension they are hypertables cut
in one-day chunks; otherwise they are tables partitioned by day (partitions
made on demand by :func:`ensure_partitions`). Either way the same unique
indexes make a resent row a no-op, and every query works on both.
"""

import datetime as dt

import psycopg2
from psycopg2 import sql
from smart_dairy import db

SCHEMA = "smart_dairy_ts"
TABLE = "reading"
MILKING = "milking"
# the columns the scale generator fills; the others are nullable or defaulted
COLUMNS = ("time", "device_id", "metric", "value", "company_id")
CHUNK_INTERVAL = "1 day"
EXTENSION = "timescaledb"
UTC = dt.timezone.utc

TABLES = {
    TABLE: {
        "columns": """time timestamptz NOT NULL,
                      device_id integer NOT NULL,
                      metric text NOT NULL,
                      value double precision NOT NULL,
                      company_id integer NOT NULL,
                      farm_id integer,
                      device_type text,
                      animal_id integer,
                      valid boolean NOT NULL DEFAULT true""",
        "added": (
            ("farm_id", "integer"),
            ("device_type", "text"),
            ("animal_id", "integer"),
            ("valid", "boolean NOT NULL DEFAULT true"),
        ),
        "unique": ("device_id", "metric", "time"),
        # carried by the unique index: a device's raw range reads the index alone
        "covered": ("value", "valid"),
        "indexes": (
            ("device_id", "time"),
            ("farm_id", "device_type", "time"),
            ("animal_id", "metric", "time"),
        ),
    },
    MILKING: {
        "columns": """time timestamptz NOT NULL,
                      end_time timestamptz,
                      device_id integer NOT NULL,
                      session_id text NOT NULL,
                      company_id integer NOT NULL,
                      farm_id integer NOT NULL,
                      animal_id integer NOT NULL,
                      yield_kg double precision NOT NULL,
                      duration_s double precision,
                      flow_rate double precision,
                      conductivity double precision,
                      temperature double precision,
                      blood boolean,
                      fat double precision,
                      protein double precision,
                      lactose double precision,
                      scc double precision,
                      mastitis_risk double precision""",
        "added": (),
        "unique": ("device_id", "session_id", "time"),
        "indexes": (("animal_id", "time"), ("farm_id", "time")),
    },
}


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


def _relkind(cur, table):
    cur.execute(
        """SELECT c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = %s AND c.relname = %s""",
        [SCHEMA, table],
    )
    row = cur.fetchone()
    return row and row[0]


def _create(cur, table, hyper):
    spec = TABLES[table]
    target = sql.Identifier(SCHEMA, table)
    cur.execute(
        sql.SQL("CREATE TABLE {} ({}) {}").format(
            target,
            sql.SQL(spec["columns"]),
            sql.SQL("" if hyper else "PARTITION BY RANGE (time)"),
        )
    )
    if hyper:
        cur.execute(
            """SELECT create_hypertable(%s::regclass, by_range('time', %s::interval),
                                        create_default_indexes => FALSE)""",
            [target.as_string(cur), CHUNK_INTERVAL],
        )


def _ensure_table(conn, table, hyper):
    """Create ``table`` as a hypertable or a partitioned table, migrating another layout."""
    target = sql.Identifier(SCHEMA, table)
    with conn.cursor() as cur:
        kind = _relkind(cur, table)
        current = None
        if kind == "p":
            current = "plain"
        elif kind == "r":
            current = "hypertable" if is_hypertable(conn, SCHEMA, table) else "legacy"
        wanted = "hypertable" if hyper else "plain"
        if current == wanted:
            for column, definition in TABLES[table]["added"]:
                cur.execute(
                    sql.SQL("ALTER TABLE {} ADD COLUMN IF NOT EXISTS {} {}").format(
                        target, sql.Identifier(column), sql.SQL(definition)
                    )
                )
            return
        if current is None:
            _create(cur, table, hyper)
            return
        # another layout holds rows already: move them into the wanted one
        old = sql.Identifier(SCHEMA, f"{table}_migrating")
        cur.execute(
            sql.SQL("ALTER TABLE {} RENAME TO {}").format(target, sql.Identifier(old.strings[1]))
        )
        cur.execute(
            """SELECT indexname FROM pg_indexes WHERE schemaname = %s AND tablename = %s""",
            [SCHEMA, f"{table}_migrating"],
        )
        for (index,) in cur.fetchall():
            cur.execute(sql.SQL("DROP INDEX IF EXISTS {}").format(sql.Identifier(SCHEMA, index)))
        _create(cur, table, hyper)
        cur.execute(sql.SQL("SELECT DISTINCT date_trunc('day', time, 'UTC') FROM {}").format(old))
        days = [row[0] for row in cur.fetchall()]
        if not hyper:
            ensure_partitions(cur, table, days)
        cur.execute(
            """SELECT string_agg(quote_ident(column_name), ', ') FROM information_schema.columns
                WHERE table_schema = %s AND table_name = %s""",
            [SCHEMA, f"{table}_migrating"],
        )
        columns = sql.SQL(cur.fetchone()[0])
        cur.execute(
            sql.SQL("INSERT INTO {} ({}) SELECT {} FROM {}").format(target, columns, columns, old)
        )
        cur.execute(sql.SQL("DROP TABLE {}").format(old))


def partition_name(table, day):
    return f"{table}_p{day:%Y%m%d}"


def ensure_partitions(cursor, table, days):
    """Create the daily partitions of ``table`` for ``days`` (UTC dates or datetimes).

    Returns how many were created. Serialised by a transaction-level advisory
    lock, so concurrent writers do not race on the same day.
    """
    cur = db.raw_cursor(cursor)
    wanted = {(d.astimezone(UTC).date() if isinstance(d, dt.datetime) else d) for d in days}
    if not wanted:
        return 0
    cur.execute(
        """SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
            WHERE i.inhparent = %s::regclass""",
        [f"{SCHEMA}.{table}"],
    )
    existing = {row[0] for row in cur.fetchall()}
    missing = sorted(d for d in wanted if partition_name(table, d) not in existing)
    if not missing:
        return 0
    cur.execute("SELECT pg_advisory_xact_lock(%s)", [db.lock_key(f"{SCHEMA}.{table} partitions")])
    for day in missing:
        low = dt.datetime.combine(day, dt.time(), UTC)
        cur.execute(
            sql.SQL(
                "CREATE TABLE IF NOT EXISTS {} PARTITION OF {} FOR VALUES FROM (%s) TO (%s)"
            ).format(
                sql.Identifier(SCHEMA, partition_name(table, day)), sql.Identifier(SCHEMA, table)
            ),
            [low, low + dt.timedelta(days=1)],
        )
    return len(missing)


def _ensure_indexes(cur, table):
    spec = TABLES[table]
    unique, covered = spec["unique"], spec.get("covered", ())
    name = f"{table}_{'_'.join(unique)}_key"
    if covered:  # the covering unique index replaces the plain one of earlier versions
        legacy, name = name, f"{table}_{'_'.join(unique)}_cover_key"
    db.ensure_index(
        cur, table, list(unique), name=name, schema=SCHEMA, unique=True, include=covered
    )
    if covered:
        cur.execute(sql.SQL("DROP INDEX IF EXISTS {}").format(sql.Identifier(SCHEMA, legacy)))
    for columns in spec["indexes"]:
        db.ensure_index(
            cur, table, list(columns), name=f"{table}_{'_'.join(columns)}_idx", schema=SCHEMA
        )


def ensure_readings_schema(conn, plain=False):
    """Create the readings and milkings tables and their indexes if missing; idempotent.

    Returns ``"hypertable"`` or ``"plain"``: the kind of tables in place. With
    ``plain`` the TimescaleDB extension is neither created nor used, which is
    also what happens when the server does not offer it. Tables made earlier
    in another layout are rebuilt in the wanted one, rows kept. The caller commits.
    """
    hyper = not plain and timescaledb_enabled(conn)
    with conn.cursor() as cur:
        db.ensure_schema(cur, SCHEMA)
    for table in TABLES:
        _ensure_table(conn, table, hyper)
        with conn.cursor() as cur:
            _ensure_indexes(cur, table)
    return "hypertable" if is_hypertable(conn) else "plain"
