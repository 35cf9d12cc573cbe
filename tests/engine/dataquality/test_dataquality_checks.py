"""Each kind of check on crafted tables: counts, samples and verdicts per company."""

import dataclasses
import datetime as dt

import pytest
from smart_dairy.dataquality import Check, batch_key, run, run_batch

NOW = dt.datetime(2026, 3, 5, 12, 0)


def by_company(outcomes):
    return {o.company_id: o for o in outcomes}


def check(kind, table="milking", **values):
    return Check(kind=kind, table=table, company_column="company_id", **values)


def test_not_null_counts_and_samples_per_company(known, farm_tables):
    outcomes = by_company(run(farm_tables, check("not_null", columns=("volume",)), NOW))
    assert (outcomes[1].examined, outcomes[1].failing) == (60, 2)
    assert outcomes[1].samples == tuple(sorted(i for i in known.null_volume if i <= 60))
    assert outcomes[2].samples == (70,)
    assert not outcomes[1].passed and not outcomes[2].passed
    assert outcomes[1].measure == pytest.approx(2 / 60)


def test_not_null_tolerance_lets_a_small_share_pass(farm_tables):
    outcomes = by_company(
        run(farm_tables, check("not_null", columns=("volume",), tolerance=0.03), NOW)
    )
    assert not outcomes[1].passed  # 2 of 60 is above 3 %
    assert outcomes[2].passed  # 1 of 40 is not


def test_not_null_on_several_columns_fails_a_row_once(farm_tables):
    outcomes = by_company(run(farm_tables, check("not_null", columns=("volume", "farm_id")), NOW))
    assert set(outcomes[1].samples) == {5, 7, 41}


def test_without_company_column_one_outcome(farm_tables):
    check_ = Check(kind="not_null", table="milking", columns=("volume",))
    (outcome,) = run(farm_tables, check_, NOW)
    assert (outcome.company_id, outcome.examined, outcome.failing) == (None, 100, 3)


def test_unique_finds_every_row_of_a_duplicate(known, farm_tables):
    check_ = check("unique", columns=("animal_id", "date", "session"))
    outcomes = by_company(run(farm_tables, check_, NOW))
    assert outcomes[1].samples == tuple(sorted(known.duplicates))
    assert outcomes[1].failing == 2
    assert outcomes[2].passed and outcomes[2].failing == 0


def test_unique_ignores_rows_with_an_empty_key(farm_tables):
    farm_tables.execute("UPDATE milking SET animal_id = NULL WHERE id IN (50, 51)")
    farm_tables.execute("UPDATE milking SET animal_id = 3, session = 'morning' WHERE id = 51")
    outcomes = by_company(run(farm_tables, check("unique", columns=("animal_id",)), NOW))
    assert 50 not in outcomes[1].samples
    assert set(outcomes[1].samples) == {3, 10, 11, 51}


def test_accepted_values(known, farm_tables):
    check_ = check("accepted_values", columns=("session",), values=("morning", "evening"))
    outcomes = by_company(run(farm_tables, check_, NOW))
    assert outcomes[1].samples == tuple(known.bad_session)
    assert outcomes[2].passed


def test_value_in_range_skips_empty_values(known, farm_tables):
    check_ = check("value_in_range", columns=("volume",), minimum=0.0, maximum=60.0)
    outcomes = by_company(run(farm_tables, check_, NOW))
    assert outcomes[1].samples == tuple(known.out_of_range)
    assert outcomes[2].failing == 0


def test_value_in_range_with_one_bound(known, farm_tables):
    check_ = check("value_in_range", columns=("volume",), minimum=15.0)
    outcomes = by_company(run(farm_tables, check_, NOW))
    broken = known.null_volume | known.out_of_range
    expected = sum(1 for i in range(1, 61) if i not in broken and i % 7 < 5)
    assert outcomes[1].failing == expected


def test_referential_integrity(known, farm_tables):
    check_ = check("referential", columns=("farm_id",), ref_table="farm")
    outcomes = by_company(run(farm_tables, check_, NOW))
    assert outcomes[1].samples == tuple(known.missing_farm)  # an empty farm is not a broken link
    assert outcomes[2].passed


def test_filters_restrict_the_rows(farm_tables):
    check_ = check("not_null", columns=("volume",), filters=(("id", "not in", [5, 7]),))
    outcomes = by_company(run(farm_tables, check_, NOW))
    assert (outcomes[1].examined, outcomes[1].failing) == (58, 0)
    check_ = check("not_null", columns=("volume",), filters=(("id", "<=", 6),))
    assert [o.examined for o in run(farm_tables, check_, NOW)] == [6]
    check_ = check("not_null", columns=("id",), filters=(("farm_id", "=", None),))
    assert [(o.company_id, o.examined) for o in run(farm_tables, check_, NOW)] == [(1, 1)]
    check_ = check("not_null", columns=("id",), filters=(("farm_id", "!=", None),))
    assert sum(o.examined for o in run(farm_tables, check_, NOW)) == 99


def test_balance_per_posted_entry(ledger):
    check_ = check(
        "balance",
        table="move_line",
        columns=("balance",),
        group_column="move_id",
        filters=(("parent_state", "=", "posted"),),
    )
    outcomes = by_company(run(ledger, check_, NOW))
    assert (outcomes[1].examined, outcomes[1].failing, outcomes[1].samples) == (2, 1, (2,))
    assert outcomes[1].measure == pytest.approx(5.0)
    assert outcomes[2].passed  # 0.001 is within the default tolerance
    strict = run(ledger, check_.__class__(**{**check_.__dict__, "amount_tolerance": 0.0}), NOW)
    assert not by_company(strict)[2].passed


def test_freshness_per_device(readings):
    cur, now = readings
    check_ = Check(
        kind="freshness",
        table="reading",
        columns=("time",),
        key_column=None,
        company_column="company_id",
        group_column="device_id",
        max_age=dt.timedelta(hours=24),
    )
    (outcome,) = run(cur, check_, now)
    assert (outcome.examined, outcome.failing, outcome.samples) == (2, 1, (2,))
    assert outcome.measure == pytest.approx(30.0)
    later = run(cur, check_, now - dt.timedelta(hours=10))
    assert later[0].passed


def test_freshness_lookback_reads_only_recent_rows(readings):
    cur, now = readings
    check_ = Check(
        kind="freshness", table="reading", columns=("time",), key_column=None,
        company_column="company_id", group_column="device_id",
        max_age=dt.timedelta(hours=24), lookback=dt.timedelta(hours=48),
    )  # fmt: skip
    (outcome,) = run(cur, check_, now)
    assert (outcome.examined, outcome.samples) == (2, (2,))
    narrow = dataclasses.replace(check_, lookback=dt.timedelta(hours=25))
    (outcome,) = run(cur, narrow, now)
    assert (outcome.examined, outcome.failing) == (1, 0)  # device 2 is out of sight


def test_freshness_of_a_date_counts_the_whole_day(farm_tables):
    check_ = check("freshness", columns=("date",), max_age=dt.timedelta(hours=12))
    end_of_day = dt.datetime.combine(dt.date(2026, 3, 5), dt.time())
    outcomes = run(farm_tables, check_, end_of_day + dt.timedelta(hours=11))
    assert all(o.passed and o.examined == 1 for o in outcomes)
    outcomes = run(farm_tables, check_, end_of_day + dt.timedelta(hours=13))
    assert not any(o.passed for o in outcomes)
    assert all(o.samples == () for o in outcomes)


def test_freshness_of_a_day_not_over_is_no_age_at_all(farm_tables):
    """Rows dated the day being checked are as fresh as can be: age 0, never negative."""
    check_ = check("freshness", columns=("date",), max_age=dt.timedelta(hours=12))
    end_of_day = dt.datetime.combine(dt.date(2026, 3, 5), dt.time())
    outcomes = run(farm_tables, check_, end_of_day - dt.timedelta(hours=6))
    assert outcomes and all(o.passed and o.measure == 0.0 for o in outcomes)
    outcomes = run(farm_tables, check_, end_of_day + dt.timedelta(hours=5))
    assert all(o.measure == pytest.approx(5.0) for o in outcomes)


class Recording:
    """A cursor that remembers the statements it ran."""

    def __init__(self, cursor):
        self.cursor, self.statements = cursor, []

    def execute(self, statement, params=None):
        text = statement.as_string(self.cursor) if hasattr(statement, "as_string") else statement
        self.statements.append(text)
        return self.cursor.execute(statement, params)

    def __getattr__(self, name):
        return getattr(self.cursor, name)


def test_row_checks_over_the_same_rows_share_one_scan(farm_tables):
    checks = [
        check("not_null", columns=("volume",)),
        check("accepted_values", columns=("session",), values=("morning", "evening")),
        check("value_in_range", columns=("volume",), minimum=0.0, maximum=60.0),
        check("value_in_range", columns=("volume",), minimum=15.0),
        check("referential", columns=("farm_id",), ref_table="farm"),
        check("not_null", columns=("volume", "farm_id"), tolerance=0.5),
    ]
    assert len({batch_key(c) for c in checks}) == 1
    alone = [run(farm_tables, c, NOW) for c in checks]
    recording = Recording(farm_tables)
    together = run_batch(recording, checks, NOW)
    assert together == alone
    scans = [s for s in recording.statements if "AS examined" in s]
    assert len(scans) == 1, scans


def test_a_batch_takes_only_row_checks_over_the_same_rows(farm_tables):
    filtered = check("not_null", columns=("volume",), filters=(("id", "<=", 6),))
    with pytest.raises(ValueError):
        run_batch(farm_tables, [check("not_null", columns=("volume",)), filtered], NOW)
    with pytest.raises(ValueError):
        run_batch(farm_tables, [check("unique", columns=("animal_id",))] * 2, NOW)
    assert batch_key(check("unique", columns=("animal_id",))) is None
