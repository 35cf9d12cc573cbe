import datetime

import psycopg2.errors
import pytest
from smart_dairy import db


def test_copy_rows_round_trips_awkward_values(conn):
    rows = [
        (1, "plain", 1.5, True, datetime.date(2024, 2, 29)),
        (2, "tab\there, new\nline and back\\slash", None, False, None),
        (3, None, float("nan"), None, datetime.date(2023, 1, 1)),
    ]
    with conn.cursor() as cur:
        cur.execute("CREATE TABLE t (id int, label text, v float8, ok bool, d date)")
        count = db.copy_rows(cur, "t", ["id", "label", "v", "ok", "d"], iter(rows))
        cur.execute("SELECT id, label, v, ok, d FROM t ORDER BY id")
        back = cur.fetchall()
    assert count == 3
    assert back[0] == rows[0]
    assert back[1] == rows[1]
    assert back[2] == (3, None, None, None, datetime.date(2023, 1, 1))


def test_copy_rows_streams_many_rows_across_buffers(conn, monkeypatch):
    monkeypatch.setattr(db, "COPY_BUFFER_BYTES", 1024)
    with conn.cursor() as cur:
        cur.execute('CREATE SCHEMA s; CREATE TABLE s."odd name" (n int, sq bigint)')
        count = db.copy_rows(
            cur, "odd name", ["n", "sq"], ((i, i * i) for i in range(50_000)), schema="s"
        )
        cur.execute('SELECT count(*), sum(sq), max(n) FROM s."odd name"')
        assert cur.fetchone() == (50_000, sum(i * i for i in range(50_000)), 49_999)
    assert count == 50_000


def test_copy_rows_quotes_identifiers(conn):
    with conn.cursor() as cur:
        cur.execute("CREATE TABLE victim (n int)")
        conn.commit()
        with pytest.raises(Exception, match="does not exist"):
            db.copy_rows(cur, "victim; DROP TABLE victim", ["n"], [(1,)])
    conn.rollback()
    with conn.cursor() as cur:
        assert db.table_exists(cur, "victim")


def test_schema_helpers_are_idempotent(conn):
    with conn.cursor() as cur:
        for _ in range(2):
            db.ensure_schema(cur, "sd")
            cur.execute("CREATE TABLE IF NOT EXISTS sd.r (a int, b date)")
            name = db.ensure_index(cur, "r", ["a", "b"], schema="sd")
        cur.execute(
            "SELECT count(*) FROM pg_indexes WHERE schemaname = 'sd' AND indexname = %s", [name]
        )
        assert cur.fetchone()[0] == 1
        assert db.table_exists(cur, "r", schema="sd")
        assert not db.table_exists(cur, "missing", schema="sd")
        assert db.extension_available(cur, "plpgsql")
        assert db.extension_installed(cur, "plpgsql")
        assert not db.extension_available(cur, "no_such_extension")
        assert not db.library_preloaded(cur, "no_such_library")
        cur.execute("SELECT current_setting('shared_preload_libraries')")
        for library in filter(None, (part.strip() for part in cur.fetchone()[0].split(","))):
            assert db.library_preloaded(cur, library)


def test_advisory_lock_keeps_a_second_session_out(scratch_dsn):
    first, second = (
        db.connect(scratch_dsn, autocommit=True),
        db.connect(scratch_dsn, autocommit=True),
    )
    try:
        with first.cursor() as c1, second.cursor() as c2:
            with db.advisory_lock(c1, "kpi-refresh") as got:
                assert got
                with db.advisory_lock(c2, "kpi-refresh") as other:
                    assert not other
                with db.advisory_lock(c2, "another-job") as unrelated:
                    assert unrelated
            with db.advisory_lock(c2, "kpi-refresh") as after_release:
                assert after_release
    finally:
        first.close()
        second.close()


def test_lock_key_is_stable_and_distinct():
    assert db.lock_key("a") == db.lock_key("a")
    assert db.lock_key("a") != db.lock_key("b")
    assert -(2**63) <= db.lock_key("kpi") < 2**63


def test_raw_cursor_unwraps_odoo_style_cursor(conn):
    class OdooLikeCursor:
        def __init__(self, obj):
            self._obj = obj

    with conn.cursor() as cur:
        assert db.raw_cursor(OdooLikeCursor(cur)) is cur
        assert db.raw_cursor(cur) is cur


def test_transaction_locks_last_until_commit(scratch_dsn):
    first, second = db.connect(scratch_dsn), db.connect(scratch_dsn)
    try:
        with first.cursor() as c1, second.cursor() as c2:
            assert db.try_locks(c1, ["run:1:day", "run:1:month"]) == []
            assert db.try_locks(c2, ["run:1:month", "run:2:day"]) == ["run:1:month"]
            second.rollback()  # a refused transaction-level attempt keeps nothing it took
            c1.execute("SELECT 1")  # still inside the first transaction: still held
            assert db.try_locks(c2, ["run:1:day"]) == ["run:1:day"]
            second.rollback()
            first.commit()
            assert db.try_locks(c2, ["run:1:day", "run:1:month"]) == []
    finally:
        first.close()
        second.close()


def test_session_locks_outlive_commits_until_released(scratch_dsn):
    first, second = db.connect(scratch_dsn), db.connect(scratch_dsn)
    try:
        with first.cursor() as c1, second.cursor() as c2:
            assert db.try_locks(c1, ["job:a", "job:b"], transaction=False) == []
            first.commit()
            assert db.try_locks(c2, ["job:c", "job:b"], transaction=False) == ["job:b"]
            # the refused attempt released job:c again
            assert db.try_locks(c1, ["job:c"], transaction=False) == []
            db.release_locks(c1, ["job:a", "job:b", "job:c"])
            assert db.try_locks(c2, ["job:a", "job:b"], transaction=False) == []
            db.release_locks(c2, ["job:a", "job:b"])
    finally:
        first.close()
        second.close()


def test_a_claim_from_a_snapshot_older_than_the_last_holder_fails(scratch_dsn):
    first, second = db.connect(scratch_dsn), db.connect(scratch_dsn)
    for conn in (first, second):
        conn.set_session(isolation_level="REPEATABLE READ")
    try:
        with first.cursor() as c1, second.cursor() as c2:
            db.create_claim_table(c1, "claims")
            first.commit()
            c2.execute("SELECT 1")  # the second transaction's snapshot starts here
            assert db.try_locks(c1, ["job"]) == []
            assert db.claim_locks(c1, "claims", ["job"], 1)
            first.commit()  # first job done: its lock is free again
            assert db.try_locks(c2, ["job"]) == []
            assert not db.claim_locks(c2, "claims", ["job"], 2)  # its snapshot is stale
            c2.execute("SELECT 1")  # the transaction is still usable
            second.rollback()
            assert db.try_locks(c2, ["job"]) == []
            assert db.claim_locks(c2, "claims", ["job"], 2)  # a fresh snapshot may
            second.commit()
    finally:
        first.close()
        second.close()


def _foreign_keys(cur, table):
    cur.execute(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint"
        " WHERE conrelid = %s::regclass AND contype = 'f' ORDER BY conname",
        (table,),
    )
    return cur.fetchall()


def test_foreign_keys_checked_after_a_load_come_back_as_they_were(conn):
    with conn.cursor() as cur:
        cur.execute(
            "CREATE SCHEMA s; CREATE TABLE s.farm (id int PRIMARY KEY);"
            ' CREATE TABLE s."Milk row" (id int, farm_id int'
            ' CONSTRAINT "Farm Key" REFERENCES s.farm ON DELETE CASCADE,'
            " other_id int REFERENCES s.farm ON DELETE SET NULL DEFERRABLE);"
            " INSERT INTO s.farm VALUES (1), (2)"
        )
        before = _foreign_keys(cur, 's."Milk row"')
        with db.foreign_keys_checked_after(cur, "Milk row", schema="s"):
            assert _foreign_keys(cur, 's."Milk row"') == []
            db.copy_rows(
                cur, "Milk row", ["id", "farm_id", "other_id"], [(1, 1, 2), (2, 2, None)], "s"
            )
        assert len(before) == 2
        assert _foreign_keys(cur, 's."Milk row"') == before
        cur.execute("DELETE FROM s.farm WHERE id = 2")
        cur.execute('SELECT id, farm_id, other_id FROM s."Milk row" ORDER BY id')
        assert cur.fetchall() == [(1, 1, None)]
        with pytest.raises(psycopg2.errors.ForeignKeyViolation):
            cur.execute('INSERT INTO s."Milk row" VALUES (3, 9, NULL)')


def test_a_row_without_its_key_fails_when_the_foreign_keys_come_back(conn):
    with conn.cursor() as cur:
        cur.execute(
            "CREATE TABLE farm (id int PRIMARY KEY); INSERT INTO farm VALUES (1);"
            " CREATE TABLE milk (id int, farm_id int REFERENCES farm)"
        )
        with (
            pytest.raises(psycopg2.errors.ForeignKeyViolation, match="milk_farm_id_fkey"),
            db.foreign_keys_checked_after(cur, "milk"),
        ):
            db.copy_rows(cur, "milk", ["id", "farm_id"], [(1, 1), (2, 7)])
