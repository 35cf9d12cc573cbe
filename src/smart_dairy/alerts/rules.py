"""Alert rules and their evaluation on a KPI series.

A series is a list of Observations, one per period in order (a period without
data has value None). ``evaluate`` returns one Outcome per evaluated period,
fired or not, so callers can both raise alerts and resolve those that cleared.
"""

import dataclasses
import datetime as dt
import math

from . import stats

CONDITIONS = ("threshold", "limits", "change", "anomaly")
OPERATORS = ("<", "<=", ">", ">=", "=", "between", "outside")
SEVERITIES = ("info", "warning", "critical")


class AlertRuleError(ValueError):
    """A rule whose configuration cannot be evaluated."""


@dataclasses.dataclass(frozen=True)
class Limits:
    """A KPI's warning and critical limits; None where a limit is not set."""

    warning_low: float | None = None
    warning_high: float | None = None
    critical_low: float | None = None
    critical_high: float | None = None


@dataclasses.dataclass(frozen=True)
class Rule:
    """What fires an alert.

    - threshold: ``value <operator> threshold`` (``threshold_high`` too for
      between/outside); with ``relative_to_target`` the thresholds are
      percentages of the period's target (80 = 80 % of target).
    - limits: the KPI's own warning/critical limits; the severity is the worst
      limit crossed.
    - change: the change against the previous period (``comparison``
      "previous") or the same period last year ("last_year") passes
      ``change_pct`` percent in ``direction`` ("down", "up" or "both").
    - anomaly: the value lies ``z_threshold`` standard deviations or more from
      the mean of the last ``window`` periods (``seasonal``: the same weekday of
      the last ``window`` weeks), in ``direction``; at least ``min_history``
      values of that window must exist.
    """

    condition: str
    severity: str = "warning"
    operator: str = "<"
    threshold: float = 0.0
    threshold_high: float | None = None
    relative_to_target: bool = False
    limits: Limits = Limits()
    comparison: str = "previous"
    change_pct: float = 10.0
    direction: str = "both"
    window: int = 30
    z_threshold: float = 2.0
    min_history: int = 10
    seasonal: bool = False


@dataclasses.dataclass(frozen=True)
class Observation:
    """A KPI value of one period with what it is compared with."""

    period_start: dt.date
    value: float | None
    target: float | None = None
    previous: float | None = None
    last_year: float | None = None


@dataclasses.dataclass(frozen=True)
class Outcome:
    """The verdict on one period. ``evaluated`` is False when the period could not
    be judged (no value, no target, too little history); ``expected_low`` and
    ``expected_high`` are the bounds the value should stay within (None for
    open ends); ``reference`` is what the value was compared with (target,
    earlier value or mean) and ``z`` the z-score of an anomaly."""

    period_start: dt.date
    value: float | None
    fired: bool
    evaluated: bool
    severity: str | None = None
    expected_low: float | None = None
    expected_high: float | None = None
    reference: float | None = None
    change_pct: float | None = None
    z: float | None = None
    history_count: int = 0


def validate(rule):
    """Raise AlertRuleError saying in plain words what is wrong with ``rule``."""
    if rule.condition not in CONDITIONS:
        raise AlertRuleError(f"Unknown condition {rule.condition!r}.")
    if rule.severity not in SEVERITIES:
        raise AlertRuleError(f"Unknown severity {rule.severity!r}.")
    if rule.condition == "threshold":
        if rule.operator not in OPERATORS:
            raise AlertRuleError(f"Unknown operator {rule.operator!r}.")
        ranged = rule.operator in ("between", "outside")
        if ranged and (rule.threshold_high is None or rule.threshold_high <= rule.threshold):
            raise AlertRuleError(
                "A range needs an upper threshold greater than the lower threshold."
            )
        if rule.relative_to_target and rule.threshold <= 0:
            raise AlertRuleError(
                "A threshold relative to the target must be a positive percentage."
            )
    elif rule.condition == "limits":
        lim = rule.limits
        if all(v is None for v in dataclasses.astuple(lim)):
            raise AlertRuleError("The KPI has no warning or critical limit to watch.")
        pairs = ((lim.warning_low, lim.warning_high), (lim.critical_low, lim.critical_high))
        for low, high in pairs:
            if low is not None and high is not None and low >= high:
                raise AlertRuleError("A KPI's low limit must lie below its high limit.")
    elif rule.condition == "change":
        if rule.comparison not in ("previous", "last_year"):
            raise AlertRuleError("Compare with the previous period or the same period last year.")
        if not rule.change_pct or rule.change_pct <= 0:
            raise AlertRuleError("The change must be a positive percentage.")
    else:
        if rule.window < 3:
            raise AlertRuleError("An anomaly needs a history window of at least 3 periods.")
        if rule.z_threshold <= 0:
            raise AlertRuleError("The number of standard deviations must be positive.")
        if not 2 <= rule.min_history <= rule.window:
            raise AlertRuleError(
                "The minimum history must be at least 2 and at most the window length."
            )
    if rule.direction not in ("down", "up", "both"):
        raise AlertRuleError(f"Unknown direction {rule.direction!r}.")


def evaluate(rule, observations, first=0):
    """The Outcome of each observation from index ``first`` on (earlier ones only
    serve as history for anomalies)."""
    validate(rule)
    by_date = {o.period_start: o.value for o in observations}
    check = {
        "threshold": _threshold,
        "limits": _limits,
        "change": _change,
        "anomaly": _anomaly,
    }[rule.condition]
    result = []
    for index in range(max(first, 0), len(observations)):
        obs = observations[index]
        if obs.value is None or not math.isfinite(obs.value):
            result.append(Outcome(obs.period_start, None, False, False))
            continue
        result.append(check(rule, obs, observations, index, by_date))
    return result


def _compare(value, operator, low, high=None):
    return {
        "<": lambda: value < low,
        "<=": lambda: value <= low,
        ">": lambda: value > low,
        ">=": lambda: value >= low,
        "=": lambda: math.isclose(value, low, rel_tol=1e-9, abs_tol=1e-9),
        "between": lambda: low <= value <= high,
        "outside": lambda: value < low or value > high,
    }[operator]()


def _bounds(operator, low, high):
    """The range a value must stay within for the condition NOT to fire."""
    return {
        "<": (low, None),
        "<=": (low, None),
        ">": (None, low),
        ">=": (None, low),
        "=": (None, None),
        "between": (None, None),
        "outside": (low, high),
    }[operator]


def _threshold(rule, obs, observations, index, by_date):
    low, high = rule.threshold, rule.threshold_high
    reference = None
    if rule.relative_to_target:
        if not obs.target:
            return Outcome(obs.period_start, obs.value, False, False)
        reference = obs.target
        low = obs.target * low / 100.0
        high = None if high is None else obs.target * high / 100.0
    fired = _compare(obs.value, rule.operator, low, high)
    exp_low, exp_high = _bounds(rule.operator, low, high)
    return Outcome(
        obs.period_start, obs.value, fired, True, rule.severity if fired else None,
        exp_low, exp_high, reference,
    )  # fmt: skip


def _limits(rule, obs, observations, index, by_date):
    lim, value = rule.limits, obs.value
    severity = None
    if (lim.critical_low is not None and value < lim.critical_low) or (
        lim.critical_high is not None and value > lim.critical_high
    ):
        severity = "critical"
    elif (lim.warning_low is not None and value < lim.warning_low) or (
        lim.warning_high is not None and value > lim.warning_high
    ):
        severity = "warning"
    low = lim.warning_low if lim.warning_low is not None else lim.critical_low
    high = lim.warning_high if lim.warning_high is not None else lim.critical_high
    return Outcome(obs.period_start, value, severity is not None, True, severity, low, high)


def _change(rule, obs, observations, index, by_date):
    base = obs.previous if rule.comparison == "previous" else obs.last_year
    if base is None or base == 0:
        return Outcome(obs.period_start, obs.value, False, False, reference=base)
    pct = (obs.value - base) / abs(base) * 100.0
    limit = rule.change_pct
    fired = {
        "down": pct <= -limit,
        "up": pct >= limit,
        "both": abs(pct) >= limit,
    }[rule.direction]
    low = base - abs(base) * limit / 100.0 if rule.direction != "up" else None
    high = base + abs(base) * limit / 100.0 if rule.direction != "down" else None
    return Outcome(
        obs.period_start, obs.value, fired, True, rule.severity if fired else None,
        low, high, base, change_pct=pct,
    )  # fmt: skip


def _anomaly(rule, obs, observations, index, by_date):
    if rule.seasonal:
        history = [
            by_date.get(obs.period_start - dt.timedelta(days=7 * k))
            for k in range(1, rule.window + 1)
        ]
    else:
        history = [o.value for o in observations[max(0, index - rule.window) : index]]
    base = stats.baseline(history, rule.min_history)
    if base is None:
        return Outcome(obs.period_start, obs.value, False, False)
    z = base.zscore(obs.value)
    if z is None:
        # A constant history: any departure from it is out of the ordinary.
        gap = obs.value - base.mean
        fired = not math.isclose(gap, 0.0, abs_tol=1e-9 * max(1.0, abs(base.mean)))
        fired = fired and (rule.direction == "both" or (gap < 0) == (rule.direction == "down"))
    else:
        fired = {"down": z <= -rule.z_threshold, "up": z >= rule.z_threshold}.get(
            rule.direction, abs(z) >= rule.z_threshold
        )
    spread = rule.z_threshold * base.std
    return Outcome(
        obs.period_start, obs.value, fired, True, rule.severity if fired else None,
        base.mean - spread, base.mean + spread, base.mean, z=z, history_count=base.count,
    )  # fmt: skip
