import datetime as dt

import pytest
from smart_dairy.kpi import (
    Aggregate,
    Catalogue,
    Companies,
    Fact,
    Kpi,
    Scope,
    Stamp,
    ValueTable,
    compute,
    create_value_table,
    refresh_incremental,
    refresh_range,
    write,
)

D = dt.date
TABLE = ValueTable()


def kpis():
    return [
        Kpi("REV", aggregate=Aggregate("sales", "amount"), dimensions=("region",), id=1),
        Kpi("COST", aggregate=Aggregate("sales", "cost"), dimensions=("region",), id=2),
        Kpi("GP", "formula", formula="REV - COST", dimensions=("region",), id=3),
        Kpi(
            "COST_PCT",
            "ratio",
            numerator=Aggregate("sales", "cost"),
            denominator=Aggregate("sales", "amount"),
            scale=100,
            id=4,
            grains=("month",),
        ),
        Kpi("AVG_QTY", aggregate=Aggregate("sales", "qty", "avg"), dimensions=("product",), id=5),
    ]


def stored(cur, where="TRUE"):
    cur.execute(
        "SELECT kpi_id, company_id, grain, period_start, breakdown, dimension_value, "
        "numerator, denominator, value FROM smart_dairy_kpi_value WHERE "
        + where
        + " ORDER BY 1, 2, 3, 4, 5, 6"
    )
    return cur.fetchall()


@pytest.fixture
def table(sales):
    cur, _ = sales
    create_value_table(cur, TABLE)
    return cur


def test_formula_values_at_total_and_shared_breakdowns(sales, sales_fact):
    cur, _ = sales
    catalogue = Catalogue(kpis(), {"sales": sales_fact})
    rows = compute(cur, catalogue, None, "month", D(2023, 4, 1), D(2023, 5, 31), Companies([1, 2]))
    by_key = {
        (r.kpi, r.company_id, r.period_start, r.breakdown, r.dimension_value): r for r in rows
    }
    gp = [r for r in rows if r.kpi == "GP"]
    assert {r.breakdown for r in gp} == {"", "region"}
    for r in gp:
        key = (r.company_id, r.period_start, r.breakdown, r.dimension_value)
        assert r.value == pytest.approx(by_key[("REV", *key)].value - by_key[("COST", *key)].value)
    # AVG_QTY is broken down by product only, REV by region only
    assert {r.breakdown for r in rows if r.kpi == "AVG_QTY"} == {"", "product"}
    assert all(
        r.value == pytest.approx(r.numerator / r.denominator) for r in rows if r.kpi == "AVG_QTY"
    )
    assert {r.period_start for r in rows} == {D(2023, 4, 1), D(2023, 5, 1)}


def test_refresh_is_idempotent_and_scopes_are_independent(table, sales_fact):
    cur = table
    catalogue = Catalogue(kpis(), {"sales": sales_fact})
    first = refresh_range(
        cur,
        TABLE,
        catalogue,
        ["day", "month"],
        D(2023, 3, 1),
        D(2023, 4, 30),
        Companies([1, 2]),
        Stamp(run_id=7, uid=2),
    )
    before = stored(cur)
    assert first.written == len(before) > 0
    again = refresh_range(
        cur,
        TABLE,
        catalogue,
        ["day", "month"],
        D(2023, 3, 1),
        D(2023, 4, 30),
        Companies([1, 2]),
        Stamp(run_id=8, uid=2),
    )
    assert again.written == first.written
    assert stored(cur) == before
    cur.execute("SELECT DISTINCT run_id, create_uid, write_uid FROM smart_dairy_kpi_value")
    assert cur.fetchall() == [(8, 2, 2)]
    # COST_PCT only has month grain
    assert not stored(cur, "kpi_id = 4 AND grain = 'day'")
    # Replace one scope (company 1, REV, day grain, 1-10 March) with nothing:
    scope = Scope((1,), (1,), "day", D(2023, 3, 1), D(2023, 3, 10))
    write(cur, TABLE, [], scope)
    after = stored(cur)
    removed = [r for r in before if r not in after]
    assert removed and all(
        r[0] == 1 and r[1] == 1 and r[2] == "day" and D(2023, 3, 1) <= r[3] <= D(2023, 3, 10)
        for r in removed
    )
    assert len(after) == len(before) - len(removed)
    with pytest.raises(ValueError, match="outside the scope"):
        rows = compute(
            cur, catalogue, ["REV"], "day", D(2023, 3, 11), D(2023, 3, 11), Companies([1])
        )
        write(cur, TABLE, rows, scope)


def test_incremental_refresh_recomputes_exactly_the_touched_periods(table, sales_fact):
    cur = table
    catalogue = Catalogue(kpis(), {"sales": sales_fact})
    companies = Companies([1, 2])
    refresh_range(cur, TABLE, catalogue, ["day", "month"], D(2023, 1, 1), D(2024, 5, 31), companies)
    cur.execute("SELECT max(changed_at) FROM fact_sales")
    watermark = cur.fetchone()[0]
    later = watermark + dt.timedelta(hours=1)
    cur.execute(
        "UPDATE fact_sales SET amount = amount + 1000, changed_at = %s "
        "WHERE id = (SELECT min(id) FROM fact_sales WHERE company_id = 1 AND date = '2023-08-09')",
        [later],
    )
    cur.execute(
        "INSERT INTO fact_sales (id, company_id, date, region, product, customer_id, qty, "
        "amount, cost, channel, promo, changed_at) "
        "VALUES (99999, 2, '2024-02-29', 'north', 'milk', 5, 3, 30, 12, 'web', false, %s)",
        [later + dt.timedelta(minutes=1)],
    )
    cur.execute(  # a company outside the run
        "INSERT INTO fact_sales (id, company_id, date, amount, changed_at) "
        "VALUES (99998, 3, '2023-09-01', 5, %s)",
        [later],
    )
    args = (cur, TABLE, catalogue, ["day", "month"], {"sales": watermark}, companies)
    result = refresh_incremental(*args, overlap=dt.timedelta(0))
    assert result.watermarks == {"sales": later + dt.timedelta(minutes=1)}
    assert result.pairs["day"] == {(1, D(2023, 8, 9)), (2, D(2024, 2, 29))}
    assert result.pairs["month"] == {(1, D(2023, 8, 1)), (2, D(2024, 2, 1))}
    # the default overlap also re-reads rows changed just before the watermark
    cur.execute(
        "SELECT DISTINCT company_id, date FROM fact_sales WHERE company_id IN (1, 2) "
        "AND changed_at > %s",
        [watermark - dt.timedelta(minutes=5)],
    )
    overlapping = set(cur.fetchall())
    assert len(overlapping) > 2
    assert refresh_incremental(*args).pairs["day"] == overlapping
    incremental = stored(cur)
    cur.execute("DELETE FROM smart_dairy_kpi_value")
    refresh_range(cur, TABLE, catalogue, ["day", "month"], D(2023, 1, 1), D(2024, 5, 31), companies)
    full = stored(cur)
    assert len(incremental) == len(full)
    for a, b in zip(incremental, full, strict=True):
        assert a[:6] == b[:6]
        assert a[6:] == pytest.approx(b[6:])
    rev = stored(cur, "kpi_id = 1 AND company_id = 2 AND grain = 'day' AND breakdown = '' "
                      "AND period_start = '2024-02-29'")  # fmt: skip
    assert rev  # the new day appears
    gp = stored(cur, "kpi_id = 3 AND company_id = 1 AND grain = 'month' AND breakdown = '' "
                     "AND period_start = '2023-08-01'")  # fmt: skip
    assert gp
    # nothing changed since: with no overlap, nothing is recomputed
    quiet = refresh_incremental(
        cur, TABLE, catalogue, ["day"], result.watermarks, companies, overlap=dt.timedelta(0)
    )
    assert quiet.written == 0 and not quiet.pairs
    assert quiet.watermarks == result.watermarks


def test_a_cutoff_watermark_keeps_a_bulk_load_from_being_read_again(table, sales_fact):
    cur = table
    catalogue = Catalogue(kpis(), {"sales": sales_fact})
    cur.execute("UPDATE fact_sales SET changed_at = '2024-06-01 12:00'")
    cutoff = dt.datetime(2024, 6, 1, 13, 0)
    first = refresh_incremental(
        cur, TABLE, catalogue, ["day"], {}, Companies([1, 2]), cutoff=cutoff
    )
    assert first.watermarks == {"sales": cutoff}
    assert first.written > 0
    cur.execute(
        "UPDATE fact_sales SET amount = amount + 1, changed_at = '2024-06-01 13:01' "
        "WHERE id = (SELECT min(id) FROM fact_sales WHERE company_id = 2)"
    )
    second = refresh_incremental(
        cur, TABLE, catalogue, ["day"], first.watermarks, Companies([1, 2]),
        cutoff=cutoff + dt.timedelta(hours=1),
    )  # fmt: skip
    assert len(second.pairs["day"]) == 1
    assert second.watermarks == {"sales": cutoff + dt.timedelta(hours=1)}


def test_timestamp_fact_counts_rows_on_the_local_day(conn):
    cur = conn.cursor()
    cur.execute("CREATE TABLE ev (company_id int, at timestamp, liters float8)")
    cur.executemany(
        "INSERT INTO ev VALUES (1, %s, %s)",
        [
            (dt.datetime(2024, 3, 31, 23, 30), 1.0),  # 1 April in Amsterdam, 31 March in New York
            (dt.datetime(2024, 3, 31, 12, 0), 10.0),
            (dt.datetime(2024, 4, 1, 3, 30), 100.0),  # 1 April in Amsterdam, 31 March in NY
        ],
    )
    fact = Fact(
        name="ev", relation="ev", date_column="at", date_is_timestamp=True,
        measures={"liters": "liters"},
    )  # fmt: skip
    catalogue = Catalogue([Kpi("LITERS", aggregate=Aggregate("ev", "liters"))], {"ev": fact})

    def days(tz):
        companies = Companies([1], tz)
        rows = compute(cur, catalogue, None, "day", D(2024, 3, 31), D(2024, 4, 1), companies)
        return {r.period_start: r.value for r in rows}

    assert days("Europe/Amsterdam") == {D(2024, 3, 31): 10.0, D(2024, 4, 1): 101.0}
    assert days("America/New_York") == {D(2024, 3, 31): 111.0}
    assert days(None) == {D(2024, 3, 31): 11.0, D(2024, 4, 1): 100.0}
    # a range of one local day only reads that day's rows
    rows = compute(
        cur,
        catalogue,
        None,
        "day",
        D(2024, 4, 1),
        D(2024, 4, 1),
        Companies([1], "Europe/Amsterdam"),
    )
    assert [(r.period_start, r.value) for r in rows] == [(D(2024, 4, 1), 101.0)]


def test_formula_days_is_the_length_of_each_period(sales, sales_fact):
    cur, _ = sales
    per_day = Kpi("REV_PER_DAY", "formula", formula="REV / DAYS", id=9, grains=("month",))
    catalogue = Catalogue([*kpis()[:1], per_day], {"sales": sales_fact})
    rows = compute(cur, catalogue, None, "month", D(2024, 2, 1), D(2024, 3, 31), Companies([1]))
    revenue = {r.period_start: r.value for r in rows if r.kpi == "REV" and r.breakdown == ""}
    per_day_values = {r.period_start: r.value for r in rows if r.kpi == "REV_PER_DAY"}
    assert per_day_values[D(2024, 2, 1)] == pytest.approx(revenue[D(2024, 2, 1)] / 29)
    assert per_day_values[D(2024, 3, 1)] == pytest.approx(revenue[D(2024, 3, 1)] / 31)
