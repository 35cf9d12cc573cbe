import datetime as dt
from collections import defaultdict

import pytest
from smart_dairy.kpi import (
    Aggregate,
    Catalogue,
    Companies,
    Kpi,
    compute,
    period_start,
    run_aggregates,
)
from smart_dairy.kpi.sqlgen import aggregate_query

D = dt.date
RANGE = [(D(2023, 3, 1), D(2024, 1, 1))]
AGGREGATES = {
    "rev": Aggregate("sales", "amount"),
    "avg_qty": Aggregate("sales", "qty", "avg"),
    "lines": Aggregate("sales", None, "count"),
    "buyers": Aggregate("sales", "customer_id", "count_distinct"),
    "low": Aggregate("sales", "amount", "min"),
    "high": Aggregate("sales", "amount", "max"),
    "web": Aggregate("sales", "amount", domain=[("channel", "=", "web"), ("promo", "=", False)]),
}


def in_range(row):
    return row["company_id"] in (1, 2) and any(a <= row["date"] < b for a, b in RANGE)


def reference(rows, grain, dims, key, extract, combine):
    """{(company, period, breakdown, value): combine([extract(row), ...])} in Python."""
    groups = defaultdict(list)
    for row in filter(in_range, rows):
        base = (row["company_id"], period_start(row["date"], grain))
        value = extract(row)
        if value is None:
            continue
        groups[(*base, "", "")].append(value)
        for dim in dims:
            groups[(*base, dim, row[dim] or "")].append(value)
    return {k: combine(v) for k, v in groups.items()}


@pytest.mark.parametrize("grain", ["day", "week", "month"])
def test_batched_aggregates_match_python(sales, sales_fact, grain):
    cur, rows = sales
    result = run_aggregates(
        cur, sales_fact, grain, AGGREGATES, ["region", "product"], [1, 2], RANGE
    )
    got = defaultdict(dict)
    for row in result:
        got[row.key][row[1:5]] = (row.numerator, row.denominator)
    dims = ("region", "product")

    def check(key, expected, part=0):
        values = {k: v[part] for k, v in got[key].items() if v[part] is not None}
        assert set(values) >= set(expected)
        for group, value in expected.items():
            assert values[group] == pytest.approx(value, rel=1e-9), (key, group)

    check("rev", reference(rows, grain, dims, "rev", lambda r: r["amount"], sum))
    check("avg_qty", reference(rows, grain, dims, "q", lambda r: r["qty"], sum), 0)
    check("avg_qty", reference(rows, grain, dims, "q", lambda r: r["qty"], len), 1)
    check("lines", reference(rows, grain, dims, "n", lambda r: 1, len))
    check(
        "buyers",
        reference(rows, grain, dims, "b", lambda r: r["customer_id"], lambda v: len(set(v))),
    )
    check("low", reference(rows, grain, dims, "l", lambda r: r["amount"], min))
    check("high", reference(rows, grain, dims, "h", lambda r: r["amount"], max))
    web = reference(
        rows,
        grain,
        dims,
        "w",
        lambda r: r["amount"] if r["channel"] == "web" and not r["promo"] else None,
        sum,
    )
    check("web", web)
    # every group returned belongs to companies 1-2 and the range
    for row in result:
        assert row.company_id in (1, 2)
        assert period_start(RANGE[0][0], grain) <= row.period_start < RANGE[0][1]
    # groups without web sales have no numerator (filtered aggregate)
    assert any(v[0] is None for v in got["web"].values())


def test_one_query_scans_the_fact_once(sales, sales_fact):
    cur, _ = sales
    query = aggregate_query(
        sales_fact, "month", list(AGGREGATES.values()), ["region", "product"], [1, 2], RANGE
    )
    text = query.as_string(cur)
    assert text.count("FROM ") == 1
    assert "GROUPING SETS" in text
    assert text.count("FILTER (WHERE") == 1
    cur.execute("EXPLAIN " + text)
    plan = "\n".join(row[0] for row in cur.fetchall())
    assert plan.count("Scan on fact_sales") == 1


def test_ratio_rolls_up_from_components_not_mean_of_ratios(sales, sales_fact):
    cur, rows = sales
    facts = {"sales": sales_fact}
    margin = Kpi(
        "COST_PCT",
        "ratio",
        numerator=Aggregate("sales", "cost"),
        denominator=Aggregate("sales", "amount"),
        scale=100,
        dimensions=("region",),
    )
    catalogue = Catalogue([margin], facts)
    daily = compute(cur, catalogue, None, "day", D(2023, 6, 1), D(2023, 6, 30), Companies([1]))
    monthly = compute(cur, catalogue, None, "month", D(2023, 6, 1), D(2023, 6, 30), Companies([1]))
    day_totals = [r for r in daily if r.breakdown == ""]
    month = next(r for r in monthly if r.breakdown == "")
    num = sum(r.numerator for r in day_totals)
    den = sum(r.denominator for r in day_totals)
    assert month.value == pytest.approx(num / den * 100)
    mean_of_ratios = sum(r.value for r in day_totals) / len(day_totals)
    assert abs(mean_of_ratios - month.value) > 0.01  # the wrong way gives another number
    june = [
        r for r in rows if r["company_id"] == 1 and r["date"].month == 6 and r["date"].year == 2023
    ]
    assert month.value == pytest.approx(
        sum(r["cost"] for r in june) / sum(float(r["amount"]) for r in june) * 100
    )
    north = next(r for r in monthly if r.breakdown == "region" and r.dimension_value == "north")
    june_north = [r for r in june if r["region"] == "north"]
    assert north.value == pytest.approx(
        sum(r["cost"] for r in june_north) / sum(float(r["amount"]) for r in june_north) * 100
    )


def test_count_distinct_per_month_is_not_the_sum_of_days(sales, sales_fact):
    cur, rows = sales
    buyers = Kpi("BUYERS", aggregate=Aggregate("sales", "customer_id", "count_distinct"))
    facts = {"sales": sales_fact}
    catalogue = Catalogue([buyers], facts)
    month = compute(cur, catalogue, None, "month", D(2023, 5, 1), D(2023, 5, 31), Companies([2]))
    days = compute(cur, catalogue, None, "day", D(2023, 5, 1), D(2023, 5, 31), Companies([2]))
    may = {
        r["customer_id"]
        for r in rows
        if r["company_id"] == 2 and r["date"].strftime("%Y-%m") == "2023-05"
    }
    assert [r.value for r in month] == [len(may)]
    assert sum(r.value for r in days) > len(may)
