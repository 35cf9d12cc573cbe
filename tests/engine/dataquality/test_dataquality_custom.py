"""Custom SQL checks: one read-only SELECT, refused when it writes or does not parse."""

import pytest
from smart_dairy.dataquality import CheckError, run_custom, validate_sql


@pytest.fixture
def committed(conn, farm_tables):
    """The crafted tables, committed: custom SQL runs in a transaction of its own."""
    conn.commit()
    return conn


@pytest.mark.parametrize(
    ("query", "pattern"),
    [
        ("", "Write the SELECT"),
        ("DELETE FROM farm", "must be a SELECT"),
        ("SELECT id FROM farm; DROP TABLE farm", "one statement only"),
        ("WITH gone AS (DELETE FROM farm RETURNING id) SELECT id FROM gone", "writes|read-only"),
        ("SELECT id FROM farm FOR UPDATE", "read-only"),
        ("SELEC id FROM farm", "must be a SELECT"),
        ("SELECT id FROM nowhere", 'relation "nowhere" does not exist'),
        ("SELECT name FROM farm", "column named id"),
    ],
)
def test_refused(committed, query, pattern):
    with pytest.raises(CheckError, match=pattern):
        validate_sql(committed, query)
    with committed.cursor() as cur:
        cur.execute("SELECT count(*) FROM farm")
        assert cur.fetchone()[0] == 2, "nothing was written"


def test_failing_rows_per_company(committed, known):
    outcomes = run_custom(
        committed, "SELECT id, company_id FROM milking WHERE volume IS NULL OR volume > 60;"
    )
    broken = sorted(known.null_volume | known.out_of_range)
    assert [(o.company_id, o.failing, o.passed) for o in outcomes] == [(1, 3, False), (2, 1, False)]
    assert outcomes[0].samples + outcomes[1].samples == tuple(broken)
    assert validate_sql(committed, "SELECT id FROM milking") == ["id"]
    (clean,) = run_custom(committed, "SELECT id FROM milking WHERE volume < 0")
    assert (clean.company_id, clean.failing, clean.passed) == (None, 0, True)


def test_a_slow_query_is_stopped(committed):
    with pytest.raises(CheckError, match="statement timeout"):
        run_custom(committed, "SELECT id FROM farm, pg_sleep(1)", timeout_ms=100)
