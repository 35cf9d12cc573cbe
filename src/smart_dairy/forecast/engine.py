"""Rolling-origin backtests and the automatic forecast of many series.

``cross_validation`` has statsforecast's shape: one row per series, cutoff and
forecast date, the actual ``y``, one column per model (plus ``<model>-lo-<level>`` /
``-hi-`` where the model has its own intervals) and ``scale``, the in-sample
seasonal-naive error of the training window that MASE divides by.

``forecast`` backtests the candidate models of each series and of their median
combination. By default (``select="panel"``) one choice serves the whole panel: the
option with the lowest backtest MASE averaged over the series sharing a candidate pool
(smooth or intermittent), which is far less noisy than each series' own few windows;
``select="series"`` keeps each series' own best model (or a weighted ensemble of its
best three when that backtests better). Either way a series keeps seasonal naive when
its choice does not beat seasonal naive on its own backtest. The choice is refitted on
the whole history with 80 % / 95 % intervals. Each series says why.
"""

import math
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import partial

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

from . import frame, metrics
from .errors import ForecastInputError
from .gbm import GlobalBoosting
from .models import LOCAL_MODELS, ModelFailure, Prediction, seasonal_naive, z_score

DEFAULT_MODELS = ("seasonal_naive", "ets", "theta", "arima", "gbm", "croston", "tsb")
SMOOTH_MODELS = ("seasonal_naive", "ets", "theta", "arima", "gbm")
INTERMITTENT_MODELS = ("seasonal_naive", "croston", "tsb", "gbm")
MODELS = frozenset(DEFAULT_MODELS)
INTERMITTENT_SHARE = 0.5
# Periods of history the per-series models fit on, by season length (daily: a year).
LOCAL_HISTORY = {7: 364, 52: 156, 12: 120}
ENSEMBLE_SIZE = 3
SELECTIONS = ("panel", "series")
MEDIAN = "median"
LEVELS = (80, 95)
# Model-based intervals are kept when their backtest coverage falls short of the
# nominal level by at most this much; otherwise conformal intervals replace them.
COVERAGE_TOLERANCE = 0.10
LABELS = {
    "seasonal_naive": "seasonal naive",
    "ets": "ETS",
    "theta": "Theta",
    "arima": "ARIMA",
    "gbm": "gradient boosting",
    "croston": "Croston",
    "tsb": "TSB",
    "ensemble": "ensemble",
}


@dataclass
class ForecastResult:
    """``forecasts``: one row per series and future period (``forecast``, ``lo-80``,
    ``hi-80``, ``lo-95``, ``hi-95``, ``model``); ``choices``: one row per series (model,
    reason, backtest metrics, interval method); ``cv``: the backtest frame;
    ``metrics``: backtest metrics per series and candidate model."""

    forecasts: pd.DataFrame
    choices: pd.DataFrame
    cv: pd.DataFrame
    metrics: pd.DataFrame


def _min_train(season):
    return max(season + 2, 8)


def _candidates(y, models):
    zero_share = float(np.mean(y == 0)) if len(y) else 0.0
    pool = INTERMITTENT_MODELS if zero_share >= INTERMITTENT_SHARE else SMOOTH_MODELS
    return [m for m in pool if m in models], zero_share


def _cutoffs(n, h, n_windows, step, season):
    """{window: last training index}, oldest window first, for the windows whose
    training part is long enough. Windows count from the end of each series, so a
    panel ending on one date shares its cutoff dates."""
    ends = {i: n - h - step * (n_windows - 1 - i) - 1 for i in range(n_windows)}
    return {i: e for i, e in ends.items() if e + 1 >= _min_train(season)}


def _run_local(s, h, season, model, levels, x_future=None):
    # Local models read the recent past only: enough seasons of their own season
    # length, and it bounds the fitting time of long daily histories.
    keep = LOCAL_HISTORY.get(season, len(s.y))
    y = s.y[-keep:]
    x = None if s.x is None else s.x[-keep:]
    return LOCAL_MODELS[model](y, h, season, x, x_future, levels)


def _backtest_series(args):
    """All local candidates of one series over its windows: a dict of columns."""
    s, h, cutoffs, models, season, levels = args
    cols = {"unique_id": [], "ds": [], "cutoff": [], "y": [], "scale": [], "window": []}
    preds = {}
    for w, end in cutoffs.items():
        train = s.head(end + 1)
        stop = min(end + 1 + h, len(s.y))
        steps = stop - end - 1
        cols["unique_id"] += [s.uid] * steps
        cols["ds"] += list(s.ds[end + 1 : stop])
        cols["cutoff"] += [s.ds[end]] * steps
        cols["y"] += list(s.y[end + 1 : stop])
        cols["scale"] += [metrics.naive_scale(train.y, season)] * steps
        cols["window"] += [w] * steps
        x_future = None if s.x is None else s.x[end + 1 : stop]
        for model in models:
            if model == "gbm":
                continue
            try:
                pred = _run_local(train, steps, season, model, levels, x_future)
                values, intervals = pred.mean, pred.intervals
            except ModelFailure:
                values, intervals = np.full(steps, np.nan), {}
            preds.setdefault(model, []).append(values)
            for lv in levels:
                lo, hi = intervals.get(lv, (np.full(steps, np.nan), np.full(steps, np.nan)))
                preds.setdefault(f"{model}-lo-{lv}", []).append(lo)
                preds.setdefault(f"{model}-hi-{lv}", []).append(hi)
    for key, parts in preds.items():
        values = np.concatenate(parts) if parts else np.array([])
        if ("-lo-" in key or "-hi-" in key) and np.isnan(values).all():
            continue  # the model has no intervals of its own
        cols[key] = values
    return cols


def _single_threaded(func, task):
    # Native thread pools (OpenMP, BLAS) oversubscribe shared cores: one thread each.
    with threadpool_limits(limits=1):
        return func(task)


def _map(func, tasks, n_jobs):
    if n_jobs > 1 and len(tasks) > 1:
        with ProcessPoolExecutor(n_jobs) as pool:
            chunk = max(1, len(tasks) // (8 * n_jobs))
            return list(pool.map(partial(_single_threaded, func), tasks, chunksize=chunk))
    return [_single_threaded(func, t) for t in tasks]


def _backtest(series, h, n_windows, step, models, freq, levels, n_jobs):
    season, lwin = frame.season_length(freq), frame.level_window(freq)
    tasks, plan = [], {}
    for s in series:
        cutoffs = _cutoffs(len(s.y), h, n_windows, step, season)
        cands, _ = _candidates(s.y, models)
        plan[s.uid] = (cutoffs, cands)
        tasks.append((s, h, cutoffs, cands, season, levels))
    parts = _map(_backtest_series, tasks, n_jobs)
    frames = [pd.DataFrame(p) for p in parts if len(p["y"])]
    if not frames:
        return pd.DataFrame(columns=["unique_id", "ds", "cutoff", "y", "scale", "window"])
    cv = pd.concat(frames, ignore_index=True)
    if "gbm" in models:
        cv["gbm"] = _backtest_boosting(series, plan, h, n_windows, season, lwin, freq, cv)
    return cv.drop(columns="window")


def _backtest_boosting(series, plan, h, n_windows, season, lwin, freq, cv):
    """The global model's backtest column: one fit per window over all series."""
    preds = {}
    for w in range(n_windows):
        users = [s for s in series if "gbm" in plan[s.uid][1] and w in plan[s.uid][0]]
        if not users:
            continue
        train = [s.head(plan[s.uid][0][w] + 1) for s in users]
        with threadpool_limits(limits=1):
            booster = GlobalBoosting(season, lwin, freq).fit(train, h)
            for full, t in zip(users, train, strict=True):
                end = len(t.y) - 1
                stop = min(end + 1 + h, len(full.y))
                x_future = None if full.x is None else full.x[end + 1 : stop]
                pred = booster.predict(t, stop - end - 1, x_future)
                if pred is not None:
                    preds[(full.uid, w)] = pred
    out = np.full(len(cv), np.nan)
    for (uid, w), idx in cv.groupby(["unique_id", "window"], sort=False).indices.items():
        if (uid, w) in preds:
            out[idx] = preds[(uid, w)]
    return out


def cross_validation(
    df,
    h,
    n_windows=3,
    step=None,
    freq="D",
    models=DEFAULT_MODELS,
    level=LEVELS,
    fill="zero",
    n_jobs=1,
    end=None,
):
    """Rolling-origin backtest of every candidate model of every series.

    Window ``i`` of a series trains on its history up to ``end - h - step * (n_windows
    - 1 - i)`` and forecasts the next ``h`` periods (``step`` defaults to ``h``).
    Windows whose training part is shorter than a season plus two periods are left out.
    ``end`` extends every series to that period (see ``frame.split``).
    """
    _check_args(h, n_windows, models)
    series = list(frame.split(df, freq, fill, end=end).values())
    return _backtest(series, h, n_windows, step or h, models, freq, tuple(level), n_jobs)


def _check_args(h, n_windows, models):
    if int(h) != h or h < 1:
        raise ForecastInputError("the horizon must be a whole number of periods, at least 1")
    if n_windows < 1:
        raise ForecastInputError("a backtest needs at least one window")
    unknown = set(models) - MODELS
    if unknown:
        raise ForecastInputError(f"unknown model(s): {', '.join(sorted(unknown))}")


def _ensemble(part, ranked):
    top = [(m, s) for m, s in ranked if np.isfinite(s) and s > 0][:ENSEMBLE_SIZE]
    if len(top) < 2:
        return None
    weights = np.array([1 / s for _, s in top])
    weights /= weights.sum()
    values = sum(w * part[m].to_numpy() for (m, _), w in zip(top, weights, strict=True))
    return dict(zip([m for m, _ in top], weights, strict=True)), values


def _window_mase(part, values):
    codes = pd.factorize(part["cutoff"])[0]
    return metrics.window_mase(codes, part["y"].to_numpy(), values, part["scale"].to_numpy())


def _choose(part, cands):
    """(model or weights, backtest predictions, reason) for one series' backtest rows."""
    part = part.reset_index(drop=True)
    scores = {}
    for m in cands:
        if m in part and not part[m].isna().any():
            scores[m] = _window_mase(part, part[m].to_numpy())
    if not scores:
        return "seasonal_naive", None, "every candidate failed in the backtest: seasonal naive"
    ranked = sorted(scores.items(), key=lambda kv: kv[1])
    best, best_score = ranked[0]
    choice, values = best, part[best].to_numpy()
    score = best_score
    ens = _ensemble(part, ranked)
    if ens is not None:
        ens_score = _window_mase(part, ens[1])
        if ens_score < best_score:
            choice, values, score = ens[0], ens[1], ens_score
    windows = part["cutoff"].nunique()
    naive = scores.get("seasonal_naive")
    naive_txt = f"seasonal naive {naive:.2f}" if naive is not None else "seasonal naive failed"
    if naive is not None and score >= naive:
        others = [(m, v) for m, v in ranked if m != "seasonal_naive"]
        best_other = f"{LABELS[others[0][0]]} {others[0][1]:.2f}" if others else "none"
        return (
            "seasonal_naive",
            part["seasonal_naive"].to_numpy(),
            f"seasonal naive kept: nothing beat its backtest MASE {naive:.2f} over {windows} "
            f"window(s) (best other: {best_other})",
        )
    if isinstance(choice, dict):
        parts = ", ".join(f"{LABELS[m]} {w:.2f}" for m, w in choice.items())
        return (
            choice,
            values,
            (
                f"weighted ensemble ({parts}): backtest MASE {score:.2f} over {windows} window(s), "
                f"below the best single model ({LABELS[best]} {best_score:.2f}) and {naive_txt}"
            ),
        )
    return (
        choice,
        values,
        (
            f"{LABELS[choice]}: lowest backtest MASE {score:.2f} over {windows} window(s) "
            f"({naive_txt})"
        ),
    )


def _options(part, cands):
    """{option: (backtest MASE, backtest predictions)} of one series: each candidate
    that backtested without failure, and the median of their forecasts (a
    combination, robust in forecasting competitions) when there are two or more."""
    part = part.reset_index(drop=True)
    opts = {}
    for m in cands:
        if m in part and not part[m].isna().any():
            values = part[m].to_numpy()
            opts[m] = (_window_mase(part, values), values)
    members = tuple(m for m in cands if m in opts)
    if len(members) >= 2:
        values = np.median(np.column_stack([opts[m][1] for m in members]), axis=1)
        opts[MEDIAN] = (_window_mase(part, values), values)
    return opts


def _panel_scores(options):
    """Mean backtest MASE of each option over the series where it is finite; options
    scored in fewer than half of the series are left out."""
    out = {}
    keys = {k for opts in options.values() for k in opts}
    for k in keys:
        vals = [o[k][0] for o in options.values() if k in o and np.isfinite(o[k][0])]
        if vals and 2 * len(vals) >= len(options):
            out[k] = float(np.mean(vals))
    return out


def _option_label(key, cands=None, opts=None):
    if key == MEDIAN:
        members = [m for m in cands if m in opts] if cands else []
        return "median of " + ", ".join(LABELS[m] for m in members)
    return LABELS[key]


def _choose_panel(part, cands, opts, pooled):
    """(model, members tuple of a median, or seasonal naive; backtest predictions;
    reason) of one series under the panel's choice."""
    part = part.reset_index(drop=True)
    windows = part["cutoff"].nunique()
    if not opts:
        return "seasonal_naive", None, "every candidate failed in the backtest: seasonal naive"
    naive = opts.get("seasonal_naive", (None,))[0]
    naive_txt = f"seasonal naive {naive:.2f}" if naive is not None else "seasonal naive failed"
    usable = [k for k in pooled if k in opts and np.isfinite(opts[k][0])]
    if usable:
        key = min(usable, key=pooled.get)
        why = (
            f"lowest backtest MASE over the panel ({pooled[key]:.2f} averaged over its "
            f"series); this series {opts[key][0]:.2f} over {windows} window(s)"
        )
    else:
        key = min(opts, key=lambda k: opts[k][0])
        why = f"lowest backtest MASE of this series {opts[key][0]:.2f} over {windows} window(s)"
    score, values = opts[key]
    label = _option_label(key, cands, opts)
    if key == "seasonal_naive":
        return key, values, f"seasonal naive kept: nothing beat it ({why})"
    if naive is not None and score >= naive:
        return (
            "seasonal_naive",
            opts["seasonal_naive"][1],
            f"seasonal naive kept: the panel's choice ({label}) did not beat its backtest "
            f"MASE {naive:.2f} on this series ({score:.2f} over {windows} window(s))",
        )
    choice = tuple(m for m in cands if m in opts) if key == MEDIAN else key
    return choice, values, f"{label}: {why} ({naive_txt})"


def _conformal(part, values, levels):
    """Half-widths per step from backtest errors, scaled by the square root of the step."""
    step = part.groupby("cutoff").cumcount().to_numpy() + 1
    scores = np.abs(part["y"].to_numpy() - values) / np.sqrt(step)
    n = len(scores)
    out = {}
    for lv in levels:
        q = min(1.0, math.ceil((n + 1) * lv / 100) / n)
        out[lv] = float(np.quantile(scores, q))
    return out


def _final_series(args):
    """Refit the chosen local models of one series on its whole history."""
    s, h, models, season, levels, x_future = args
    out = {}
    for m in models:
        try:
            out[m] = _run_local(s, h, season, m, levels, x_future)
        except ModelFailure as exc:
            out[m] = exc
    return s.uid, out


def forecast(
    df,
    h,
    freq="D",
    models=DEFAULT_MODELS,
    level=LEVELS,
    n_windows=3,
    step=None,
    fill="zero",
    future=None,
    categories=None,
    n_jobs=1,
    select="panel",
    end=None,
):
    """Forecast every series ``h`` periods ahead with the automatic model choice.

    ``select`` is ``"panel"`` (one choice, by backtest MASE averaged over the series
    of a candidate pool, among the candidates and their median) or ``"series"``
    (each series' own best model or weighted ensemble); see the module docstring.

    ``future`` holds the exogenous columns over the horizon when the history has
    any. ``categories`` maps series to a category; a series named there without
    history (a new product) gets the mean forecast of its category's series. Net
    history with returns (negative values) is modelled as it is; forecasts and
    bounds are clipped at zero. ``end``, the last period of the history, extends
    every series that stops earlier (see ``frame.split``), so that all forecasts
    start after it.
    """
    _check_args(h, n_windows, models)
    if select not in SELECTIONS:
        raise ForecastInputError(f"select must be one of {', '.join(SELECTIONS)}")
    if "seasonal_naive" not in models:
        models = ("seasonal_naive", *models)
    freq = frame.normalise_freq(freq)
    season, lwin = frame.season_length(freq), frame.level_window(freq)
    levels = tuple(level)
    split = frame.split(df, freq, fill, end=end)
    exog = frame.exog_columns(df)
    futures = {
        uid: frame.future_exog(future, uid, frame.future_dates(s.ds[-1], h, freq), exog)
        for uid, s in split.items()
    }
    step = step or h
    need = _min_train(season) + h
    backtested = [s for s in split.values() if len(s.y) >= need and np.ptp(s.y) > 0]
    cv = _backtest(backtested, h, n_windows, step, models, freq, levels, n_jobs)
    scores = metrics.evaluate(cv, models, levels) if len(cv) else pd.DataFrame()

    parts = cv.groupby("unique_id", sort=False).indices if len(cv) else {}
    plans, choices, pending = {}, {}, {}
    for uid, s in split.items():
        if np.ptp(s.y) == 0:
            choices[uid] = {"model": "constant", "reason": f"constant history: flat at {s.y[0]:g}"}
            continue
        if len(s.y) < need:
            model = "seasonal_naive" if len(s.y) >= season else "last value"
            choices[uid] = {
                "model": "seasonal_naive",
                "reason": f"short history ({len(s.y)} periods, a backtest needs {need}): {model}",
            }
            plans[uid] = ("seasonal_naive", None)
            continue
        cands, zero_share = _candidates(s.y, models)
        pending[uid] = (cands, zero_share, cv.iloc[parts.get(uid, [])].reset_index(drop=True))

    pooled = {}
    if select == "panel":
        options = {uid: _options(part, cands) for uid, (cands, _, part) in pending.items()}
        groups = {}
        for uid, (cands, _, _) in pending.items():
            groups.setdefault(tuple(cands), []).append(uid)
        for members in groups.values():
            scores_ = _panel_scores({u: options[u] for u in members})
            pooled.update(dict.fromkeys(members, scores_))

    for uid, (cands, zero_share, part) in pending.items():
        if select == "panel":
            choice, values, reason = _choose_panel(part, cands, options[uid], pooled[uid])
        else:
            choice, values, reason = _choose(part, cands)
        if values is None:
            plans[uid] = ("seasonal_naive", None)
            choices[uid] = {"model": "seasonal_naive", "reason": reason}
            continue
        if zero_share >= INTERMITTENT_SHARE:
            reason = f"intermittent ({zero_share:.0%} zero periods); {reason}"
        plans[uid] = (choice, (part, values))
        combined = isinstance(choice, (dict, tuple))
        choices[uid] = {
            "model": "ensemble" if combined else choice,
            "reason": reason,
            "weights": choice if isinstance(choice, dict) else None,
            "members": ", ".join(choice) if combined else None,
            "mase": _window_mase(part, values),
            "wape": metrics.wape(part["y"], values),
            "smape": metrics.smape(part["y"], values),
            "bias": metrics.bias(part["y"], values),
        }

    local_needed = {}
    for uid, (choice, _) in plans.items():
        names = list(choice) if isinstance(choice, (dict, tuple)) else [choice]
        local_needed[uid] = [m for m in names if m != "gbm"] + (
            ["seasonal_naive"] if "seasonal_naive" not in names else []
        )
    tasks = [(split[uid], h, ms, season, levels, futures[uid]) for uid, ms in local_needed.items()]
    fitted = dict(_map(_final_series, tasks, n_jobs))
    gbm_users = [
        uid
        for uid, (c, _) in plans.items()
        if (c == "gbm" or (isinstance(c, (dict, tuple)) and "gbm" in c))
    ]
    if gbm_users:
        with threadpool_limits(limits=1):
            booster = GlobalBoosting(season, lwin, freq).fit(backtested, h)
        for uid in gbm_users:
            pred = booster.predict(split[uid], h, futures[uid])
            fitted[uid]["gbm"] = (
                ModelFailure("no boosting fit") if pred is None else Prediction(pred)
            )

    rows = []
    for uid, s in split.items():
        dates = frame.future_dates(s.ds[-1], h, freq)
        info = choices[uid]
        if info["model"] == "constant":
            mean = np.full(h, max(s.y[0], 0.0))
            bands = dict.fromkeys(levels, (mean, mean))
            info["intervals"] = "none (constant)"
        else:
            mean, bands, method, fell_back = _finalise(s, plans[uid], fitted[uid], levels, season)
            info["intervals"] = method
            if fell_back:
                info["reason"] += f"; final fit failed ({fell_back}): seasonal naive"
                info["model"] = "seasonal_naive"
        rows.append(_rows(uid, dates, mean, bands, info["model"], levels))
    rows += _new_products(categories, split, rows, h, freq, levels, choices)
    forecasts = pd.concat(rows, ignore_index=True) if rows else pd.DataFrame()
    choice_frame = _choice_frame(choices, scores, split)
    return ForecastResult(forecasts, choice_frame, cv, scores)


def _finalise(s, plan, fitted, levels, season):
    choice, backtest = plan
    median = isinstance(choice, tuple)
    names = dict.fromkeys(choice) if median else choice
    names = names if isinstance(names, dict) else {choice: 1.0}
    failed = [m for m in names if isinstance(fitted.get(m), Exception) or m not in fitted]
    fell_back = None
    if failed:
        fell_back = f"{LABELS[failed[0]]}: {fitted.get(failed[0], 'no fit')}"
        names, backtest, median = {"seasonal_naive": 1.0}, None, False
    if median:
        mean = np.median(np.vstack([fitted[m].mean for m in names]), axis=0)
    else:
        mean = sum(w * fitted[m].mean for m, w in names.items())
    single = next(iter(names)) if len(names) == 1 else None
    own = fitted[single].intervals if single else {}
    method = "conformal"
    if backtest is not None:
        part, values = backtest
        if single and own and _model_intervals_hold(part, single, levels):
            bands, method = own, "model"
        else:
            if single:
                values = part[single].to_numpy()
            widths = _conformal(part, values, levels)
            steps = np.sqrt(np.arange(1, len(mean) + 1))
            bands = {lv: (mean - widths[lv] * steps, mean + widths[lv] * steps) for lv in levels}
    else:
        pred = seasonal_naive(s.y, len(mean), season, levels=levels)
        if pred.intervals:
            bands, method = pred.intervals, "model (seasonal naive residuals)"
        else:
            sd = float(np.std(s.y))
            bands = {lv: (mean - z_score(lv) * sd, mean + z_score(lv) * sd) for lv in levels}
            method = "history spread"
    mean = np.maximum(mean, 0.0)
    bands = {
        lv: (np.maximum(lo, 0.0), np.maximum(np.maximum(hi, 0.0), mean))
        for lv, (lo, hi) in bands.items()
    }
    bands = {lv: (np.minimum(lo, mean), hi) for lv, (lo, hi) in bands.items()}
    return mean, bands, method, fell_back


def _model_intervals_hold(part, model, levels):
    for lv in levels:
        lo, hi = f"{model}-lo-{lv}", f"{model}-hi-{lv}"
        if lo not in part or part[lo].isna().any():
            return False
        cov = metrics.coverage(part["y"], part[lo], part[hi])
        if cov < lv / 100 - COVERAGE_TOLERANCE:
            return False
    return True


def _rows(uid, dates, mean, bands, model, levels):
    data = {"unique_id": uid, "ds": dates, "forecast": mean, "model": model}
    for lv in levels:
        data[f"lo-{lv}"], data[f"hi-{lv}"] = bands[lv]
    return pd.DataFrame(data)


def _new_products(categories, split, rows, h, freq, levels, choices):
    """Series named in ``categories`` without history: their category's mean forecast."""
    if not categories:
        return []
    new = [uid for uid in categories if uid not in split]
    if not new:
        return []
    last = max((s.ds[-1] for s in split.values()), default=None)
    if last is None:
        raise ForecastInputError("new products need other series of their category with history")
    known = pd.concat(rows, ignore_index=True) if rows else pd.DataFrame()
    profiles, info = category_profiles(
        known, categories, new, frame.future_dates(last, h, freq), levels
    )
    choices.update(info)
    return [profiles]


def category_profiles(forecasts, categories, new, dates, levels=LEVELS):
    """Forecasts over ``dates`` of the ``new`` series (without history): per period, the
    mean of the forecasts and bounds of the series of their category (``categories``
    maps series to categories) in the frame ``forecasts`` (``unique_id``, ``ds``,
    ``forecast``, ``lo-<level>``, ``hi-<level>``), taken in date order; zero when the
    category has none. Returns their frame and {series: choice}."""
    h = len(dates)
    columns = ["forecast", *(f"{b}-{lv}" for lv in levels for b in ("lo", "hi"))]
    by_uid = (
        {uid: part.sort_values("ds") for uid, part in forecasts.groupby("unique_id", sort=False)}
        if len(forecasts)
        else {}
    )
    out, choices = [], {}
    for uid in new:
        cat = categories[uid]
        peers = [by_uid[u] for u, c in categories.items() if c == cat and u in by_uid]
        if peers:
            stack = {
                col: np.mean([p[col].to_numpy()[:h] for p in peers], axis=0) for col in columns
            }
            reason = f"new product: mean forecast of category {cat} ({len(peers)} series)"
        else:
            stack = dict.fromkeys(columns, np.zeros(h))
            reason = f"new product: category {cat} has no series with history, forecast zero"
        bands = {lv: (stack[f"lo-{lv}"], stack[f"hi-{lv}"]) for lv in levels}
        out.append(_rows(uid, dates, stack["forecast"], bands, "category profile", levels))
        choices[uid] = {"model": "category profile", "reason": reason, "intervals": "category"}
    return (pd.concat(out, ignore_index=True) if out else pd.DataFrame()), choices


def _choice_frame(choices, scores, split):
    rows = []
    for uid, info in choices.items():
        row = {"unique_id": uid, **info, "n_obs": len(split[uid].y) if uid in split else 0}
        if len(scores) and info["model"] in MODELS:
            hit = scores[(scores["unique_id"] == uid) & (scores["model"] == info["model"])]
            cover = [c for c in hit.columns if c.startswith("coverage_")]
            if len(hit):
                row.update(hit.iloc[0][cover].to_dict())
        rows.append(row)
    return pd.DataFrame(rows)
