"""Alert conditions on plain KPI series: thresholds (absolute, relative to the
target, or the KPI's own warning and critical limits), change against the
previous period or the same period last year, and anomalies by a rolling
z-score (optionally against the same weekday of previous weeks), with a
structured description of each fired alert (the addon words it).
Framework-free: plain dataclasses in and out.
"""

from .description import describe, display_digits
from .rules import (
    CONDITIONS,
    OPERATORS,
    AlertRuleError,
    Limits,
    Observation,
    Outcome,
    Rule,
    evaluate,
    validate,
)
from .stats import Baseline, baseline

__all__ = [
    "CONDITIONS",
    "OPERATORS",
    "AlertRuleError",
    "Baseline",
    "Limits",
    "Observation",
    "Outcome",
    "Rule",
    "baseline",
    "describe",
    "display_digits",
    "evaluate",
    "validate",
]
