"""What a fired alert says, as data rather than a sentence: the case (``kind``)
and its named parameters, JSON-ready. The Odoo addon owns the sentences and
renders them in the reader's language; the engine decides which case applies
and computes the numbers.

Every description has ``period_start`` (ISO), ``grain``, ``value`` and the bounds
the value should stay within, ``expected_low`` and ``expected_high`` (None for open
ends). Kinds and their parameters:

- ``anomaly``: ``direction`` (down, up), ``mean``, ``z`` (absolute, None when the
  history held steady), ``seasonal``, ``window``;
- ``change``: ``direction``, ``change_pct`` (absolute), ``comparison``
  (previous, last_year), ``reference``;
- ``limits``: ``side`` (below, above), ``level`` (warning, critical), ``limit``;
- ``threshold``: ``operator``, ``low``, ``high`` (between/outside), ``limit``;
- ``threshold_target``: the same with ``low``/``high`` in percent of ``target``
  and ``limit`` the value they make (operators other than between/outside).
"""

from smart_dairy.kpi.periods import as_date, as_grain


def describe(rule, outcome, grain):
    """The description of a fired ``outcome`` of ``rule`` on a series of ``grain``."""
    base = {
        "period_start": as_date(outcome.period_start).isoformat(),
        "grain": as_grain(grain).value,
        "value": outcome.value,
        "expected_low": outcome.expected_low,
        "expected_high": outcome.expected_high,
    }
    if rule.condition == "anomaly":
        return {**base, **_anomaly(rule, outcome)}
    if rule.condition == "change":
        return {
            **base,
            "kind": "change",
            "direction": _direction(outcome.change_pct, 0.0),
            "change_pct": _abs(outcome.change_pct),
            "comparison": rule.comparison,
            "reference": outcome.reference,
        }
    if rule.condition == "limits":
        return {**base, **_limits(rule, outcome)}
    return {**base, **_threshold(rule, outcome)}


def _anomaly(rule, outcome):
    return {
        "kind": "anomaly",
        "direction": _direction(outcome.value, outcome.reference),
        "mean": outcome.reference,
        "z": _abs(outcome.z),
        "seasonal": bool(rule.seasonal),
        "window": rule.window,
    }


def _limits(rule, outcome):
    lim, level = rule.limits, outcome.severity or rule.severity
    low = lim.critical_low if level == "critical" else lim.warning_low
    high = lim.critical_high if level == "critical" else lim.warning_high
    below = low is not None and outcome.value is not None and outcome.value < low
    return {
        "kind": "limits",
        "side": "below" if below else "above",
        "level": "critical" if level == "critical" else "warning",
        "limit": low if below else high,
    }


def _threshold(rule, outcome):
    ranged = rule.operator in ("between", "outside")
    low, high = rule.threshold, rule.threshold_high if ranged else None
    if rule.relative_to_target:
        target = outcome.reference
        limit = None if ranged or target is None else target * low / 100.0
        return {
            "kind": "threshold_target",
            "operator": rule.operator,
            "low": low,
            "high": high,
            "target": target,
            "limit": limit,
        }
    return {"kind": "threshold", "operator": rule.operator, "low": low, "high": high, "limit": low}


def _direction(value, reference):
    if value is None or reference is None:
        return "up"
    return "down" if value < reference else "up"


def _abs(number):
    return None if number is None else abs(number)


def display_digits(value):
    """Decimals worth showing: none from 1,000, one from 10, two below."""
    size = abs(value)
    return 0 if size >= 1000 else (1 if size >= 10 else 2)
