"""An undefined value (a ratio or formula over zero) stays undefined from the
computation through storage, reading and alert rules: None, never 0."""

import dataclasses
import datetime as dt

import pytest
from smart_dairy.alerts import Limits, Observation, Rule, evaluate
from smart_dairy.kpi import (
    Aggregate,
    Catalogue,
    Companies,
    Kpi,
    ValueTable,
    compute,
    create_value_table,
    fetch,
    fetch_totals,
    formula,
    refresh_range,
)
from smart_dairy.kpi.dashboard import rank
from smart_dairy.kpi.requests import Query

D = dt.date
TABLE = ValueTable()
REV = Kpi("REV", aggregate=Aggregate("sales", "amount"), dimensions=("region",), id=10)
# Over the revenue of a region that does not exist: a denominator of zero.
SHARE = Kpi(
    "SHARE",
    "ratio",
    numerator=Aggregate("sales", "amount"),
    denominator=Aggregate("sales", "amount", domain=[("region", "=", "nowhere")]),
    dimensions=("region",),
    id=11,
)
OVER_ZERO = Kpi("OVER_ZERO", "formula", formula="REV / (REV - REV)", dimensions=("region",), id=12)
KPIS = [REV, SHARE, OVER_ZERO]


def test_the_formula_evaluator_answers_none_on_division_by_zero():
    assert formula.evaluate("AA / (BB - BB)", {"AA": 5.0, "BB": 2.0}) is None
    assert formula.evaluate("max(AA / BB, 1)", {"AA": 5.0, "BB": 0.0}) is None
    assert formula.evaluate("AA / BB", {"AA": 0.0, "BB": 2.0}) == 0.0


def test_values_over_zero_are_computed_as_none(sales, sales_fact):
    cur, _ = sales
    catalogue = Catalogue(KPIS, {"sales": sales_fact})
    rows = compute(cur, catalogue, None, "month", D(2023, 4, 1), D(2023, 5, 31), Companies([1, 2]))
    shares = [row for row in rows if row.kpi == "SHARE"]
    assert shares
    assert all(row.value is None and row.numerator > 0 for row in shares)
    assert all(row.denominator == 0 for row in shares)
    # A formula's undefined value is not stored at all: no row can read as 0.
    assert not [row for row in rows if row.kpi == "OVER_ZERO"]
    assert all(row.value for row in rows if row.kpi == "REV")


@pytest.fixture
def catalogue(sales_fact):
    return Catalogue(KPIS, {"sales": sales_fact})


@pytest.fixture
def stored(sales, catalogue):
    cur, _ = sales
    create_value_table(cur, TABLE)
    refresh_range(cur, TABLE, catalogue, ["day"], D(2023, 4, 1), D(2023, 4, 30), Companies([1, 2]))
    return cur


def test_reading_gives_none_for_cards_points_and_comparisons(stored, catalogue):
    week = Query([k.code for k in KPIS], "day", D(2023, 4, 10), D(2023, 4, 16))
    result = fetch(stored, TABLE, catalogue, week, [1, 2])
    assert result["REV"].current.value > 0
    for code in ("SHARE", "OVER_ZERO"):
        series = result[code]
        assert series.current.value is None, code
        assert series.current.previous is None
        assert series.current.delta_previous is None
        assert series.current.achievement is None
        assert series.series == [None] * 7, code
    totals = fetch_totals(
        stored, TABLE, catalogue, dataclasses.replace(week, breakdown="region"), [1, 2]
    )
    assert set(totals["SHARE"].values()) == {None}
    assert set(totals["OVER_ZERO"].values()) == {None}
    # Ranked, undefined values come last, after every real value (even negative ones).
    assert rank({"a": None, "b": -5.0, "c": 0.0}) == ["c", "b", "a"]


@pytest.mark.parametrize(
    "rule",
    [
        Rule("threshold", operator="<", threshold=1e12),
        Rule("threshold", operator="outside", threshold=1.0, threshold_high=2.0),
        Rule("limits", limits=Limits(warning_low=1.0, critical_low=0.5)),
        Rule("change", change_pct=1.0),
        Rule("anomaly", window=3, min_history=2),
    ],
)
def test_no_rule_fires_on_an_undefined_value(stored, catalogue, rule):
    april = Query(["SHARE", "OVER_ZERO"], "day", D(2023, 4, 1), D(2023, 4, 30))
    result = fetch(stored, TABLE, catalogue, april, [1])
    for series in result.values():
        observations = [
            Observation(p.period_start, p.value, p.target, p.previous, p.last_year)
            for p in series.points
        ]
        outcomes = evaluate(rule, observations)
        assert len(outcomes) == 30
        assert not [o for o in outcomes if o.fired or o.evaluated]
    # The same rule judges a zero, which is a value.
    zero = evaluate(rule, [Observation(D(2023, 4, 1), 0.0, previous=1.0)])
    assert zero[0].value == 0.0
