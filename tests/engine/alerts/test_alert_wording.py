"""Alert messages read as plain sentences."""

import datetime as dt

from smart_dairy.alerts import Limits, Outcome, Rule, describe, format_number, when


def test_anomaly_message_matches_the_issue_example():
    rule = Rule("anomaly", window=30)
    outcome = Outcome(dt.date(2025, 3, 3), 18.2, True, True, "warning", reference=22.4, z=-2.6)
    text = describe(rule, outcome, "Litres per cow", "day", scope="Farm North")
    assert text == (
        "Litres per cow at Farm North fell to 18.2 on 3 March 2025, 2.6 standard "
        "deviations below its 30-day mean of 22.4."
    )


def test_threshold_relative_to_target_and_change_and_limits():
    target_rule = Rule("threshold", operator="<", threshold=80, relative_to_target=True)
    outcome = Outcome(dt.date(2025, 3, 1), 41200.0, True, True, "warning", reference=62000)
    assert describe(target_rule, outcome, "Revenue", "month") == (
        "Revenue was 41,200 in March 2025, below 80 % of its target of 62,000 (49,600)."
    )
    change = Rule("change", comparison="last_year", change_pct=10, direction="down")
    outcome = Outcome(dt.date(2025, 3, 1), 90.0, True, True, reference=100.0, change_pct=-10.0)
    assert describe(change, outcome, "Revenue", "month") == (
        "Revenue fell 10.0 % against a year earlier, to 90 in March 2025 (from 100)."
    )
    limits = Rule("limits", limits=Limits(warning_high=300_000, critical_high=400_000))
    outcome = Outcome(dt.date(2025, 3, 3), 412_000.0, True, True, "critical")
    assert describe(limits, outcome, "Average SCC", "day", scope="Farm A") == (
        "Average SCC at Farm A was 412,000 on 3 March 2025, above the critical limit of 400,000."
    )


def test_numbers_and_periods():
    assert format_number(1234567.8) == "1,234,568"
    assert format_number(0.534) == "0.53"
    assert format_number(31.0, "%") == "31 %"
    assert format_number(None) == "—"
    assert when(dt.date(2025, 1, 1), "quarter") == "in Q1 2025"
    assert when(dt.date(2025, 3, 3), "week") == "in the week of 3 March 2025"
