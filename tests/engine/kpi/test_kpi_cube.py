"""The daily cube answers several dimension filters at once as the facts do."""

import dataclasses
import datetime as dt
import itertools

import pytest
from smart_dairy.kpi import (
    Aggregate,
    Catalogue,
    Companies,
    CubeTable,
    DistinctCounter,
    Kpi,
    ValueTable,
    create_cube_table,
    create_value_table,
    fetch,
    fetch_filtered,
    fetch_totals,
    refresh_incremental,
    refresh_range,
)
from smart_dairy.kpi.requests import Query

D = dt.date
TABLE = ValueTable()
CUBE = CubeTable(dimensions=("region", "product", "channel"))
ALL = ("region", "product", "channel")
KPIS = [
    Kpi("REV", aggregate=Aggregate("sales", "amount"), dimensions=ALL, id=1),
    Kpi("AVG_QTY", aggregate=Aggregate("sales", "qty", "avg"), dimensions=ALL, id=2),
    Kpi(
        "PROMOS",
        aggregate=Aggregate("sales", None, "count", (("promo", "=", True),)),
        dimensions=("region", "channel"),
        id=3,
    ),
    Kpi(
        "COST_PCT",
        "ratio",
        numerator=Aggregate("sales", "cost", domain=(("promo", "=", True),)),
        denominator=Aggregate("sales", "amount"),
        scale=100,
        dimensions=("region", "product"),
        id=4,
    ),
    Kpi("PEAK", aggregate=Aggregate("sales", "amount", "max"), dimensions=ALL, id=5),
    Kpi(
        "BUYERS",
        aggregate=Aggregate("sales", "customer_id", "count_distinct"),
        dimensions=("region", "product"),
        id=6,
    ),
    Kpi("COST", aggregate=Aggregate("sales", "cost"), dimensions=("region",), id=7),
    Kpi("GP", "formula", formula="REV - COST", id=8),
    Kpi(
        "QTY_MONTHLY",
        aggregate=Aggregate("sales", "qty"),
        dimensions=ALL,
        grains=("month",),
        id=9,
    ),
]
CODES = [kpi.code for kpi in KPIS]
FILTERS = [
    {"region": ["north"], "product": ["milk", "cheese"]},
    {"region": ["south"], "channel": ["web"], "product": ["butter"]},
    {"product": ["yogurt"], "channel": ["shop", "wholesale"]},
    {"region": ["nowhere"], "product": ["milk"]},  # no rows: no data
    {"region": [None], "channel": [None]},  # rows without a region nor a channel
    {"region": ["east", None], "product": ["cheese"]},
]


@pytest.fixture
def cube(sales, sales_fact):
    cur, rows = sales
    fact = dataclasses.replace(
        sales_fact, dimensions={"region": "region", "product": "product", "channel": "channel"}
    )
    catalogue = Catalogue(KPIS, {"sales": fact})
    create_value_table(cur, TABLE)
    create_cube_table(cur, CUBE)
    refresh_range(
        cur, TABLE, catalogue, ["day", "month"], D(2023, 1, 1), D(2024, 5, 31),
        Companies([1, 2]), cube=CUBE,
    )  # fmt: skip
    return cur, rows, catalogue


def read(cur, catalogue, query, filters, companies, cube):
    zones = {"UTC": companies}
    counter = DistinctCounter(cur, TABLE, catalogue, zones)
    return fetch_filtered(cur, catalogue, query, filters, zones, counter, cube)


def assert_same(got, expected):
    assert got.keys() == expected.keys()
    for code in got:
        a, b = got[code], expected[code]
        for x, y in zip([a.current, *a.points], [b.current, *b.points], strict=True):
            for field in ("value", "previous", "last_year"):
                u, v = getattr(x, field), getattr(y, field)
                assert (u is None) == (v is None), (code, x.period_start, field, u, v)
                if v is not None:
                    assert u == pytest.approx(v, rel=1e-12), (code, x.period_start, field)


QUERIES = [
    Query(CODES, "day", D(2024, 3, 1), D(2024, 3, 14)),
    Query(CODES, "month", D(2024, 1, 1), D(2024, 5, 31)),
    Query(CODES, "week", D(2024, 2, 5), D(2024, 4, 28)),
]


def test_cube_answers_every_filter_combination_as_the_facts_do(cube):
    cur, _rows, catalogue = cube
    for query, filters, companies in itertools.product(QUERIES, FILTERS, ([1, 2], [2])):
        expected = read(cur, catalogue, query, filters, companies, None)
        assert_same(read(cur, catalogue, query, filters, companies, CUBE), expected)
    # some figures are there, and an empty combination has none
    march = read(cur, catalogue, QUERIES[0], FILTERS[0], [1, 2], CUBE)
    assert march["REV"].current.value and march["COST_PCT"].current.value
    empty = read(cur, catalogue, QUERIES[0], FILTERS[3], [1, 2], CUBE)
    assert all(series.current.value is None for series in empty.values())


def test_cube_rows_come_from_the_cube_and_follow_incremental_refreshes(cube):
    cur, rows, catalogue = cube
    query, filters = QUERIES[1], FILTERS[0]
    before = read(cur, catalogue, query, filters, [1, 2], CUBE)
    # By hand: north milk and cheese of companies 1 and 2 in March 2024.
    march = [
        r for r in rows
        if r["company_id"] in (1, 2) and r["region"] == "north"
        and r["product"] in ("milk", "cheese") and D(2024, 3, 1) <= r["date"] <= D(2024, 3, 31)
    ]  # fmt: skip
    assert before["REV"].points[2].value == pytest.approx(sum(float(r["amount"]) for r in march))
    # Another company's rows are not in the cube: the run was for companies 1 and 2.
    cur.execute("SELECT count(*) FROM smart_dairy_kpi_cube WHERE company_id = 3")
    assert cur.fetchone()[0] == 0
    cur.execute("SELECT DISTINCT kpi_id FROM smart_dairy_kpi_cube ORDER BY 1")
    assert [r[0] for r in cur.fetchall()] == [1, 2, 3, 4, 5, 6]
    cur.execute("SELECT max(changed_at) FROM fact_sales")
    watermark = cur.fetchone()[0]
    later = watermark + dt.timedelta(hours=1)
    cur.execute(
        "UPDATE fact_sales SET amount = amount + 1000, changed_at = %s WHERE id = ("
        "SELECT min(id) FROM fact_sales WHERE company_id = 1 AND region = 'north' "
        "AND product = 'milk' AND date BETWEEN '2024-03-01' AND '2024-03-31')",
        [later],
    )
    cur.execute(
        "INSERT INTO fact_sales (id, company_id, date, region, product, customer_id, qty, "
        "amount, cost, channel, promo, changed_at) "
        "VALUES (99999, 2, '2024-04-02', 'north', 'cheese', 5, 3, 30, 12, 'web', true, %s)",
        [later],
    )
    # Until refreshed, the KPIs the cube holds still give the stored figures.
    held = [code for code in CODES if CUBE.holds(catalogue[code])]
    stale = read(cur, catalogue, query, filters, [1, 2], CUBE)
    assert_same({c: stale[c] for c in held}, {c: before[c] for c in held})
    result = refresh_incremental(
        cur, TABLE, catalogue, ["day", "month"], {"sales": watermark}, Companies([1, 2]),
        overlap=dt.timedelta(0), cube=CUBE,
    )  # fmt: skip
    assert result.cube_rows > 0
    after = read(cur, catalogue, query, filters, [1, 2], CUBE)
    assert after["REV"].points[2].value == pytest.approx(before["REV"].points[2].value + 1000)
    assert_same(after, read(cur, catalogue, query, filters, [1, 2], None))
    for filters in FILTERS:
        live = read(cur, catalogue, QUERIES[2], filters, [1, 2], None)
        assert_same(read(cur, catalogue, QUERIES[2], filters, [1, 2], CUBE), live)
    # A full refresh of the same days gives the same rows as the incremental one.
    cur.execute("SELECT * FROM smart_dairy_kpi_cube ORDER BY 1, 2, 3, 4, 5, 6, 7, 8, 9")
    incremental = cur.fetchall()
    refresh_range(
        cur, TABLE, catalogue, ["day"], D(2024, 3, 1), D(2024, 4, 30), Companies([1, 2]),
        cube=CUBE,
    )  # fmt: skip
    cur.execute("SELECT * FROM smart_dairy_kpi_cube ORDER BY 1, 2, 3, 4, 5, 6, 7, 8, 9")
    assert cur.fetchall() == incremental


def test_distinct_counts_by_one_dimension_over_a_range_read_the_cube(cube):
    """A distinct count filtered or ranked by one dimension over several periods
    counts the cube's members, as the distinct counter counts the fact."""
    cur, _rows, catalogue = cube
    query = Query(["BUYERS"], "month", D(2024, 1, 1), D(2024, 5, 31), "region", ["north", ""])
    zones = {"UTC": [1, 2]}
    counters = [DistinctCounter(cur, TABLE, catalogue, zones, c) for c in (None, CUBE)]
    live, stored = (fetch(cur, TABLE, catalogue, query, [1, 2], distinct=c) for c in counters)
    assert_same(stored, live)
    assert stored["BUYERS"].current.value
    card = stored["BUYERS"].current
    ranked = dataclasses.replace(query, dimension_values=None)
    live, stored = (
        fetch_totals(cur, TABLE, catalogue, ranked, [1, 2], distinct=c) for c in counters
    )
    assert stored == live and len(stored["BUYERS"]) == 4  # three regions and none
    cur.execute("DELETE FROM fact_sales")  # the cube's answers no longer need the fact
    assert fetch_totals(cur, TABLE, catalogue, ranked, [1, 2], distinct=counters[1]) == live
    again = fetch(cur, TABLE, catalogue, query, [1, 2], distinct=counters[1])["BUYERS"]
    assert again.current == card


def test_what_the_cube_holds():
    kpis = {kpi.code: kpi for kpi in KPIS}
    held = [code for code in CODES if CUBE.holds(kpis[code])]
    # not a KPI of one cube dimension, a formula, a monthly KPI
    assert held == ["REV", "AVG_QTY", "PROMOS", "COST_PCT", "PEAK", "BUYERS"]
    assert CUBE.answers(kpis["REV"], {"region": ["north"], "product": ["milk"]})
    # a filter on a dimension the KPI does not have does not apply to it
    assert CUBE.answers(kpis["REV"], {"region": ["north"], "customer": ["7"]})
    narrow = CubeTable(dimensions=("region", "product"))
    assert not narrow.answers(kpis["REV"], {"region": ["north"], "channel": ["web"]})
    assert not CubeTable(dimensions=("region",)).holds(kpis["REV"])
