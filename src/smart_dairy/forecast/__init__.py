"""Demand and production forecasting on a long table (``unique_id``, ``ds``, ``y``).

Framework-free: pandas frames in, pandas frames out. ``forecast`` chooses a model per
series by rolling-origin backtest; ``replenishment`` and ``expiry`` turn forecasts
into reorder levels and expected waste.
"""

from .engine import (
    DEFAULT_MODELS,
    LEVELS,
    ForecastResult,
    category_profiles,
    cross_validation,
    forecast,
)
from .errors import ForecastInputError
from .expiry import Lot, LotWaste, project_expiry
from .frame import FREQUENCIES, season_length
from .metrics import bias, coverage, evaluate, mase, naive_scale, smape, wape
from .replenishment import MinMax, suggest_min_max

__all__ = [
    "DEFAULT_MODELS",
    "FREQUENCIES",
    "LEVELS",
    "ForecastInputError",
    "ForecastResult",
    "Lot",
    "LotWaste",
    "MinMax",
    "bias",
    "category_profiles",
    "coverage",
    "cross_validation",
    "evaluate",
    "forecast",
    "mase",
    "naive_scale",
    "project_expiry",
    "season_length",
    "smape",
    "suggest_min_max",
    "wape",
]
