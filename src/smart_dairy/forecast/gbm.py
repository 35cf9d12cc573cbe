"""A global gradient-boosting model (scikit-learn) on lag, rolling and calendar features.

One regressor learns from every series at once. A training row is a forecast origin
``t`` and a step ``k``: features use values up to ``t`` only (recent lags, window
means, the same period one season and one year before the target, last year's
level), the calendar of the target period, its exogenous values and ``k``. Values
are divided by the series' recent mean level, so large and small series share the
model; the target is the value at ``t + k`` on the same scale.
"""

import numpy as np
import pandas as pd

from .frame import future_dates

YEAR_LAG = {7: 364, 52: 52, 12: 12}
N_LAGS = 8
MAX_ROWS = 120_000


def _window_mean(csum, end, width):
    start = end - width + 1
    last = len(csum) - 1
    out = (csum[np.clip(end + 1, 0, last)] - csum[np.clip(start, 0, last)]) / width
    return np.where((start >= 0) & (end + 1 <= last), out, np.nan)


def _features(y, dates, x, origins, steps, season, lwin):
    """Feature matrix and scale of each (origin, step) row of one series."""
    n = len(y)
    year = YEAR_LAG.get(season, season)
    csum = np.concatenate([[0.0], np.cumsum(y)])
    asum = np.concatenate([[0.0], np.cumsum(np.abs(y))])
    zsum = np.concatenate([[0.0], np.cumsum(y == 0)])
    t, k = origins, steps
    target = t + k
    width = np.minimum(lwin, t + 1)
    scale = (asum[t + 1] - asum[t + 1 - width]) / width
    overall = asum[t + 1] / (t + 1)
    scale = np.where(scale > 0, scale, np.where(overall > 0, overall, 1.0))

    def at(idx):
        ok = (idx >= 0) & (idx < n)
        return np.where(ok, y[np.clip(idx, 0, n - 1)], np.nan) / scale

    cols = [k.astype(float)]
    cols += [at(t - j) for j in range(N_LAGS)]
    cols.append(_window_mean(csum, t, lwin) / scale)
    cols.append(_window_mean(csum, t, season) / scale)
    cols.append(at(target - season * np.ceil(k / season).astype(int)))
    cols.append(np.where(k <= year, at(target - year), np.nan))
    cols.append(_window_mean(csum, t - year, lwin) / scale)
    cols.append(
        np.where(k <= year, _window_mean(csum, target - year, 1 + lwin // 4) / scale, np.nan)
    )
    cols.append((zsum[t + 1] - zsum[t + 1 - width]) / width)
    when = dates[target]
    cols.append(when.month.to_numpy(float))
    if season == 7:
        cols.append(when.dayofweek.to_numpy(float))
        cols.append(when.day.to_numpy(float))
    if season in (7, 52):
        cols.append(when.isocalendar().week.to_numpy(float))
    if x is not None:
        cols.extend(x[np.clip(target, 0, len(x) - 1)].T)
    return np.column_stack(cols), scale


class GlobalBoosting:
    """Fits on many series at once; ``predict`` gives each series' next ``h`` values."""

    def __init__(self, season, lwin, freq, random_state=0):
        self.season, self.lwin, self.freq = season, lwin, freq
        self.random_state = random_state
        self.model = None

    def fit(self, series, h):
        rng = np.random.default_rng(self.random_state)
        per_series = max(200, MAX_ROWS // max(len(series), 1))
        xs, ys = [], []
        for s in series:
            n = len(s.y)
            first = min(N_LAGS, n - 2)
            if n - first < 3:
                continue
            origins = np.repeat(np.arange(first, n - 1), h)
            steps = np.tile(np.arange(1, h + 1), n - 1 - first)
            keep = origins + steps < n
            origins, steps = origins[keep], steps[keep]
            if len(origins) > per_series:
                pick = rng.choice(len(origins), per_series, replace=False)
                origins, steps = origins[pick], steps[pick]
            feats, scale = _features(s.y, s.ds, s.x, origins, steps, self.season, self.lwin)
            xs.append(feats)
            ys.append(s.y[origins + steps] / scale)
        if not xs:
            return self
        feats = np.vstack(xs)
        # A feature never seen (last year's values of a short history) is a constant.
        self.unseen = np.isnan(feats).all(axis=0)
        feats[:, self.unseen] = 0.0
        from sklearn.ensemble import HistGradientBoostingRegressor

        self.model = HistGradientBoostingRegressor(
            max_iter=200,
            learning_rate=0.08,
            max_leaf_nodes=31,
            min_samples_leaf=20,
            l2_regularization=1.0,
            random_state=self.random_state,
        ).fit(feats, np.concatenate(ys))
        return self

    def predict(self, s, h, x_future=None):
        """The next ``h`` values of series ``s`` (None when the model has no fit)."""
        if self.model is None or len(s.y) < 2:
            return None
        n = len(s.y)
        dates = s.ds.append(future_dates(s.ds[-1], h, self.freq))
        x = None
        if s.x is not None:
            x = np.vstack([s.x, x_future if x_future is not None else np.zeros((h, s.x.shape[1]))])
        origins = np.full(h, n - 1)
        steps = np.arange(1, h + 1)
        feats, scale = _features(
            np.concatenate([s.y, np.zeros(h)]),
            pd.DatetimeIndex(dates),
            x,
            origins,
            steps,
            self.season,
            self.lwin,
        )
        feats[:, self.unseen] = 0.0
        return self.model.predict(feats) * scale
