"""Check definitions and outcomes: plain dataclasses, no database."""

import dataclasses
import datetime as dt

KINDS = (
    "not_null",
    "unique",
    "accepted_values",
    "value_in_range",
    "referential",
    "freshness",
    "row_count",
    "balance",
)
FILTER_OPERATORS = ("=", "!=", "<", "<=", ">", ">=", "in", "not in")
SAMPLE_LIMIT = 20


class CheckError(ValueError):
    """A check the engine cannot run; the message says why in plain words."""


@dataclasses.dataclass(frozen=True)
class Check:
    """One declarative check on a table or view.

    ``columns`` are the checked columns (not_null, unique: one or more; the other
    kinds: the first one is the column checked: the value, the key, the timestamp
    of freshness and row_count, the amount of balance). ``key_column`` names the
    rows in samples (None: no samples); ``group_column`` groups freshness (e.g.
    per device) and balance (e.g. per journal entry), whose samples are group keys.
    ``company_column`` splits the outcome per company. ``filters`` restrict the
    rows examined: ((column, operator, value), ...) joined by AND (``= None`` and
    ``!= None`` test for NULL; a NULL value fails the other comparisons).

    A check passes when at most ``tolerance`` (a share, 0 to 1) of what it
    examined fails.
    """

    kind: str
    table: str
    columns: tuple = ()
    key_column: str | None = "id"
    company_column: str | None = None
    filters: tuple = ()
    tolerance: float = 0.0
    # accepted_values
    values: tuple = ()
    # value_in_range
    minimum: float | None = None
    maximum: float | None = None
    # referential
    ref_table: str | None = None
    ref_column: str = "id"
    # freshness and balance
    group_column: str | None = None
    max_age: dt.timedelta | None = None
    # freshness: read only the rows of this last stretch (an index range on the column),
    # so groups silent for longer are not seen at all; None reads every row.
    lookback: dt.timedelta | None = None
    amount_tolerance: float = 0.005
    # row_count: the last complete day against the same weekday of ``weeks`` weeks
    weeks: int = 8
    z_limit: float = 3.0
    min_change: float = 0.2


@dataclasses.dataclass(frozen=True)
class Outcome:
    """The result of a check for one company (None: the source has no company).

    ``examined`` and ``failing`` count rows (not_null, unique, accepted_values,
    value_in_range, referential), groups (freshness, balance) or days (row_count);
    ``samples`` are up to 20 failing row ids or group keys; ``measure`` is the
    failing share, the age in hours of the stalest group (freshness), the largest
    imbalance (balance) or the z-score (row_count)."""

    company_id: int | None
    examined: int
    failing: int
    samples: tuple
    passed: bool
    measure: float | None
    detail: str
