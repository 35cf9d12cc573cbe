"""Forecast accuracy: MASE, WAPE, sMAPE, bias and interval coverage.

MASE divides the mean absolute error by the in-sample mean absolute error of the
seasonal naive forecast on the training window (lag 1 when the window is shorter
than a season plus one).
"""

import numpy as np
import pandas as pd


def naive_scale(y, season):
    """Mean absolute seasonal difference of a training window; NaN when undefined."""
    y = np.asarray(y, dtype=float)
    lag = season if len(y) > season else 1
    if len(y) <= lag:
        return np.nan
    return float(np.mean(np.abs(y[lag:] - y[:-lag])))


def mase(y, yhat, scale):
    err = float(np.mean(np.abs(np.asarray(y, float) - np.asarray(yhat, float))))
    if not scale or not np.isfinite(scale):
        return 0.0 if err == 0 else np.inf
    return err / scale


def wape(y, yhat):
    y, yhat = np.asarray(y, float), np.asarray(yhat, float)
    den = np.abs(y).sum()
    num = np.abs(y - yhat).sum()
    return float(num / den) if den else (0.0 if num == 0 else np.inf)


def smape(y, yhat):
    """Symmetric MAPE in [0, 2]; a period where both are zero counts as exact."""
    y, yhat = np.asarray(y, float), np.asarray(yhat, float)
    den = np.abs(y) + np.abs(yhat)
    ratio = np.divide(2 * np.abs(y - yhat), den, out=np.zeros_like(den), where=den > 0)
    return float(ratio.mean()) if len(ratio) else np.nan


def bias(y, yhat):
    """Total over-forecast as a share of total actual volume (negative: under)."""
    y, yhat = np.asarray(y, float), np.asarray(yhat, float)
    den = np.abs(y).sum()
    diff = (yhat - y).sum()
    return float(diff / den) if den else (0.0 if diff == 0 else np.inf)


def coverage(y, lo, hi):
    y = np.asarray(y, float)
    return float(np.mean((y >= np.asarray(lo, float)) & (y <= np.asarray(hi, float))))


def _ratio(num, den):
    """num / den, with 0 / 0 = 0 and x / 0 = inf."""
    num, den = np.asarray(num, float), np.asarray(den, float)
    out = np.where(num == 0, 0.0, np.inf)
    np.divide(num, den, out=out, where=(den != 0) & np.isfinite(den))
    return out


def window_mase(windows, y, yhat, scale):
    """Mean over windows (integer codes) of each window's MASE."""
    windows = np.asarray(windows)
    count = np.bincount(windows)
    err = np.bincount(windows, np.abs(np.asarray(y, float) - np.asarray(yhat, float))) / count
    sc = np.bincount(windows, np.nan_to_num(np.asarray(scale, float))) / count
    return float(np.mean(_ratio(err, sc)[count > 0]))


def evaluate(cv, models, levels=()):
    """Metrics per series and model from a cross-validation frame.

    MASE is the mean over windows of each window's MASE (each window scaled by its
    own training error, the ``scale`` column); WAPE, sMAPE and bias pool all windows.
    """
    rows = []
    y = cv["y"].to_numpy(float)
    groups = cv.groupby("unique_id", sort=True).indices
    windows = pd.factorize(cv["cutoff"])[0]
    for uid, idx in groups.items():
        codes = pd.factorize(windows[idx])[0]
        for model in models:
            if model not in cv:
                continue
            yhat = cv[model].to_numpy(float)[idx]
            if np.isnan(yhat).all():
                continue
            row = {
                "unique_id": uid,
                "model": model,
                "mase": window_mase(codes, y[idx], yhat, cv["scale"].to_numpy(float)[idx]),
                "wape": wape(y[idx], yhat),
                "smape": smape(y[idx], yhat),
                "bias": bias(y[idx], yhat),
            }
            for level in levels:
                lo, hi = f"{model}-lo-{level}", f"{model}-hi-{level}"
                if lo in cv:
                    row[f"coverage_{level}"] = coverage(
                        y[idx], cv[lo].to_numpy(float)[idx], cv[hi].to_numpy(float)[idx]
                    )
            rows.append(row)
    return pd.DataFrame(rows)
