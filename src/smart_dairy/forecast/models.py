"""Per-series forecasting models: seasonal naive, ETS, Theta, ARIMA, Croston and TSB.

Heavy libraries (scipy, statsmodels) are imported by the models that use them, so
that importing the engine (every Odoo worker does) stays fast.

Each model is a function ``(y, h, season, x=None, x_future=None, levels=())`` that
returns a :class:`Prediction` (point forecasts, and model-based intervals when the
model has them) or raises :class:`ModelFailure` when it cannot fit the series or its
fit diverges; the caller then falls back to another model.
"""

import warnings
from dataclasses import dataclass, field
from statistics import NormalDist

import numpy as np


class ModelFailure(RuntimeError):
    """A model could not produce a usable forecast for one series."""


@dataclass
class Prediction:
    mean: np.ndarray
    # level -> (lower, upper) arrays, only for models with their own intervals
    intervals: dict = field(default_factory=dict)


def z_score(level):
    """The standard normal quantile of a central interval of ``level`` percent."""
    return NormalDist().inv_cdf(0.5 + level / 200)


def check_forecast(y, mean, name):
    """Guard against divergent fits: finite and within a wide band of the history."""
    mean = np.asarray(mean, dtype=float)
    if not np.isfinite(mean).all():
        raise ModelFailure(f"{name} produced non-finite forecasts")
    span = np.max(np.abs(y)) if len(y) else 0.0
    if np.max(np.abs(mean), initial=0.0) > 5 * span + 1e-9 + 3 * np.std(y):
        raise ModelFailure(f"{name} diverged (forecasts beyond five times the largest value seen)")
    return mean


def seasonal_naive(y, h, season, x=None, x_future=None, levels=()):
    """Each future period repeats the same period of the last season.

    Shorter than a season: the last value. Intervals from the in-sample residuals,
    widening with the number of seasons ahead (Hyndman & Athanasopoulos, 5.5).
    """
    y = np.asarray(y, dtype=float)
    if len(y) == 0:
        raise ModelFailure("no history")
    m = season if len(y) >= season else 1
    steps = np.arange(1, h + 1)
    idx = len(y) - m + (steps - 1) % m
    mean = y[idx]
    intervals = {}
    if levels and len(y) > m + 1:
        resid = y[m:] - y[:-m]
        sigma = np.sqrt(np.mean(resid**2))
        width = sigma * np.sqrt(np.floor((steps - 1) / m) + 1)
        intervals = {lv: (mean - z_score(lv) * width, mean + z_score(lv) * width) for lv in levels}
    return Prediction(mean, intervals)


def _decompose(y, season):
    """Seasonal indices by classical decomposition, or None without seasonality.

    Seasonality is kept when the autocorrelation at the season lag passes the 90 %
    test of the Theta method; indices are multiplicative for strictly positive
    series, additive otherwise. Returns (indices over one season aligned so that
    ``indices[t % season]`` belongs to period ``t``, multiplicative flag).
    """
    n = len(y)
    if season < 2 or n < season + 10:
        return None
    if n < 2 * season:
        return _one_season_indices(y, season) if _seasonal_differencing(y, season) else None
    yc = y - y.mean()
    denom = np.sum(yc**2)
    if denom == 0:
        return None
    acf = np.array([np.sum(yc[k:] * yc[:-k]) / denom for k in range(1, season + 1)])
    limit = 1.645 * np.sqrt((1 + 2 * np.sum(acf[:-1] ** 2)) / n)
    if abs(acf[-1]) <= limit:
        return None
    multiplicative = bool(np.all(y > 0))
    kernel = np.ones(season + 1 if season % 2 == 0 else season)
    if season % 2 == 0:
        kernel[0] = kernel[-1] = 0.5
    kernel /= season
    trend = np.convolve(y, kernel, mode="same")
    half = len(kernel) // 2
    valid = np.zeros(n, dtype=bool)
    valid[half : n - half] = True
    ratio = y / trend if multiplicative else y - trend
    idx = np.arange(n) % season
    indices = np.array([np.mean(ratio[valid & (idx == k)]) for k in range(season)])
    if multiplicative:
        indices /= indices.mean()
    else:
        indices -= indices.mean()
    return indices, multiplicative


def _one_season_indices(y, season):
    """Seasonal indices from less than two seasons: the deviations from a linear
    trend, averaged per position of the season."""
    t = np.arange(len(y))
    trend = np.polyval(np.polyfit(t, y, 1), t)
    multiplicative = bool(np.all(y > 0) and np.all(trend > 0))
    ratio = y / trend if multiplicative else y - trend
    indices = np.bincount(t % season, ratio, season) / np.bincount(t % season, None, season)
    if multiplicative:
        indices /= indices.mean()
    else:
        indices -= indices.mean()
    return indices, multiplicative


def _deseason(y, season):
    dec = _decompose(y, season)
    n = len(y)
    if dec is None:
        return y, lambda out, start: out
    indices, mult = dec

    def reseason(out, start):
        seas = indices[(start + np.arange(len(out))) % season]
        return out * seas if mult else out + seas

    adj = y / indices[np.arange(n) % season] if mult else y - indices[np.arange(n) % season]
    return adj, reseason


def _ses(y, alpha):
    level = y[0]
    for v in y[1:]:
        level = alpha * v + (1 - alpha) * level
    return level


def _ses_fit(y):
    from scipy import optimize

    def sse(alpha):
        level, total = y[0], 0.0
        for v in y[1:]:
            total += (v - level) ** 2
            level = alpha * v + (1 - alpha) * level
        return total

    res = optimize.minimize_scalar(sse, bounds=(0.01, 0.99), method="bounded")
    return float(res.x)


def theta(y, h, season, x=None, x_future=None, levels=()):
    """The standard Theta method (SES with half the linear trend's drift), on the
    seasonally adjusted series when the season is significant."""
    y = np.asarray(y, dtype=float)
    if len(y) < 4:
        raise ModelFailure("Theta needs at least 4 periods")
    adj, reseason = _deseason(y, season)
    n = len(adj)
    alpha = _ses_fit(adj)
    level = _ses(adj, alpha)
    slope = np.polyfit(np.arange(n), adj, 1)[0]
    steps = np.arange(1, h + 1)
    drift = 0.5 * slope * (steps - 1 + 1 / alpha - (1 - alpha) ** n / alpha)
    mean = reseason(level + drift, n)
    return Prediction(check_forecast(y, mean, "Theta"))


def ets(y, h, season, x=None, x_future=None, levels=()):
    """Damped additive Holt-Winters (statsmodels), additive season when the history
    holds a season plus ten periods; a fit whose forecasts diverge is refused."""
    from statsmodels.tsa.holtwinters import ExponentialSmoothing

    y = np.asarray(y, dtype=float)
    if len(y) < 6:
        raise ModelFailure("ETS needs at least 6 periods")
    n = len(y)
    seasonal = "add" if season >= 2 and n >= season + 10 else None
    # Two seasons and more: heuristic start values and a local search (fast). Between
    # one and two seasons statsmodels has no heuristic: start from the first season.
    init = {"initialization_method": "heuristic"}
    if seasonal and n < 2 * season + 10:
        level = float(np.mean(y[:season]))
        init = {
            "initialization_method": "known",
            "initial_level": level,
            "initial_trend": float(np.mean(y[-season:]) - level) / (n - season),
            "initial_seasonal": y[:season] - level,
        }
    elif n < 10:
        init = {"initialization_method": "estimated"}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            fit = ExponentialSmoothing(
                y,
                trend="add",
                damped_trend=True,
                seasonal=seasonal,
                seasonal_periods=season if seasonal else None,
                **init,
            ).fit(use_brute=False)
        except (ValueError, np.linalg.LinAlgError) as exc:
            raise ModelFailure(f"ETS did not fit: {exc}") from exc
    if not np.isfinite(fit.sse) or fit.params.get("damping_trend", 0.9) > 0.999:
        raise ModelFailure("ETS diverged (undamped or non-finite fit)")
    return Prediction(check_forecast(y, fit.forecast(h), "ETS"))


def _seasonal_differencing(y, season):
    """Seasonal differences vary less than first differences: a yearly/weekly pattern
    that repeats (the test of a seasonal unit root kept simple)."""
    if season < 2 or len(y) < season + 10:
        return False
    return np.var(y[season:] - y[:-season]) < np.var(np.diff(y))


def arima(y, h, season, x=None, x_future=None, levels=()):
    """ARIMA with exogenous regressors (SARIMAX), with its own intervals.

    A seasonal series is differenced at the season lag and an ARMA(1,1) with a
    constant models the differences (SARIMA(1,0,1)(0,1,0) with drift): each forecast is
    last season's value plus the predicted change. Otherwise ARIMA(1,1,1) on the
    seasonally adjusted series.
    """
    from statsmodels.tsa.statespace.sarimax import SARIMAX

    y = np.asarray(y, dtype=float)
    n = len(y)
    if n < 8:
        raise ModelFailure("ARIMA needs at least 8 periods")
    if x is not None and np.ptp(x, axis=0).max(initial=0) == 0:
        x = x_future = None
    seasonal = _seasonal_differencing(y, season)
    if seasonal:
        target, order, trend = y[season:] - y[:-season], (1, 0, 1), "c"
        x_fit = None if x is None else x[season:] - x[:-season]
        if x_future is not None:
            x_future = x_future - np.vstack([x, x_future])[n - season : n - season + h]
    else:
        target, reseason = _deseason(y, season)
        order, trend, x_fit = (1, 1, 1), "n", x
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            fit = SARIMAX(target, exog=x_fit, order=order, trend=trend).fit(disp=False, maxiter=30)
            fc = fit.get_forecast(h, exog=x_future)
        except (ValueError, np.linalg.LinAlgError) as exc:
            raise ModelFailure(f"ARIMA did not fit: {exc}") from exc
    change = np.asarray(fc.predicted_mean)
    var = np.asarray(fc.var_pred_mean)
    if seasonal:
        mean = np.concatenate([y, np.zeros(h)])
        total = np.zeros(n + h)
        for k in range(h):
            mean[n + k] = mean[n + k - season] + change[k]
            total[n + k] = total[n + k - season] + var[k]
        mean, sd = mean[n:], np.sqrt(total[n:])
        intervals = {lv: (mean - z_score(lv) * sd, mean + z_score(lv) * sd) for lv in levels}
    else:
        mean = reseason(change, n)
        intervals = {}
        for lv in levels:
            ci = np.asarray(fc.conf_int(alpha=1 - lv / 100))
            intervals[lv] = (reseason(ci[:, 0], n), reseason(ci[:, 1], n))
    return Prediction(check_forecast(y, mean, "ARIMA"), intervals)


def _intermittent(y, alpha, beta, tsb):
    y = np.maximum(np.asarray(y, dtype=float), 0.0)
    nz = np.flatnonzero(y > 0)
    if len(nz) == 0:
        return 0.0
    size = y[nz[0]]
    if tsb:
        prob = len(nz) / len(y)
        for v in y[nz[0] + 1 :]:
            prob = prob + beta * ((v > 0) - prob)
            if v > 0:
                size = size + alpha * (v - size)
        return prob * size
    interval = nz[0] + 1.0
    gap = 1
    for v in y[nz[0] + 1 :]:
        if v > 0:
            size = size + alpha * (v - size)
            interval = interval + alpha * (gap - interval)
            gap = 1
        else:
            gap += 1
    return size / interval


def croston(y, h, season, x=None, x_future=None, levels=()):
    """Croston's method (alpha 0.1): smoothed demand size over smoothed interval."""
    return Prediction(np.full(h, _intermittent(y, 0.1, 0.1, tsb=False)))


def tsb(y, h, season, x=None, x_future=None, levels=()):
    """Teunter-Syntetos-Babai: smoothed demand probability times smoothed size, so the
    forecast decays while a product stops selling (obsolescence)."""
    return Prediction(np.full(h, _intermittent(y, 0.1, 0.1, tsb=True)))


LOCAL_MODELS = {
    "seasonal_naive": seasonal_naive,
    "ets": ets,
    "theta": theta,
    "arima": arima,
    "croston": croston,
    "tsb": tsb,
}
