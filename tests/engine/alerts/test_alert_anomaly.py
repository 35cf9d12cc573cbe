"""Rolling z-score anomalies: spikes, constant series, short and gappy history."""

import datetime as dt
import statistics

import pytest
from smart_dairy.alerts import Observation, Rule, baseline, evaluate

START = dt.date(2025, 1, 6)  # a Monday


def series(values):
    return [Observation(START + dt.timedelta(days=i), v) for i, v in enumerate(values)]


NOISE = [20.0, 21.0, 19.5, 20.5, 22.0, 18.5, 20.0, 21.5, 19.0, 20.5] * 3


def test_spike_fires_with_the_independently_computed_z():
    values = [*NOISE, 14.0]
    rule = Rule("anomaly", window=30, z_threshold=2.0, min_history=10)
    outcome = evaluate(rule, series(values), first=30)[0]
    mean, std = statistics.mean(NOISE), statistics.stdev(NOISE)
    assert outcome.fired
    assert outcome.z == pytest.approx((14.0 - mean) / std)
    assert outcome.reference == pytest.approx(mean)
    assert outcome.expected_low == pytest.approx(mean - 2 * std)
    assert outcome.history_count == 30


def test_normal_value_does_not_fire_and_direction_filters():
    values = [*NOISE, 20.3, 30.0]
    assert [o.fired for o in evaluate(Rule("anomaly"), series(values), first=30)] == [
        False,
        True,
    ]
    below = Rule("anomaly", direction="down")
    assert not evaluate(below, series(values), first=31)[0].fired


def test_constant_series_fires_only_on_a_departure():
    rule = Rule("anomaly", window=10, min_history=5)
    outcomes = evaluate(rule, series([5.0] * 10 + [5.0, 6.0]), first=10)
    assert [o.fired for o in outcomes] == [False, True]
    assert outcomes[1].z is None
    assert outcomes[1].reference == 5.0


def test_too_little_history_is_not_judged():
    rule = Rule("anomaly", window=30, min_history=10)
    outcomes = evaluate(rule, series([20.0] * 5 + [100.0]), first=5)
    assert not outcomes[0].evaluated and not outcomes[0].fired


def test_missing_periods_are_skipped_not_zero():
    values = list(NOISE)
    for i in (3, 7, 12, 20):
        values[i] = None
    rule = Rule("anomaly", window=30, min_history=20)
    outcome = evaluate(rule, series([*values, 20.0]), first=30)[0]
    present = [v for v in values if v is not None]
    assert outcome.history_count == 26
    assert outcome.reference == pytest.approx(statistics.mean(present))
    assert not outcome.fired
    # Too many gaps: fewer than min_history values left in the window.
    sparse = [v if i % 3 == 0 else None for i, v in enumerate(NOISE)]
    assert not evaluate(rule, series([*sparse, 20.0]), first=30)[0].evaluated


def test_window_only_looks_back_that_many_periods():
    values = [1000.0] * 10 + NOISE[:10] + [20.0]
    rule = Rule("anomaly", window=10, min_history=5)
    outcome = evaluate(rule, series(values), first=20)[0]
    assert outcome.reference == pytest.approx(statistics.mean(NOISE[:10]))


def test_weekly_seasonal_compares_the_same_weekday():
    # Weekdays around 100, Sundays around 40: a Sunday of 42 is normal against
    # past Sundays but would be an outlier against the last 30 days.
    week = [100, 101, 99, 102, 98, 100, 40]
    values = [v + week_no * 0.5 for week_no in range(8) for v in week]  # 8 weeks, slight trend
    values += [100, 100, 100, 100, 100, 100, 42]
    last_sunday = len(values) - 1
    seasonal = Rule("anomaly", window=8, min_history=4, seasonal=True)
    flat = Rule("anomaly", window=30, min_history=10)
    assert not evaluate(seasonal, series(values), first=last_sunday)[0].fired
    assert evaluate(flat, series(values), first=last_sunday)[0].fired
    # A Monday at Sunday's level is an anomaly for the seasonal rule.
    values.append(41)
    assert evaluate(seasonal, series(values), first=last_sunday + 1)[0].fired


def test_baseline_requires_two_values_and_ignores_nan():
    assert baseline([1.0], 1) is None
    assert baseline([1.0, float("nan"), 3.0], 2).mean == 2.0
