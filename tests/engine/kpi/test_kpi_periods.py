import datetime as dt

import pytest
from psycopg2 import sql
from smart_dairy.kpi import KpiDefinitionError, periods
from smart_dairy.kpi.periods import (
    Grain,
    label,
    period_end,
    period_start,
    previous,
    same_period_last_year,
    shift,
    sql_date_range,
    sql_period,
)

D = dt.date


@pytest.mark.parametrize(
    ("day", "grain", "start", "end"),
    [
        (D(2024, 3, 5), "day", D(2024, 3, 5), D(2024, 3, 6)),
        (D(2024, 3, 5), "week", D(2024, 3, 4), D(2024, 3, 11)),
        (D(2024, 3, 10), "week", D(2024, 3, 4), D(2024, 3, 11)),  # Sunday
        (D(2025, 1, 1), "week", D(2024, 12, 30), D(2025, 1, 6)),  # week across new year
        (D(2024, 2, 29), "month", D(2024, 2, 1), D(2024, 3, 1)),
        (D(2023, 12, 31), "month", D(2023, 12, 1), D(2024, 1, 1)),
        (D(2024, 5, 17), "quarter", D(2024, 4, 1), D(2024, 7, 1)),
        (D(2024, 12, 31), "quarter", D(2024, 10, 1), D(2025, 1, 1)),
        (D(2024, 7, 4), "year", D(2024, 1, 1), D(2025, 1, 1)),
    ],
)
def test_period_start_and_end(day, grain, start, end):
    assert period_start(day, grain) == start
    assert period_end(start, grain) == end
    assert previous(end, grain) == start


def test_iso_week_53_years():
    # 2020 and 2026 have an ISO week 53; 2021 and 2025 do not.
    w53 = period_start(D(2020, 12, 31), Grain.WEEK)
    assert w53 == D(2020, 12, 28)
    assert label(w53, "week") == "2020-W53"
    assert label(D(2021, 1, 3), "week") == "2020-W53"  # Sunday 3 Jan 2021 is still 2020-W53
    assert label(D(2021, 1, 4), "week") == "2021-W01"
    assert label(D(2026, 12, 31), "week") == "2026-W53"
    assert label(D(2027, 1, 1), "week") == "2026-W53"
    assert label(D(2024, 12, 30), "week") == "2025-W01"
    # week 53 maps to week 52 of a year without week 53; other weeks keep their number
    assert same_period_last_year(D(2026, 12, 28), "week") == D(2025, 12, 22)
    assert label(D(2025, 12, 22), "week") == "2025-W52"
    assert same_period_last_year(D(2021, 3, 1), "week") == D(2020, 2, 24)
    assert label(same_period_last_year(D(2021, 3, 1), "week"), "week") == "2020-W09"
    assert len(periods(D(2020, 1, 1), D(2020, 12, 31), "week")) == 53
    assert len(periods(D(2021, 1, 4), D(2021, 12, 31), "week")) == 52


def test_leap_day_and_last_year():
    assert same_period_last_year(D(2024, 2, 29), "day") == D(2023, 2, 28)
    assert same_period_last_year(D(2025, 3, 1), "day") == D(2024, 3, 1)
    assert same_period_last_year(D(2024, 2, 1), "month") == D(2023, 2, 1)
    assert same_period_last_year(D(2024, 1, 1), "quarter") == D(2023, 1, 1)
    assert same_period_last_year(D(2024, 1, 1), "year") == D(2023, 1, 1)
    assert len(periods(D(2024, 2, 1), D(2024, 2, 29), "day")) == 29
    assert len(periods(D(2024, 1, 1), D(2024, 12, 31), "day")) == 366


def test_shift_and_periods():
    assert shift(D(2024, 11, 1), "month", 3) == D(2025, 2, 1)
    assert shift(D(2024, 1, 1), "month", -1) == D(2023, 12, 1)
    assert shift(D(2024, 1, 1), "quarter", -5) == D(2022, 10, 1)
    assert shift(D(2024, 1, 31), "month", 1) == D(2024, 2, 1)  # normalised to the period
    assert periods(D(2024, 1, 15), D(2024, 4, 2), "quarter") == [D(2024, 1, 1), D(2024, 4, 1)]
    assert periods(D(2024, 3, 1), D(2024, 2, 1), "month") == []
    assert [label(p, "month") for p in periods(D(2023, 12, 9), D(2024, 2, 1), "month")] == [
        "Dec 2023",
        "Jan 2024",
        "Feb 2024",
    ]
    assert label(D(2024, 3, 5), "day") == "2024-03-05"
    assert label(D(2024, 3, 5), "quarter") == "2024-Q1"
    assert label(D(2024, 3, 5), "year") == "2024"


def test_unknown_grain_and_time_zone_are_refused():
    with pytest.raises(KpiDefinitionError, match="Unknown grain 'hour'"):
        period_start(D(2024, 1, 1), "hour")
    with pytest.raises(KpiDefinitionError, match="Unknown time zone"):
        sql_period("day", "ts", tz="Europe/Nowhere'; DROP TABLE x; --", timestamp=True)


def test_sql_periods_match_python(conn):
    days = [D(2019, 12, 30) + dt.timedelta(days=i) for i in range(0, 2300, 3)]
    with conn.cursor() as cur:
        cur.execute("CREATE TABLE d (day date)")
        cur.executemany("INSERT INTO d VALUES (%s)", [(d,) for d in days])
        for grain in Grain:
            cur.execute(
                sql.SQL("SELECT day, {} FROM d ORDER BY day").format(sql_period(grain, "day"))
            )
            for day, start in cur.fetchall():
                assert start == period_start(day, grain), (grain, day)


def test_time_zone_at_day_boundary(conn):
    with conn.cursor() as cur:
        cur.execute("SET TIME ZONE 'Asia/Tokyo'")  # the session zone must not matter
        cur.execute("CREATE TABLE t (ts timestamp)")
        cur.execute("INSERT INTO t VALUES ('2024-03-31 23:30:00'), ('2024-12-31 23:30:00')")

        def local(grain, tz):
            cur.execute(
                sql.SQL("SELECT {} FROM t ORDER BY ts").format(
                    sql_period(grain, "ts", tz=tz, timestamp=True)
                )
            )
            return [row[0] for row in cur.fetchall()]

        assert local("day", "Europe/Amsterdam") == [D(2024, 4, 1), D(2025, 1, 1)]
        assert local("day", "America/New_York") == [D(2024, 3, 31), D(2024, 12, 31)]
        assert local("day", None) == [D(2024, 3, 31), D(2024, 12, 31)]
        assert local("month", "Europe/Amsterdam") == [D(2024, 4, 1), D(2025, 1, 1)]
        assert local("year", "America/New_York") == [D(2024, 1, 1), D(2024, 1, 1)]
        assert local("quarter", "Europe/Amsterdam") == [D(2024, 4, 1), D(2025, 1, 1)]

        def count(start, end, tz):
            cur.execute(
                sql.SQL("SELECT count(*) FROM t WHERE {}").format(
                    sql_date_range("ts", start, end, tz=tz, timestamp=True)
                )
            )
            return cur.fetchone()[0]

        assert count(D(2024, 4, 1), D(2024, 4, 2), "Europe/Amsterdam") == 1
        assert count(D(2024, 4, 1), D(2024, 4, 2), "America/New_York") == 0
        assert count(D(2024, 3, 31), D(2024, 4, 1), "America/New_York") == 1
