import dataclasses
import datetime as dt

import psycopg2.extensions
import pytest
from smart_dairy.kpi import (
    Aggregate,
    Catalogue,
    Companies,
    DistinctCounter,
    Kpi,
    KpiValueRow,
    Scope,
    ValueTable,
    compute,
    create_value_table,
    fetch,
    fetch_breakdown,
    fetch_filtered,
    fetch_totals,
    refresh_range,
    write,
)
from smart_dairy.kpi.requests import Query

D = dt.date
TABLE = ValueTable()
REV = Kpi("REV", aggregate=Aggregate("sales", "amount"), dimensions=("region",), id=1)
MARGIN = Kpi(
    "MARGIN",
    "ratio",
    numerator=Aggregate("sales", "cost"),
    denominator=Aggregate("sales", "amount"),
    scale=100,
    id=2,
)
PEAK = Kpi("PEAK", aggregate=Aggregate("sales", "amount", "max"), id=3)
BUYERS = Kpi("BUYERS", aggregate=Aggregate("sales", "customer_id", "count_distinct"), id=4)
COST = Kpi("COST", aggregate=Aggregate("sales", "cost"), id=5)
GP = Kpi("GP", "formula", formula="REV - COST", id=6)
CURRENT = [D(2024, 3, 1), D(2024, 3, 2), D(2024, 3, 3)]
PREVIOUS = [D(2024, 2, 27), D(2024, 2, 28), D(2024, 2, 29)]
LAST_YEAR = [D(2023, 3, 1), D(2023, 3, 2), D(2023, 3, 3)]


def rev(c, d):
    return 100.0 * c + d.day


def cost(c, d):
    return 40.0 * c + d.day


def margin(c, d):
    return c * (d.day + 1.0), 10.0 * c + d.day


def peak(c, d):
    return 10.0 * c + d.day


def crafted_rows():
    rows = []
    for c in (1, 2):
        for d in CURRENT + PREVIOUS + LAST_YEAR:
            if not (c == 2 and d == D(2023, 3, 3)):  # a gap: no REV of company 2 that day
                rows.append(KpiValueRow(1, "REV", c, "day", d, "", "", rev(c, d), None, rev(c, d)))
            for region, share in (("north", 0.25), ("south", 0.75)):
                v = rev(c, d) * share
                rows.append(KpiValueRow(1, "REV", c, "day", d, "region", region, v, None, v))
            num, den = margin(c, d)
            rows.append(KpiValueRow(2, "MARGIN", c, "day", d, "", "", num, den, num / den * 100))
            rows.append(KpiValueRow(3, "PEAK", c, "day", d, "", "", peak(c, d), None, peak(c, d)))
            if d != D(2023, 3, 1):
                rows.append(KpiValueRow(4, "BUYERS", c, "day", d, "", "", 3.0 + c, None, 3.0 + c))
            rows.append(KpiValueRow(5, "COST", c, "day", d, "", "", cost(c, d), None, cost(c, d)))
    return rows


class CountingCursor(psycopg2.extensions.cursor):
    executed = 0

    def execute(self, query, vars=None):
        CountingCursor.executed += 1
        return super().execute(query, vars)


@pytest.fixture
def cur(conn):
    cur = conn.cursor(cursor_factory=CountingCursor)
    create_value_table(cur, TABLE)
    scope = Scope((1, 2, 3, 4, 5), (1, 2), "day", D(2023, 1, 1), D(2024, 12, 31))
    write(cur, TABLE, crafted_rows(), scope)
    return cur


def total(fn, days, companies=(1, 2), skip=()):
    return sum(fn(c, d) for c in companies for d in days if (c, d) not in skip)


def test_points_compare_with_previous_period_and_last_year(cur, catalogue_of):
    CountingCursor.executed = 0
    targets = [("REV", "day", d, "", 300.0) for d in CURRENT] + [
        (2, "day", d, "", 50.0) for d in CURRENT
    ]
    catalogue = catalogue_of(REV, MARGIN, PEAK, BUYERS, GP, COST)
    query = Query(["REV", "MARGIN", "PEAK", "BUYERS", "GP"], "day", D(2024, 3, 1), D(2024, 3, 3))
    result = fetch(cur, TABLE, catalogue, query, [1, 2], targets=targets)
    assert CountingCursor.executed == 1  # one round trip for five KPIs
    assert set(result) == {"REV", "MARGIN", "PEAK", "BUYERS", "GP"}
    series = result["REV"]
    assert [p.label for p in series.points] == ["2024-03-01", "2024-03-02", "2024-03-03"]
    first, _, third = series.points
    assert first.value == total(rev, [D(2024, 3, 1)])
    assert first.previous == total(rev, [D(2024, 2, 29)])  # leap day precedes 1 March
    assert first.last_year == total(rev, [D(2023, 3, 1)])
    assert first.delta_previous == first.value - first.previous
    assert first.delta_previous_pct == pytest.approx(
        (first.value - first.previous) / first.previous
    )
    assert first.target == 300.0
    assert first.achievement == pytest.approx(first.value / 300.0)
    assert third.last_year == rev(1, D(2023, 3, 3))  # company 2 has no value that day
    assert series.series == [p.value for p in series.points]
    card = series.current
    assert card.label == "2024-03-01 to 2024-03-03"
    assert card.value == total(rev, CURRENT)
    assert card.previous == total(rev, PREVIOUS)
    assert card.last_year == total(rev, LAST_YEAR, skip={(2, D(2023, 3, 3))})
    assert card.target == 900.0
    assert card.delta_last_year == pytest.approx(card.value - card.last_year)

    ratio = result["MARGIN"].current
    num = total(lambda c, d: margin(c, d)[0], CURRENT)
    den = total(lambda c, d: margin(c, d)[1], CURRENT)
    assert ratio.value == pytest.approx(num / den * 100)
    mean = sum(margin(c, d)[0] / margin(c, d)[1] * 100 for c in (1, 2) for d in CURRENT) / 6
    assert abs(mean - ratio.value) > 1e-6
    assert ratio.target == 50.0  # mean of the period targets for a ratio
    assert result["MARGIN"].points[1].value == pytest.approx(
        total(lambda c, d: margin(c, d)[0], [D(2024, 3, 2)])
        / total(lambda c, d: margin(c, d)[1], [D(2024, 3, 2)])
        * 100
    )

    assert result["PEAK"].current.value == max(peak(c, d) for c in (1, 2) for d in CURRENT)
    assert result["PEAK"].points[0].value == peak(2, D(2024, 3, 1))

    buyers = result["BUYERS"]
    assert buyers.current.value is None  # distinct counts do not add up over days
    assert buyers.points[0].value == 9.0  # 4 + 5: companies add up
    assert buyers.points[0].last_year is None  # no data: None, not zero
    assert buyers.points[0].delta_last_year is None

    gp = result["GP"]
    assert gp.current.value == pytest.approx(total(rev, CURRENT) - total(cost, CURRENT))
    assert gp.points[2].last_year == pytest.approx(
        rev(1, D(2023, 3, 3)) - total(cost, [D(2023, 3, 3)])
    )


def test_companies_and_dimension_filters(cur, catalogue_of):
    catalogue = catalogue_of(REV, BUYERS)
    march = Query(["REV"], "day", D(2024, 3, 1), D(2024, 3, 3))
    one = fetch(cur, TABLE, catalogue, march, [1])["REV"]
    assert one.current.value == total(rev, CURRENT, companies=(1,))
    north = fetch(
        cur, TABLE, catalogue, dataclasses.replace(march, breakdown="region",
        dimension_values=["north"]), [1, 2],
        targets=[("REV", "day", D(2024, 3, 1), "north", 50.0)],
    )["REV"]  # fmt: skip
    assert north.current.value == pytest.approx(total(rev, CURRENT) * 0.25)
    assert north.points[0].achievement == pytest.approx(north.points[0].value / 50.0)
    assert north.current.target is None  # targets missing for two of the days
    both = fetch(
        cur, TABLE, catalogue, dataclasses.replace(march, breakdown="region",
        dimension_values=["north", "south"]), [1, 2],
    )["REV"]  # fmt: skip
    assert both.current.value == pytest.approx(total(rev, CURRENT))
    split = fetch_breakdown(
        cur, TABLE, catalogue, dataclasses.replace(march, breakdown="region"), [2]
    )["REV"]
    assert sorted(split) == ["north", "south"]
    assert split["south"].current.value == pytest.approx(total(rev, CURRENT, (2,)) * 0.75)
    single_day = fetch(
        cur, TABLE, catalogue, Query(["BUYERS"], "day", D(2024, 3, 2), D(2024, 3, 2)), [1, 2]
    )
    assert single_day["BUYERS"].current.value == 9.0


def test_cards_roll_up_like_the_source_data(sales, sales_fact):
    """Daily values re-aggregated by fetch equal the quarter computed from the fact."""
    cur, _ = sales
    create_value_table(cur, TABLE)
    avg_qty = Kpi("AVG_QTY", aggregate=Aggregate("sales", "qty", "avg"), id=7)
    low = Kpi("LOW", aggregate=Aggregate("sales", "amount", "min"), id=8)
    kpis = [REV, MARGIN, PEAK, COST, GP, avg_qty, low]
    catalogue = Catalogue(kpis, {"sales": sales_fact})
    companies = Companies([1, 2])
    refresh_range(cur, TABLE, catalogue, ["day"], D(2024, 1, 1), D(2024, 3, 31), companies)
    query = Query([k.code for k in kpis], "day", D(2024, 1, 1), D(2024, 3, 31))
    cards = fetch(cur, TABLE, catalogue, query, [1, 2])
    quarter = compute(cur, catalogue, None, "quarter", D(2024, 1, 1), D(2024, 3, 31), companies)
    for kpi in kpis:
        per_company = [r for r in quarter if r.kpi == kpi.code and r.breakdown == ""]
        if kpi.is_quotient:
            expected = (
                sum(r.numerator for r in per_company)
                / sum(r.denominator for r in per_company)
                * kpi.scale
            )
        elif kpi.rollup in ("min", "max"):
            expected = (min if kpi.rollup == "min" else max)(r.value for r in per_company)
        else:
            expected = sum(r.value for r in per_company)
        assert cards[kpi.code].current.value == pytest.approx(expected), kpi.code


def test_days_in_a_formula_card_counts_the_whole_range(cur, catalogue_of):
    per_day = Kpi("REV_PER_DAY", "formula", formula="REV / DAYS", id=7)
    query = Query(["REV_PER_DAY"], "day", CURRENT[0], CURRENT[-1])
    result = fetch(cur, TABLE, catalogue_of(per_day, REV), query, [1, 2])
    series = result["REV_PER_DAY"]
    assert series.current.value == pytest.approx(total(rev, CURRENT) / 3)
    assert series.points[0].value == pytest.approx(total(rev, CURRENT[:1]))


def test_distinct_counts_over_a_range_come_from_the_fact(sales, sales_fact):
    """Buyers over a month: counted once each from the fact, not summed over days."""
    cur, rows = sales
    create_value_table(cur, TABLE)
    buyers = Kpi(
        "BUYERS", aggregate=Aggregate("sales", "customer_id", "count_distinct"),
        dimensions=("region",), id=4,
    )  # fmt: skip
    catalogue = Catalogue([buyers], {"sales": sales_fact})
    refresh_range(cur, TABLE, catalogue, ["day"], D(2024, 1, 1), D(2024, 3, 31), Companies([1, 2]))
    rows = [r for r in rows if r["company_id"] in (1, 2)]
    march = [r for r in rows if D(2024, 3, 1) <= r["date"] <= D(2024, 3, 31)]
    north = {r["customer_id"] for r in march if r["region"] == "north" and r["company_id"] == 1}
    counter = DistinctCounter(cur, TABLE, catalogue, {"UTC": [1, 2]})
    march_buyers = Query(["BUYERS"], "day", D(2024, 3, 1), D(2024, 3, 31))
    card = fetch(cur, TABLE, catalogue, march_buyers, [1, 2], distinct=counter)["BUYERS"]
    assert card.current.value == len({r["customer_id"] for r in march})
    assert card.current.value < sum(p.value or 0 for p in card.points)
    february = {r["customer_id"] for r in rows if D(2024, 1, 31) <= r["date"] < D(2024, 3, 1)}
    assert card.current.previous == len(february)  # the 31 days before March
    assert card.points[4].value == len({r["customer_id"] for r in march if r["date"].day == 5})
    only_a = DistinctCounter(cur, TABLE, catalogue, {"UTC": [1]})
    north_buyers = dataclasses.replace(march_buyers, breakdown="region", dimension_values=["north"])
    split = fetch(cur, TABLE, catalogue, north_buyers, [1], distinct=only_a)["BUYERS"]
    assert split.current.value == len(north)
    # Rows without a region count under the empty value, as they are stored.
    no_region = {r["customer_id"] for r in march if r["region"] is None and r["company_id"] == 1}
    assert no_region
    unset = dataclasses.replace(north_buyers, dimension_values=[""])
    assert fetch(cur, TABLE, catalogue, unset, [1], distinct=only_a)["BUYERS"].current.value == (
        len(no_region)
    )
    # Ranked by region, each region's buyers over the month, counted once each.
    by_region = dataclasses.replace(march_buyers, breakdown="region")
    totals = fetch_totals(cur, TABLE, catalogue, by_region, [1], distinct=only_a)["BUYERS"]
    a_march = [r for r in march if r["company_id"] == 1]
    assert totals == {
        (region or ""): len({r["customer_id"] for r in a_march if r["region"] == region})
        for region in {r["region"] for r in a_march}
    }
    assert set(fetch_totals(cur, TABLE, catalogue, by_region, [1])["BUYERS"].values()) == {None}
    without = fetch(cur, TABLE, catalogue, march_buyers, [1, 2])
    assert without["BUYERS"].current.value is None
    # Broken down by the customer it counts, the range is counted from the stored
    # values alone: the same figure with the fact emptied.
    by_customer = dataclasses.replace(
        sales_fact, dimensions={"region": "region", "customer_id": "customer_id"}
    )
    stored = dataclasses.replace(buyers, code="BUYERS_STORED", dimensions=("customer_id",), id=9)
    catalogue = Catalogue([stored], {"sales": by_customer})
    refresh_range(cur, TABLE, catalogue, ["day"], D(2024, 3, 1), D(2024, 3, 31), Companies([1, 2]))
    cur.execute("DELETE FROM fact_sales")
    counter = DistinctCounter(cur, TABLE, catalogue, {"UTC": [1, 2]})
    query = Query(["BUYERS_STORED"], "day", D(2024, 3, 1), D(2024, 3, 31))
    card = fetch(cur, TABLE, catalogue, query, [1, 2], distinct=counter)["BUYERS_STORED"]
    assert card.current.value == len({r["customer_id"] for r in march})


def test_several_filters_at_once_are_computed_from_the_fact(sales, sales_fact):
    """Revenue of the north region and milk together, as the rows add up."""
    cur, rows = sales
    revenue = Kpi(
        "REV2", aggregate=Aggregate("sales", "amount"), dimensions=("region", "product"), id=11
    )
    cost = Kpi("COST2", aggregate=Aggregate("sales", "cost"), dimensions=("region",), id=12)
    profit = Kpi("PROFIT2", "formula", formula="REV2 - COST2", id=13)
    buyers = Kpi(
        "BUYERS2", aggregate=Aggregate("sales", "customer_id", "count_distinct"),
        dimensions=("region", "product"), id=14,
    )  # fmt: skip
    filters = {"region": ["north"], "product": ["milk", "cheese"]}
    catalogue = Catalogue([revenue, profit, buyers, cost], {"sales": sales_fact})
    counter = DistinctCounter(cur, TABLE, catalogue, {"UTC": [1, 2]})
    query = Query(["REV2", "PROFIT2", "BUYERS2"], "day", D(2024, 3, 1), D(2024, 3, 31))
    result = fetch_filtered(cur, catalogue, query, filters, {"UTC": [1, 2]}, distinct=counter)

    def rows_in(first, last, product=True):
        return [
            r for r in rows
            if r["company_id"] in (1, 2) and first <= r["date"] <= last
            and r["region"] == "north" and (not product or r["product"] in ("milk", "cheese"))
        ]  # fmt: skip

    march = rows_in(D(2024, 3, 1), D(2024, 3, 31))
    assert result["REV2"].current.value == pytest.approx(sum(float(r["amount"]) for r in march))
    february = rows_in(D(2024, 1, 31), D(2024, 2, 29))
    assert result["REV2"].current.previous == pytest.approx(
        sum(float(r["amount"]) for r in february)
    )
    last_year = rows_in(D(2023, 3, 1), D(2023, 3, 31))
    assert result["REV2"].current.last_year == pytest.approx(
        sum(float(r["amount"]) for r in last_year)
    )
    # COST2 has no product dimension: the formula takes it filtered by region only.
    north_cost = sum(r["cost"] for r in rows_in(D(2024, 3, 1), D(2024, 3, 31), product=False))
    assert result["PROFIT2"].current.value == pytest.approx(
        sum(float(r["amount"]) for r in march) - north_cost
    )
    assert result["BUYERS2"].current.value == len({r["customer_id"] for r in march})
    day = min(r["date"] for r in march)
    point = result["REV2"].points[(day - D(2024, 3, 1)).days]
    assert point.value == pytest.approx(sum(float(r["amount"]) for r in march if r["date"] == day))
    sold = {r["date"] for r in march}
    assert [p.period_start for p in result["REV2"].points if p.value is None] == [
        p.period_start for p in result["REV2"].points if p.period_start not in sold
    ]  # a day without such sales has no value, not zero
