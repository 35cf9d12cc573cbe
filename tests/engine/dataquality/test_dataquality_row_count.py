"""Row-count anomalies: the last complete day against the same weekday of the weeks before."""

import datetime as dt

import pytest
from smart_dairy import db
from smart_dairy.dataquality import Check, run

DAY = dt.date(2026, 3, 4)  # the last complete day before NOW
NOW = dt.datetime(2026, 3, 5, 6, 0)
HISTORY = [9, 10, 11, 10, 9, 10, 11, 10]  # the same weekday, 1 to 8 weeks before


def fill(cur, typname, counts_by_company):
    cur.execute(f"CREATE TABLE orders (id serial, company_id int, ordered {typname})")
    rows = []
    for company, by_day in counts_by_company.items():
        for day, count in by_day.items():
            for n in range(count):
                moment = dt.datetime.combine(day, dt.time(8)) + dt.timedelta(minutes=n)
                rows.append((company, moment if typname != "date" else day))
        # other weekdays never count
        rows += [(company, DAY - dt.timedelta(days=1))] * 50
    db.copy_rows(cur, "orders", ["company_id", "ordered"], rows)


def history(today):
    counts = {DAY - dt.timedelta(weeks=k): c for k, c in enumerate(HISTORY, start=1)}
    counts[DAY] = today
    return counts


CHECK = Check(
    kind="row_count", table="orders", columns=("ordered",), key_column=None,
    company_column="company_id", weeks=8, z_limit=3.0, min_change=0.2,
)  # fmt: skip


@pytest.mark.parametrize("typname", ["date", "timestamp", "timestamptz"])
def test_an_unusual_day_fails_a_usual_one_passes(cur, typname):
    fill(cur, typname, {1: history(30), 2: history(10)})
    outcomes = {o.company_id: o for o in run(cur, CHECK, NOW)}
    assert not outcomes[1].passed and outcomes[1].failing == 1
    mean = sum(HISTORY) / len(HISTORY)
    assert outcomes[1].measure > 3.0
    assert f"{mean:.1f}" in outcomes[1].detail
    assert outcomes[2].passed and abs(outcomes[2].measure) < 1.0


def test_an_empty_day_after_a_busy_history_fails(cur):
    fill(cur, "date", {1: history(0)})
    (outcome,) = run(cur, CHECK, NOW)
    assert not outcome.passed and outcome.measure < -3.0


def test_a_small_change_passes_even_with_a_high_z_score(cur):
    steady = {DAY - dt.timedelta(weeks=k): 100 + k % 2 for k in range(1, 9)}
    steady[DAY] = 104  # z is large but the change is 3.5 %
    fill(cur, "date", {1: steady})
    (outcome,) = run(cur, CHECK, NOW)
    assert outcome.measure > 3.0 and outcome.passed


def test_a_constant_history_fails_only_a_different_day(cur):
    flat = {DAY - dt.timedelta(weeks=k): 10 for k in range(1, 9)}
    fill(cur, "date", {1: {**flat, DAY: 10}, 2: {**flat, DAY: 20}})
    outcomes = {o.company_id: o for o in run(cur, CHECK, NOW)}
    assert outcomes[1].passed and outcomes[1].measure is None
    assert not outcomes[2].passed
