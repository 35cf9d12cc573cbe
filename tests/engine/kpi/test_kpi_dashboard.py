import datetime as dt

import pytest
from smart_dairy.kpi import (
    Aggregate,
    Catalogue,
    Companies,
    Grain,
    Kpi,
    ValueTable,
    create_value_table,
    dashboard,
    fetch_breakdown,
    fetch_totals,
    refresh_range,
)
from smart_dairy.kpi.requests import Query

TODAY = dt.date(2026, 3, 15)  # a Sunday


@pytest.mark.parametrize(
    ("preset", "expected"),
    [
        ("today", (TODAY, TODAY)),
        ("yesterday", (dt.date(2026, 3, 14), dt.date(2026, 3, 14))),
        ("last_7_days", (dt.date(2026, 3, 9), TODAY)),
        ("last_30_days", (dt.date(2026, 2, 14), TODAY)),
        ("last_90_days", (dt.date(2025, 12, 16), TODAY)),
        ("this_month", (dt.date(2026, 3, 1), TODAY)),
        ("last_month", (dt.date(2026, 2, 1), dt.date(2026, 2, 28))),
        ("this_quarter", (dt.date(2026, 1, 1), TODAY)),
        ("year_to_date", (dt.date(2026, 1, 1), TODAY)),
    ],
)
def test_preset_range(preset, expected):
    assert dashboard.preset_range(preset, TODAY) == expected


def test_the_registry_lists_every_preset_with_a_range_and_each_filter_once():
    """Every listed preset but the custom range has a range; an unknown one says which
    exist. Each dimension filter has its own key, column and model."""
    listed = [key for key in dashboard.PRESETS if key != "custom"]
    for key in listed:
        start, end = dashboard.preset_range(key, TODAY)
        assert start <= end == min(end, TODAY)
    with pytest.raises(ValueError, match=", ".join(listed) + "$"):
        dashboard.preset_range("custom", TODAY)
    filters = dashboard.DIMENSION_FILTERS
    for field in ("key", "column", "model", "label", "title"):
        assert len({getattr(f, field) for f in filters}) == len(filters), field


def test_preset_ranges_have_the_stated_length():
    for days in (7, 30, 90):
        start, end = dashboard.preset_range(f"last_{days}_days", TODAY)
        assert (end - start).days + 1 == days


def test_last_month_in_january_is_december():
    assert dashboard.preset_range("last_month", "2026-01-10") == (
        dt.date(2025, 12, 1),
        dt.date(2025, 12, 31),
    )


def test_unknown_preset_is_refused():
    with pytest.raises(ValueError, match="Unknown date preset 'fortnight'"):
        dashboard.preset_range("fortnight", TODAY)
    with pytest.raises(ValueError):
        dashboard.preset_range("custom", TODAY)


def test_auto_grain_switches_to_months_after_92_days():
    start = dt.date(2026, 1, 1)
    assert dashboard.auto_grain(start, start + dt.timedelta(days=91)) is Grain.DAY
    assert dashboard.auto_grain(start, start + dt.timedelta(days=92)) is Grain.MONTH


def test_rank_sorts_descending_with_missing_values_last_and_cuts():
    values = {"a": 3.0, "b": None, "c": 10.0, "d": -1.0, "e": 3.0}
    assert dashboard.rank(values) == ["c", "a", "e", "d", "b"]
    assert dashboard.rank(values, top_n=2) == ["c", "a"]
    assert dashboard.rank({}) == []


def test_weekday_matrix_averages_per_weekday():
    monday = dt.date(2026, 3, 2)
    points = [(monday + dt.timedelta(days=i), float(i)) for i in range(14)]
    points.append((dt.date(2026, 3, 16), None))  # a Monday without value
    matrix = dashboard.weekday_matrix({"farm": points, "empty": []})
    # Mondays: 0 and 7; Sundays: 6 and 13
    assert matrix["farm"][0] == pytest.approx(3.5)
    assert matrix["farm"][6] == pytest.approx(9.5)
    assert matrix["empty"] == [None] * 7
    assert dashboard.WEEKDAYS[0] == "Mon"


def test_range_totals_equal_the_breakdown_cards(sales, sales_fact):
    cur, _rows = sales
    table = ValueTable()
    create_value_table(cur, table)
    dims = ("region", "product")
    revenue = Kpi("REV", aggregate=Aggregate("sales", "amount"), dimensions=dims, id=1)
    margin = Kpi(
        "MARGIN", "ratio", numerator=Aggregate("sales", "cost"),
        denominator=Aggregate("sales", "amount"), dimensions=dims, scale=100, id=2,
    )  # fmt: skip
    peak = Kpi("PEAK", aggregate=Aggregate("sales", "amount", "max"), dimensions=dims, id=3)
    gross = Kpi("GP", "formula", formula="REV - COST", id=4)
    cost = Kpi("COST", aggregate=Aggregate("sales", "cost"), dimensions=dims, id=5)
    kpis = [revenue, margin, peak, cost]
    codes = [k.code for k in kpis]
    catalogue = Catalogue([*kpis, gross], {"sales": sales_fact})
    start, end = dt.date(2023, 2, 1), dt.date(2023, 4, 30)
    refresh_range(cur, table, catalogue, ["day"], start, end, Companies([1, 2, 3]), codes=codes)
    for breakdown in dims:
        query = Query(codes, "day", start, end, breakdown)
        cards = fetch_breakdown(cur, table, catalogue, query, [1, 2])
        totals = fetch_totals(cur, table, catalogue, query, [1, 2])
        assert set(totals) == {k.code for k in kpis}
        for kpi in kpis:
            assert set(totals[kpi.code]) == set(cards[kpi.code]), (kpi.code, breakdown)
            for value, series in cards[kpi.code].items():
                assert totals[kpi.code][value] == pytest.approx(series.current.value)
        # the previous range of the totals is the cards' previous period
        before = fetch_totals(cur, table, catalogue, query, [1, 2], previous=True)
        for kpi in kpis:
            for value, series in cards[kpi.code].items():
                assert before[kpi.code].get(value) == pytest.approx(series.current.previous)
    north = fetch_totals(
        cur, table, catalogue, Query(["REV", "GP"], "day", start, end, "region",
        ["north", "nowhere"]), [1],
    )  # fmt: skip
    expected = fetch_breakdown(
        cur, table, catalogue, Query(["REV"], "day", start, end, "region", ["north"]), [1]
    )["REV"]["north"].current.value
    assert north["REV"]["north"] == pytest.approx(expected)
    assert north["REV"]["nowhere"] is None
    assert north["GP"]["north"] == pytest.approx(
        expected
        - fetch_breakdown(cur, table, catalogue, Query(["COST"], "day", start, end, "region"), [1])[
            "COST"
        ]["north"].current.value
    )


def test_growth_is_the_change_as_a_share_of_the_previous_value():
    assert dashboard.growth(120.0, 90.0) == pytest.approx(1 / 3)
    assert dashboard.growth(-30.0, -60.0) == pytest.approx(0.5)  # a smaller loss is growth
    assert dashboard.growth(10.0, 0.0) is None
    assert dashboard.growth(None, 5.0) is None
    assert dashboard.growth(5.0, None) is None
