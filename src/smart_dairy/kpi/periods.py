"""Grains and periods: Python date arithmetic and the matching SQL expressions.

A period is identified by its first day (``period_start``); ends are exclusive.
Weeks are ISO weeks (Monday to Sunday, numbered by ISO year). Date ranges given
by callers (``date_from``, ``date_to``) are inclusive of both days.
"""

import datetime as dt
import enum
import functools
import zoneinfo

from psycopg2 import sql

from .errors import KpiDefinitionError


class Grain(str, enum.Enum):
    DAY = "day"
    WEEK = "week"
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"

    def __str__(self):
        return self.value


GRAINS = tuple(Grain)
_MONTHS = {Grain.MONTH: 1, Grain.QUARTER: 3, Grain.YEAR: 12}
_MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def as_grain(grain):
    """``grain`` as a Grain, or KpiDefinitionError naming the valid ones."""
    try:
        return Grain(grain)
    except ValueError:
        names = ", ".join(g.value for g in Grain)
        raise KpiDefinitionError(f"Unknown grain {grain!r}; use one of: {names}") from None


def as_date(value):
    """A date from a date, a datetime (its date part) or an ISO string."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        return dt.date.fromisoformat(value)
    raise TypeError(f"expected a date, got {value!r}")


def period_start(day, grain):
    """The first day of the period of ``grain`` containing ``day``."""
    day, grain = as_date(day), as_grain(grain)
    if grain is Grain.DAY:
        return day
    if grain is Grain.WEEK:
        return day - dt.timedelta(days=day.weekday())
    if grain is Grain.MONTH:
        return day.replace(day=1)
    if grain is Grain.QUARTER:
        return day.replace(month=(day.month - 1) // 3 * 3 + 1, day=1)
    return day.replace(month=1, day=1)


def shift(start, grain, n):
    """The start of the period ``n`` periods after (negative: before) ``start``'s."""
    grain = as_grain(grain)
    start = period_start(start, grain)
    if grain is Grain.DAY:
        return start + dt.timedelta(days=n)
    if grain is Grain.WEEK:
        return start + dt.timedelta(weeks=n)
    years, month = divmod(start.month - 1 + n * _MONTHS[grain], 12)
    return start.replace(year=start.year + years, month=month + 1)


def period_end(start, grain):
    """The first day after the period starting at ``start`` (exclusive end)."""
    return shift(start, grain, 1)


def previous(start, grain):
    """The start of the period before ``start``'s."""
    return shift(start, grain, -1)


def periods(date_from, date_to, grain):
    """Starts of the periods covering the inclusive range ``date_from``..``date_to``."""
    grain = as_grain(grain)
    current, last = period_start(date_from, grain), period_start(date_to, grain)
    result = []
    while current <= last:
        result.append(current)
        current = shift(current, grain, 1)
    return result


def same_period_last_year(start, grain):
    """The comparable period one year earlier.

    Day: the same calendar day (29 February maps to 28 February). Week: the ISO
    week with the same number in the previous ISO year, so weekdays line up;
    week 53 maps to week 52 when the previous ISO year has no week 53.
    Month, quarter, year: the same one a year earlier.
    """
    grain = as_grain(grain)
    start = period_start(start, grain)
    if grain is Grain.DAY:
        try:
            return start.replace(year=start.year - 1)
        except ValueError:
            return dt.date(start.year - 1, 2, 28)
    if grain is Grain.WEEK:
        year, week, _ = start.isocalendar()
        try:
            return dt.date.fromisocalendar(year - 1, week, 1)
        except ValueError:
            return dt.date.fromisocalendar(year - 1, 52, 1)
    return shift(start, grain, -12 // _MONTHS[grain])


def label(start, grain):
    """A short English label: 2024-03-05, 2024-W09, Mar 2024, 2024-Q1, 2024."""
    grain = as_grain(grain)
    start = period_start(start, grain)
    if grain is Grain.DAY:
        return start.isoformat()
    if grain is Grain.WEEK:
        year, week, _ = start.isocalendar()
        return f"{year}-W{week:02d}"
    if grain is Grain.MONTH:
        return f"{_MONTH_NAMES[start.month - 1]} {start.year}"
    if grain is Grain.QUARTER:
        return f"{start.year}-Q{(start.month - 1) // 3 + 1}"
    return str(start.year)


@functools.lru_cache(maxsize=1)
def _time_zones():
    return frozenset(zoneinfo.available_timezones()) | {"UTC"}


def check_timezone(tz):
    """``tz`` if it is a known IANA time zone name, else KpiDefinitionError."""
    if not isinstance(tz, str) or tz not in _time_zones():
        raise KpiDefinitionError(f"Unknown time zone {tz!r}; use a name like 'Europe/Amsterdam'")
    return tz


def _column(column):
    return sql.Identifier(column) if isinstance(column, str) else column


def sql_local_timestamp(column, tz=None):
    """A ``timestamp without time zone`` column holding UTC (Odoo's convention),
    as wall-clock time in ``tz`` (UTC when None)."""
    column = _column(column)
    if tz is None:
        return column
    return sql.SQL("(({} AT TIME ZONE 'UTC') AT TIME ZONE {})").format(
        column, sql.Literal(check_timezone(tz))
    )


def sql_period(grain, column, tz=None, timestamp=False):
    """SQL for the start (a date) of the period of ``grain`` containing ``column``.

    ``column`` is a column name or a Composable. When ``timestamp`` is true the
    column is a UTC timestamp, converted to the local date in ``tz`` first.
    Weeks are ISO weeks (PostgreSQL's ``date_trunc('week', ...)`` is Monday).
    """
    grain = as_grain(grain)
    value = sql_local_timestamp(column, tz) if timestamp else _column(column)
    if grain is Grain.DAY:
        return sql.SQL("({})::date").format(value)
    cast = sql.SQL("") if timestamp else sql.SQL("::timestamp")
    return sql.SQL("date_trunc({}, {}{})::date").format(sql.Literal(grain.value), value, cast)


def sql_date_range(column, date_from, date_end, tz=None, timestamp=False):
    """SQL condition: ``column`` falls on a local day in [date_from, date_end).

    For timestamp columns the bounds are converted to UTC in SQL (so PostgreSQL's
    own time zone rules decide both the bounds and ``sql_period``), keeping the
    condition index-friendly.
    """
    column = _column(column)
    if timestamp and tz is not None:
        tz_literal = sql.Literal(check_timezone(tz))
        bound = sql.SQL("(({}::timestamp AT TIME ZONE {}) AT TIME ZONE 'UTC')")
        low = bound.format(sql.Literal(as_date(date_from)), tz_literal)
        high = bound.format(sql.Literal(as_date(date_end)), tz_literal)
    else:
        cast = "::timestamp" if timestamp else "::date"
        low = sql.SQL("{}" + cast).format(sql.Literal(as_date(date_from)))
        high = sql.SQL("{}" + cast).format(sql.Literal(as_date(date_end)))
    return sql.SQL("({col} >= {low} AND {col} < {high})").format(col=column, low=low, high=high)
