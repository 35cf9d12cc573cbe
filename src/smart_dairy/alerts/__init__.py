"""Alert conditions on plain KPI series: thresholds (absolute, relative to the
target, or the KPI's own warning and critical limits), change against the
previous period or the same period last year, and anomalies by a rolling
z-score (optionally against the same weekday of previous weeks), with the
plain-words message of each alert. Framework-free: plain dataclasses in and out.
"""

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
from .wording import describe, format_number, when

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
    "evaluate",
    "format_number",
    "validate",
    "when",
]
