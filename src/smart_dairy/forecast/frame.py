"""The long table (``unique_id``, ``ds``, ``y``, optional exogenous columns) turned
into regular per-series arrays: one row per period, gaps filled."""

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from .errors import ForecastInputError

# Frequency alias -> (pandas offset, season length in periods, level window).
FREQUENCIES = {
    "D": ("D", 7, 28),
    "W": ("7D", 52, 13),
    "MS": ("MS", 12, 12),
}
ALIASES = {
    "day": "D",
    "daily": "D",
    "week": "W",
    "weekly": "W",
    "M": "MS",
    "month": "MS",
    "monthly": "MS",
}
FILLS = ("zero", "interpolate")


def normalise_freq(freq):
    freq = ALIASES.get(freq, freq)
    if freq not in FREQUENCIES:
        raise ForecastInputError(
            f"frequency {freq!r} is not one of daily (D), weekly (W), monthly (MS)"
        )
    return freq


def season_length(freq):
    return FREQUENCIES[normalise_freq(freq)][1]


def level_window(freq):
    return FREQUENCIES[normalise_freq(freq)][2]


def future_dates(last, h, freq):
    """The ``h`` period starts after ``last``."""
    offset = FREQUENCIES[normalise_freq(freq)][0]
    return pd.date_range(pd.Timestamp(last), periods=h + 1, freq=offset)[1:]


@dataclass
class Series:
    """One regular series: period starts, values, exogenous matrix (or None)."""

    uid: object
    ds: pd.DatetimeIndex
    y: np.ndarray
    x: np.ndarray | None = None

    def __len__(self):
        return len(self.y)

    def head(self, n):
        """The first ``n`` periods (the training part at a cutoff)."""
        return Series(self.uid, self.ds[:n], self.y[:n], None if self.x is None else self.x[:n])


def exog_columns(df):
    return [c for c in df.columns if c not in ("unique_id", "ds", "y")]


def validate(df):
    missing = {"unique_id", "ds", "y"} - set(df.columns)
    if missing:
        raise ForecastInputError(f"the history lacks the column(s) {', '.join(sorted(missing))}")
    if df[["unique_id", "ds"]].isna().any().any():
        raise ForecastInputError("some history rows have no series or no date")
    y = pd.to_numeric(df["y"], errors="coerce")
    if y.isna().any() or not np.isfinite(y.to_numpy(dtype=float)).all():
        raise ForecastInputError("some history values are missing or not finite numbers")


def split(df, freq, fill="zero", exog: Sequence[str] | None = None, end=None):
    """Per-series regular arrays from a long table.

    Several rows of one period are summed (several orders of one day). A missing
    period is a zero for ``fill="zero"`` (demand: nothing sold) or linearly
    interpolated for ``fill="interpolate"`` (production: not recorded; the last
    value carries on). Exogenous columns missing for a period are zero. ``end``,
    a period of the grid, is the last period of every series: a series whose last
    row is earlier is extended to it by the same filling.
    """
    freq = normalise_freq(freq)
    if fill not in FILLS:
        raise ForecastInputError(f"gap filling {fill!r} is not one of {', '.join(FILLS)}")
    validate(df)
    exog = list(exog_columns(df) if exog is None else exog)
    offset = FREQUENCIES[freq][0]
    data = df[["unique_id", "ds", "y", *exog]].copy()
    data["ds"] = pd.to_datetime(data["ds"])
    if freq == "MS":
        data["ds"] = data["ds"].dt.to_period("M").dt.to_timestamp()
    agg = {"y": "sum", **dict.fromkeys(exog, "max")}
    data = data.groupby(["unique_id", "ds"], sort=True).agg(agg).reset_index()
    out = {}
    for uid, part in data.groupby("unique_id", sort=True):
        part = part.set_index("ds")
        last = part.index[-1] if end is None else pd.Timestamp(end)
        if part.index[-1] > last:
            raise ForecastInputError(f"series {uid}: rows after the end {last.date()}")
        full = pd.date_range(part.index[0], last, freq=offset)
        if len(full) < len(part) or not part.index.isin(full).all():
            raise ForecastInputError(
                f"series {uid}: dates are not on a regular {freq} grid "
                "(weekly dates must be 7 days apart)"
            )
        if full[-1] != last:
            raise ForecastInputError(
                f"series {uid}: the end {last.date()} is not a period of its {freq} grid"
            )
        part = part.reindex(full)
        y = part["y"].astype(float)
        y = y.interpolate(limit_direction="both") if fill == "interpolate" else y.fillna(0.0)
        x = part[exog].fillna(0.0).to_numpy(dtype=float) if exog else None
        out[uid] = Series(uid, full, y.to_numpy(), x)
    return out


def future_exog(future, uid, dates, exog):
    """The exogenous rows of ``uid`` over ``dates`` from the frame of future values."""
    if not exog:
        return None
    if future is None:
        raise ForecastInputError(
            f"the history has exogenous columns ({', '.join(exog)}): give their future values too"
        )
    part = future[future["unique_id"] == uid].copy()
    part["ds"] = pd.to_datetime(part["ds"])
    part = part.set_index("ds").reindex(dates)
    if part[exog].isna().any().any():
        raise ForecastInputError(
            f"series {uid}: future exogenous values are missing for some dates"
        )
    return part[exog].to_numpy(dtype=float)
