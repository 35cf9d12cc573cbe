"""Data quality checks: declarative checks on tables and views (completeness,
uniqueness, accepted values, ranges, referential integrity, freshness, row-count
anomalies, balances, and custom read-only SQL), each run as one SQL statement (row
checks over the same rows may share one scan) with outcomes per company and sample
failing ids, and quality scores weighted by
severity. Framework-free:
dataclasses in and out, a psycopg2 cursor to run on. (Milk quality grading is
``smart_dairy.quality``.)"""

from .checks import FILTER_OPERATORS, KINDS, SAMPLE_LIMIT, Check, CheckError, Outcome
from .custom import run_custom, validate_sql
from .run import run, run_batch
from .schema import columns_of, validate
from .score import OVERALL, SEVERITY_WEIGHTS, score
from .sqlgen import batch_key

__all__ = [
    "FILTER_OPERATORS",
    "KINDS",
    "OVERALL",
    "SAMPLE_LIMIT",
    "SEVERITY_WEIGHTS",
    "Check",
    "CheckError",
    "Outcome",
    "batch_key",
    "columns_of",
    "run",
    "run_batch",
    "run_custom",
    "score",
    "validate",
    "validate_sql",
]
