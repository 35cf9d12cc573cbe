"""Rolling statistics of a KPI's own history, robust to missing periods."""

import dataclasses
import math


@dataclasses.dataclass(frozen=True)
class Baseline:
    """Mean and standard deviation of the ``count`` values found in the window."""

    mean: float
    std: float
    count: int

    def zscore(self, value):
        """How many standard deviations ``value`` lies from the mean; None when the
        history is constant (no spread to measure against)."""
        if self.std == 0.0:
            return None
        return (value - self.mean) / self.std


def baseline(history, min_count):
    """The Baseline of the values in ``history`` that are not None (missing periods
    are skipped), or None when fewer than ``min_count`` remain."""
    values = [float(v) for v in history if v is not None and math.isfinite(v)]
    if len(values) < max(min_count, 2):
        return None
    mean = math.fsum(values) / len(values)
    variance = math.fsum((v - mean) ** 2 for v in values) / (len(values) - 1)
    std = math.sqrt(variance)
    if std <= 1e-12 * max(1.0, abs(mean)):
        std = 0.0
    return Baseline(mean, std, len(values))
