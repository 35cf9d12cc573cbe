"""Dashboard helpers over KPI series: the date presets and dimension filters (the
one registry of them), the automatic grain, rankings and the weekday matrix of
heatmaps."""

import dataclasses
import datetime as dt
from collections.abc import Iterable, Mapping

from .periods import Grain, as_date, period_start, shift

# The date presets of a dashboard's period and their labels; "custom" takes the
# dates given with it.
PRESETS = {
    "today": "Today",
    "yesterday": "Yesterday",
    "last_7_days": "Last 7 Days",
    "last_30_days": "Last 30 Days",
    "last_90_days": "Last 90 Days",
    "this_month": "This Month",
    "last_month": "Last Month",
    "this_quarter": "This Quarter",
    "year_to_date": "Year to Date",
    "custom": "Custom Range",
}


@dataclasses.dataclass(frozen=True)
class DimensionFilter:
    """A dashboard filter on a KPI dimension: ``key`` in the filters holds ids of
    the addon's ``model``, which filter the fact ``column``; ``label`` names the
    filter in the filter panel, ``title`` the selection in exports."""

    key: str
    column: str
    model: str
    label: str
    title: str


# The dimension filters of every dashboard, export, schedule and filter panel.
DIMENSION_FILTERS = (
    DimensionFilter("region_ids", "region_id", "smart.dairy.region", "Region", "Regions"),
    DimensionFilter(
        "categ_ids", "categ_id", "product.category", "Product Category", "Product categories"
    ),
    DimensionFilter("team_ids", "team_id", "crm.team", "Sales Channel", "Sales channels"),
    DimensionFilter("farm_ids", "farm_id", "smart.dairy.farm", "Farm", "Farms"),
)
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
# Ranges up to this many days are shown by day, longer ones by month.
DAILY_MAX_DAYS = 92


def preset_range(preset, today):
    """The inclusive (date_from, date_to) of a date preset relative to ``today``."""
    today = as_date(today)
    one_day = dt.timedelta(days=1)
    if preset == "today":
        return today, today
    if preset == "yesterday":
        return today - one_day, today - one_day
    if preset in ("last_7_days", "last_30_days", "last_90_days"):
        days = int(preset.split("_")[1])
        return today - dt.timedelta(days=days - 1), today
    if preset == "this_month":
        return period_start(today, Grain.MONTH), today
    if preset == "last_month":
        start = shift(today, Grain.MONTH, -1)
        return start, period_start(today, Grain.MONTH) - one_day
    if preset == "this_quarter":
        return period_start(today, Grain.QUARTER), today
    if preset == "year_to_date":
        return period_start(today, Grain.YEAR), today
    known = ", ".join(key for key in PRESETS if key != "custom")
    raise ValueError(f"Unknown date preset {preset!r}; use one of: {known}")


def auto_grain(date_from, date_to):
    """Day for ranges up to DAILY_MAX_DAYS days, month for longer ones."""
    days = (as_date(date_to) - as_date(date_from)).days + 1
    return Grain.DAY if days <= DAILY_MAX_DAYS else Grain.MONTH


def growth(value, previous):
    """The change from ``previous`` to ``value`` as a fraction of ``previous`` (None
    when either is unknown or ``previous`` is zero)."""
    if value is None or previous is None or not previous:
        return None
    return (value - previous) / abs(previous)


def rank(values: Mapping, top_n=0):
    """Keys sorted by value, highest first (no value last), cut to ``top_n`` when set."""
    keys = sorted(values, key=lambda key: (values[key] is None, -(values[key] or 0.0), str(key)))
    return keys[:top_n] if top_n else keys


def weekday_matrix(series: Mapping[object, Iterable[tuple]]):
    """{key: [(day, value), ...]} as {key: [mean value per weekday, Mon..Sun]};
    days without a value are skipped, weekdays without any are None."""
    matrix = {}
    for key, points in series.items():
        sums, counts = [0.0] * 7, [0] * 7
        for day, value in points:
            if value is not None:
                weekday = as_date(day).weekday()
                sums[weekday] += value
                counts[weekday] += 1
        matrix[key] = [total / n if n else None for total, n in zip(sums, counts, strict=True)]
    return matrix
