import datetime

import pytest
from smart_dairy import db, timeseries

UTC = datetime.timezone.utc


def _relation_kind(conn):
    with conn.cursor() as cur:
        cur.execute(
            """SELECT c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                WHERE n.nspname = %s AND c.relname = %s""",
            [timeseries.SCHEMA, timeseries.TABLE],
        )
        row = cur.fetchone()
    return row and row[0]


def _index_columns(conn):
    with conn.cursor() as cur:
        cur.execute(
            """SELECT indexdef FROM pg_indexes WHERE schemaname = %s AND tablename = %s""",
            [timeseries.SCHEMA, timeseries.TABLE],
        )
        return [row[0] for row in cur.fetchall()]


def _insert(conn, days):
    start = datetime.datetime(2024, 1, 1, 6, tzinfo=UTC)
    rows = [
        (start + datetime.timedelta(days=d, minutes=m), 7, "tank_temp_c", 4.0 + m / 100, 1)
        for d in range(days)
        for m in (0, 30)
    ]
    with conn.cursor() as cur:
        if _relation_kind(conn) == "p":
            timeseries.ensure_partitions(cur, timeseries.TABLE, [r[0] for r in rows])
        db.copy_rows(cur, timeseries.TABLE, timeseries.COLUMNS, rows, schema=timeseries.SCHEMA)
    return rows


def _timescaledb_or_skip(conn):
    with conn.cursor() as cur:
        if not db.extension_available(cur, timeseries.EXTENSION):
            pytest.skip("the PostgreSQL server does not offer the timescaledb extension")
        if not db.library_preloaded(cur, timeseries.EXTENSION):
            pytest.skip("timescaledb is installed but not in shared_preload_libraries")


def test_plain_schema_is_idempotent_and_skips_timescaledb(conn):
    assert timeseries.ensure_readings_schema(conn, plain=True) == "plain"
    rows = _insert(conn, 2)
    conn.commit()
    assert timeseries.ensure_readings_schema(conn, plain=True) == "plain"
    conn.commit()
    assert _relation_kind(conn) == "p"  # partitioned by day
    indexes = _index_columns(conn)
    assert len(indexes) == 4 and any('(device_id, "time")' in i for i in indexes)
    assert any("UNIQUE" in i and '(device_id, metric, "time")' in i for i in indexes)
    with conn.cursor() as cur:
        cur.execute(
            "SELECT count(*) FROM pg_inherits WHERE inhparent = 'smart_dairy_ts.reading'::regclass"
        )
        assert cur.fetchone()[0] == 2
    with conn.cursor() as cur:
        assert not db.extension_installed(cur, timeseries.EXTENSION)
        cur.execute("SELECT time, device_id, metric, value, company_id FROM smart_dairy_ts.reading")
        assert sorted(cur.fetchall()) == sorted(rows)


def test_hypertable_with_daily_chunks_is_idempotent(conn):
    _timescaledb_or_skip(conn)
    assert timeseries.ensure_readings_schema(conn) == "hypertable"
    conn.commit()
    assert timeseries.ensure_readings_schema(conn) == "hypertable"
    _insert(conn, 3)
    conn.commit()
    with conn.cursor() as cur:
        cur.execute(
            """SELECT time_interval FROM timescaledb_information.dimensions
                WHERE hypertable_schema = %s AND hypertable_name = %s""",
            [timeseries.SCHEMA, timeseries.TABLE],
        )
        assert cur.fetchall() == [(datetime.timedelta(days=1),)]
        cur.execute("SELECT count(*) FROM show_chunks(%s::regclass)", ["smart_dairy_ts.reading"])
        assert cur.fetchone()[0] == 3
    assert any('(device_id, "time")' in index for index in _index_columns(conn))


def test_a_table_of_the_old_unpartitioned_layout_is_rebuilt_with_its_rows(conn):
    with conn.cursor() as cur:
        cur.execute("CREATE SCHEMA smart_dairy_ts")
        cur.execute(
            """CREATE TABLE smart_dairy_ts.reading (time timestamptz NOT NULL,
                   device_id integer NOT NULL, metric text NOT NULL,
                   value double precision NOT NULL, company_id integer NOT NULL)"""
        )
    rows = _insert(conn, 3)
    conn.commit()
    assert timeseries.ensure_readings_schema(conn, plain=True) == "plain"
    conn.commit()
    assert _relation_kind(conn) == "p"
    with conn.cursor() as cur:
        cur.execute("SELECT time, device_id, metric, value, company_id FROM smart_dairy_ts.reading")
        assert sorted(cur.fetchall()) == sorted(rows)
        cur.execute("SELECT to_regclass('smart_dairy_ts.reading_migrating')")
        assert cur.fetchone()[0] is None


def test_plain_table_is_converted_once_timescaledb_is_wanted(conn):
    _timescaledb_or_skip(conn)
    timeseries.ensure_readings_schema(conn, plain=True)
    rows = _insert(conn, 2)
    conn.commit()
    assert not timeseries.is_hypertable(conn)
    assert timeseries.ensure_readings_schema(conn) == "hypertable"
    conn.commit()
    with conn.cursor() as cur:
        cur.execute("SELECT time, device_id, metric, value, company_id FROM smart_dairy_ts.reading")
        assert sorted(cur.fetchall()) == sorted(rows)
