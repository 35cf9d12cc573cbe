"""A fired alert is described as a case and its numbers; the addon words it."""

import datetime as dt
import json

from smart_dairy.alerts import Limits, Outcome, Rule, describe, display_digits

DAY = dt.date(2025, 3, 3)


def fired(value, **kw):
    return Outcome(DAY, value, True, True, kw.pop("severity", "warning"), **kw)


def test_anomaly_with_z_score():
    rule = Rule("anomaly", window=30)
    assert describe(rule, fired(18.2, reference=22.4, z=-2.6), "day") == {
        "period_start": "2025-03-03", "grain": "day", "value": 18.2, "kind": "anomaly",
        "expected_low": None, "expected_high": None,
        "direction": "down", "mean": 22.4, "z": 2.6, "seasonal": False, "window": 30,
    }  # fmt: skip


def test_anomaly_against_a_steady_seasonal_history():
    rule = Rule("anomaly", window=8, seasonal=True)
    text = describe(rule, fired(30.0, reference=22.0, z=None), "day")
    assert (text["direction"], text["z"], text["seasonal"], text["window"]) == (
        "up", None, True, 8,
    )  # fmt: skip


def test_change_against_the_previous_period_and_last_year():
    previous = Rule("change", comparison="previous")
    text = describe(previous, fired(90.0, reference=100.0, change_pct=-10.0), "month")
    assert text == {
        "period_start": "2025-03-03", "grain": "month", "value": 90.0, "kind": "change",
        "expected_low": None, "expected_high": None,
        "direction": "down", "change_pct": 10.0, "comparison": "previous", "reference": 100.0,
    }  # fmt: skip
    last_year = Rule("change", comparison="last_year")
    text = describe(last_year, fired(120.0, reference=100.0, change_pct=20.0), "month")
    assert (text["direction"], text["change_pct"], text["comparison"]) == (
        "up", 20.0, "last_year",
    )  # fmt: skip


def test_limits_name_the_side_and_level_crossed():
    rule = Rule("limits", limits=Limits(10, 300_000, 5, 400_000))
    text = describe(rule, fired(412_000.0, severity="critical"), "day")
    assert (text["kind"], text["side"], text["level"], text["limit"]) == (
        "limits", "above", "critical", 400_000,
    )  # fmt: skip
    text = describe(rule, fired(8.0, severity="warning"), "day")
    assert (text["side"], text["level"], text["limit"]) == ("below", "warning", 10)


def test_threshold_operators():
    for operator in ("<", "<=", ">", ">=", "="):
        rule = Rule("threshold", operator=operator, threshold=50)
        text = describe(rule, fired(40.0, expected_low=50), "week")
        assert text == {
            "period_start": "2025-03-03", "grain": "week", "value": 40.0,
            "expected_low": 50, "expected_high": None,
            "kind": "threshold", "operator": operator, "low": 50, "high": None, "limit": 50,
        }  # fmt: skip
    ranged = Rule("threshold", operator="outside", threshold=10, threshold_high=20)
    text = describe(ranged, fired(25.0), "day")
    assert (text["operator"], text["low"], text["high"]) == ("outside", 10, 20)


def test_threshold_relative_to_the_target():
    rule = Rule("threshold", operator="<", threshold=80, relative_to_target=True)
    text = describe(rule, fired(41_200.0, reference=62_000), "month")
    assert text["kind"] == "threshold_target"
    assert (text["low"], text["target"], text["limit"]) == (80, 62_000, 49_600.0)
    ranged = Rule(
        "threshold", operator="between", threshold=90, threshold_high=110, relative_to_target=True
    )
    text = describe(ranged, fired(100.0, reference=100.0), "month")
    assert (text["low"], text["high"], text["limit"]) == (90, 110, None)


def test_missing_values_stay_missing():
    text = describe(Rule("threshold", relative_to_target=True), fired(None, reference=None), "day")
    assert (text["value"], text["target"], text["limit"]) == (None, None, None)
    text = describe(Rule("anomaly"), fired(None, reference=None, z=None), "day")
    assert (text["value"], text["mean"], text["z"], text["direction"]) == (None, None, None, "up")
    text = describe(Rule("change"), fired(None, reference=None, change_pct=None), "day")
    assert (text["change_pct"], text["reference"]) == (None, None)


def test_description_is_json_ready_and_digits_follow_the_size():
    text = describe(Rule("anomaly"), fired(18.2, reference=22.4, z=-2.6), "quarter")
    assert json.loads(json.dumps(text)) == text
    assert [display_digits(v) for v in (1234567.8, 18.2, 0.53, -12.0)] == [0, 1, 2, 1]
