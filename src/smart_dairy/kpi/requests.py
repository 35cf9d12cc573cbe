"""Checks of what callers send: KPI queries (``get_values``) and dashboard filters
(live, saved, or in an export's query string).

Framework-free: the addon supplies what is known (KPI codes, breakdown dimensions,
date presets) and the limits, and turns a RequestError into an HTTP 4xx answer.
Every check names the field and says what is wrong in plain words; lists come back
deduplicated; sizes are bounded so that no single call can occupy a worker.
"""

import dataclasses
import datetime as dt
from collections.abc import Collection, Mapping

from .errors import RequestError
from .periods import Grain, period_start

# Dates outside this window are typing errors, not history or plans.
DATE_MIN = dt.date(1900, 1, 1)
DATE_MAX = dt.date(2199, 12, 31)
_MONTHS = {Grain.MONTH: 1, Grain.QUARTER: 3, Grain.YEAR: 12}


@dataclasses.dataclass(frozen=True)
class Limits:
    """Upper bounds of one call: KPI codes, ids or values per list, and periods."""

    codes: int = 50
    ids: int = 500
    periods: int = 1000

    def __post_init__(self):
        for field in dataclasses.fields(self):
            value = getattr(self, field.name)
            if not isinstance(value, int) or isinstance(value, bool) or value < 1:
                raise ValueError(f"limit {field.name} must be a positive integer, not {value!r}")


@dataclasses.dataclass(frozen=True)
class Query:
    """What a read of KPI values asks for (a checked ``get_values`` request among
    them): KPI codes at a grain over a date range, optionally by the values of one
    breakdown dimension, narrowed to ``dimension_values`` when given."""

    codes: tuple[str, ...]
    grain: Grain
    date_from: dt.date
    date_to: dt.date
    breakdown: str = ""
    dimension_values: tuple[str, ...] | None = None

    def __post_init__(self):
        object.__setattr__(self, "codes", tuple(self.codes))


def check_text(value, field, choices=None):
    """A string; one of ``choices`` when given."""
    if not isinstance(value, str):
        raise RequestError(field, f"must be a string, not {_kind(value)}")
    if choices is not None and value not in choices:
        raise RequestError(field, f"{_short(value)} is not one of: {', '.join(sorted(choices))}")
    return value


def check_id(value, field):
    """A record id: a positive integer that PostgreSQL's integer column can hold
    (digits in a string are taken too: web clients send selection keys as text)."""
    if isinstance(value, str) and value.isdigit() and value.isascii() and len(value) <= 10:
        value = int(value)
    if not isinstance(value, int) or isinstance(value, bool):
        raise RequestError(field, f"must be a record id (an integer), not {_kind(value)}")
    if not 0 < value < 2**31:
        raise RequestError(field, f"{value} is not a record id")
    return value


def check_ids(values, field, limits):
    """A list of record ids, deduplicated and sorted; None and [] are no ids."""
    items = _check_list(values, field, limits.ids)
    return sorted({check_id(item, f"{field}[{n}]") for n, item in enumerate(items)})


def check_date(value, field):
    """A date given as YYYY-MM-DD (or a date), within DATE_MIN..DATE_MAX."""
    if isinstance(value, dt.datetime):
        value = value.date()
    elif isinstance(value, str):
        try:
            value = dt.date.fromisoformat(value) if len(value) == 10 else None
        except ValueError:
            value = None
        if value is None:
            raise RequestError(field, "must be a date written YYYY-MM-DD")
    elif not isinstance(value, dt.date):
        raise RequestError(field, f"must be a date written YYYY-MM-DD, not {_kind(value)}")
    if not DATE_MIN <= value <= DATE_MAX:
        raise RequestError(field, f"must lie between {DATE_MIN} and {DATE_MAX}")
    return value


def check_range(date_from, date_to):
    """Both dates, the first not after the second."""
    date_from = check_date(date_from, "date_from")
    date_to = check_date(date_to, "date_to")
    if date_from > date_to:
        raise RequestError("date_from", f"{date_from} comes after date_to {date_to}")
    return date_from, date_to


def period_count(date_from, date_to, grain):
    """How many periods of ``grain`` cover the inclusive range, without listing them."""
    first, last = period_start(date_from, grain), period_start(date_to, grain)
    if grain is Grain.DAY:
        return (last - first).days + 1
    if grain is Grain.WEEK:
        return (last - first).days // 7 + 1
    months = (last.year - first.year) * 12 + last.month - first.month
    return months // _MONTHS[grain] + 1


def check_periods(date_from, date_to, grain, limits, field="date_to"):
    """RequestError when the range holds more periods of ``grain`` than allowed,
    saying how to page."""
    count = period_count(date_from, date_to, grain)
    if count > limits.periods:
        raise RequestError(
            field,
            f"{date_from}..{date_to} holds {count} {grain.value} periods, more than the "
            f"{limits.periods} one call may return: ask for ranges of at most "
            f"{limits.periods} periods one after another, or a coarser grain",
            limit="periods",
        )
    return count


def check_query(payload: Mapping, codes: Collection[str], dimensions: Collection[str], limits):
    """A ``get_values`` request checked against the known KPI codes and breakdown
    dimensions: RequestError on the first problem, else a Query."""
    wanted = _dedupe(_check_list(payload.get("codes"), "codes", limits.codes, required=True))
    for n, code in enumerate(wanted):
        check_text(code, f"codes[{n}]")
    unknown = [code for code in wanted if code not in codes]
    if unknown:
        raise RequestError("codes", f"unknown KPI codes: {', '.join(map(_short, unknown[:10]))}")
    grain = Grain(check_text(payload.get("grain", "day"), "grain", {g.value for g in Grain}))
    date_from, date_to = check_range(payload.get("date_from"), payload.get("date_to"))
    check_periods(date_from, date_to, grain, limits)
    breakdown = payload.get("breakdown")
    breakdown = "" if breakdown is None else check_text(breakdown, "breakdown", {"", *dimensions})
    values = payload.get("dimension_values")
    if values is not None:
        if not breakdown:
            raise RequestError("dimension_values", "needs a breakdown to filter")
        items = _check_list(values, "dimension_values", limits.ids)
        values = tuple(sorted({_dimension_value(v, n) for n, v in enumerate(items)}))
    return Query(tuple(wanted), grain, date_from, date_to, breakdown, values)


def check_filters(filters, presets: Collection[str], id_keys: Collection[str], limits):
    """Dashboard filters checked: {"preset", "date_from", "date_to", <id_keys>...},
    all optional. Returns them cleaned: the preset (None when absent), the custom
    range as dates (only for "custom"), and every id key as a sorted id list."""
    if filters is None:
        filters = {}
    if not isinstance(filters, Mapping):
        raise RequestError("filters", f"must be an object, not {_kind(filters)}")
    known = {"preset", "date_from", "date_to", *id_keys}
    unknown = sorted(str(key) for key in filters if key not in known)
    if unknown:
        raise RequestError("filters", f"unknown keys: {', '.join(map(_short, unknown[:10]))}")
    preset = filters.get("preset")
    if preset is not None:
        check_text(preset, "filters.preset", presets)
    result = {"preset": preset or None, "date_from": None, "date_to": None}
    if preset == "custom":
        if filters.get("date_from") is None or filters.get("date_to") is None:
            raise RequestError("filters.date_from", "a custom range needs date_from and date_to")
        try:
            result["date_from"], result["date_to"] = check_range(
                filters["date_from"], filters["date_to"]
            )
        except RequestError as error:
            raise RequestError(f"filters.{error.field}", error.problem) from None
    for key in id_keys:
        result[key] = check_ids(filters.get(key), f"filters.{key}", limits)
    return result


def _check_list(values, field, limit, required=False):
    if values is None and not required:
        return []
    if not isinstance(values, list | tuple):
        raise RequestError(field, f"must be a list, not {_kind(values)}")
    if required and not values:
        raise RequestError(field, "must name at least one")
    if len(values) > limit and len(_dedupe(values)) > limit:
        raise RequestError(
            field,
            f"{len(_dedupe(values))} items, more than the {limit} one call may take: "
            "split the call",
            limit="codes" if field == "codes" else "ids",
        )
    return values


def _dedupe(values):
    seen, result = set(), []
    for value in values:
        key = (type(value), value) if isinstance(value, str | int | float) else id(value)
        if key not in seen:
            seen.add(key)
            result.append(value)
    return result


def _dimension_value(value, n):
    """Dimension values are stored as text: record ids or selection keys."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    if isinstance(value, str) and 0 < len(value) <= 256:
        return value
    raise RequestError(
        f"dimension_values[{n}]", f"must be a record id or a short text, not {_kind(value)}"
    )


def _kind(value):
    if value is None:
        return "null"
    names = {bool: "a boolean", int: "a number", float: "a number", str: "a string"}
    names.update({list: "a list", tuple: "a list", dict: "an object"})
    return names.get(type(value), type(value).__name__)


def _short(value, size=40):
    text = str(value)
    return repr(text if len(text) <= size else text[:size] + "...")
