"""Alert conditions on crafted series."""

import datetime as dt

import pytest
from smart_dairy.alerts import AlertRuleError, Limits, Observation, Rule, evaluate, validate

START = dt.date(2025, 3, 1)


def series(values, **extra):
    return [
        Observation(START + dt.timedelta(days=i), v, **{k: w[i] for k, w in extra.items()})
        for i, v in enumerate(values)
    ]


def fired(rule, obs, first=0):
    return [o.period_start.day for o in evaluate(rule, obs, first) if o.fired]


@pytest.mark.parametrize(
    ("operator", "high", "expected"),
    [
        ("<", None, [1]),
        ("<=", None, [1, 2]),
        (">", None, [3]),
        (">=", None, [2, 3]),
        ("=", None, [2]),
        ("between", 12, [2, 3]),
        ("outside", 11, [1, 3]),
    ],
)
def test_threshold_operators(operator, high, expected):
    rule = Rule("threshold", operator=operator, threshold=10, threshold_high=high)
    assert fired(rule, series([9, 10, 12])) == expected


def test_threshold_relative_to_target_skips_periods_without_target():
    rule = Rule("threshold", operator="<", threshold=80, relative_to_target=True)
    obs = series([79, 81, 10], target=[100, 100, None])
    outcomes = evaluate(rule, obs)
    assert [o.fired for o in outcomes] == [True, False, False]
    assert outcomes[0].expected_low == pytest.approx(80)
    assert outcomes[0].reference == 100
    assert not outcomes[2].evaluated


def test_limits_give_the_worst_severity():
    rule = Rule("limits", limits=Limits(warning_high=300_000, critical_high=400_000))
    outcomes = evaluate(rule, series([250_000, 310_000, 450_000, None]))
    assert [o.severity for o in outcomes] == [None, "warning", "critical", None]
    assert not outcomes[3].evaluated


def test_limits_low_and_high():
    rule = Rule("limits", limits=Limits(warning_low=70, warning_high=95, critical_low=60))
    outcomes = evaluate(rule, series([50, 65, 80, 96]))
    assert [o.severity for o in outcomes] == ["critical", "warning", None, "warning"]


@pytest.mark.parametrize(("direction", "expected"), [("down", [1]), ("up", [3]), ("both", [1, 3])])
def test_change_against_last_year(direction, expected):
    rule = Rule("change", comparison="last_year", change_pct=10, direction=direction)
    obs = series([89, 95, 111, 50], last_year=[100, 100, 100, None])
    outcomes = evaluate(rule, obs)
    assert [o.period_start.day for o in outcomes if o.fired] == expected
    assert outcomes[0].change_pct == pytest.approx(-11)
    assert not outcomes[3].evaluated


def test_change_against_previous_exactly_at_the_limit_fires():
    rule = Rule("change", comparison="previous", change_pct=10, direction="down")
    assert fired(rule, series([90, 91], previous=[100, 100])) == [1]


def test_change_from_zero_is_not_judged():
    rule = Rule("change", comparison="previous", change_pct=10)
    assert not evaluate(rule, series([5], previous=[0]))[0].evaluated


def test_first_skips_history():
    rule = Rule("threshold", operator=">", threshold=0)
    assert [o.period_start.day for o in evaluate(rule, series([1, 2, 3]), first=2)] == [3]


@pytest.mark.parametrize(
    ("rule", "message"),
    [
        (Rule("threshold", operator="between", threshold=5, threshold_high=5), "upper threshold"),
        (Rule("threshold", operator="outside", threshold=5), "upper threshold"),
        (Rule("threshold", operator="!"), "Unknown operator"),
        (Rule("threshold", relative_to_target=True, threshold=0), "positive percentage"),
        (Rule("limits"), "no warning or critical limit"),
        (Rule("limits", limits=Limits(warning_low=9, warning_high=5)), "low limit"),
        (Rule("change", change_pct=0), "positive percentage"),
        (Rule("change", comparison="week"), "previous period"),
        (Rule("anomaly", window=2, min_history=2), "at least 3"),
        (Rule("anomaly", z_threshold=0), "standard deviations"),
        (Rule("anomaly", window=10, min_history=11), "minimum history"),
        (Rule("anomaly", direction="sideways"), "direction"),
        (Rule("spike"), "Unknown condition"),
        (Rule("threshold", severity="panic"), "Unknown severity"),
    ],
)
def test_invalid_rules_are_refused(rule, message):
    with pytest.raises(AlertRuleError, match=message):
        validate(rule)
