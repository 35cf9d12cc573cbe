"""Reordering levels from a demand forecast.

The minimum covers forecast demand over the lead time plus safety stock; the
maximum adds the demand of one review period. Safety stock comes from the forecast
interval: each period's upper bound at ``level`` sits ``z * sigma`` above its mean,
so ``sigma = (upper - mean) / z``; periods are taken as independent, so the lead
time's sigma is the root of the summed variances, and safety stock is
``z(service) * sigma``. A fractional lead time counts its last period in part.
"""

import math
from dataclasses import dataclass

import numpy as np

from .errors import ForecastInputError
from .models import z_score


@dataclass(frozen=True)
class MinMax:
    lead_time_demand: float
    safety_stock: float
    minimum: float
    maximum: float


def _cover(values, periods):
    """Sum of the first ``periods`` (possibly fractional) values."""
    whole = math.floor(periods)
    total = float(np.sum(values[:whole]))
    if periods > whole and whole < len(values):
        total += float(values[whole]) * (periods - whole)
    return total


def suggest_min_max(mean, upper, lead_time, review_period=1.0, level=95, service_level=95):
    """Minimum and maximum stock for one product from its forecast.

    ``mean`` and ``upper`` are per-period forecasts and the upper bound at ``level``
    percent, from the first period after today; ``lead_time`` and ``review_period``
    are in periods. The forecast must cover both.
    """
    mean = np.asarray(mean, dtype=float)
    upper = np.asarray(upper, dtype=float)
    if mean.shape != upper.shape:
        raise ForecastInputError("forecast and upper bound must have the same length")
    if lead_time < 0 or review_period < 0:
        raise ForecastInputError("lead time and review period cannot be negative")
    if lead_time + review_period > len(mean):
        raise ForecastInputError(
            f"the forecast covers {len(mean)} periods: too short for a lead time of "
            f"{lead_time:g} plus a review period of {review_period:g}"
        )
    if not 50 < service_level < 100 or not 0 < level < 100:
        raise ForecastInputError("levels are percentages between 50 and 100")
    sigma = np.maximum(upper - mean, 0.0) / z_score(level)
    demand = _cover(mean, lead_time)
    variance = _cover(sigma**2, lead_time)
    safety = z_score(service_level) * math.sqrt(variance)
    minimum = demand + safety
    cycle = _cover(mean, lead_time + review_period) - demand
    return MinMax(demand, safety, minimum, minimum + cycle)
