"""Speed of the automatic forecast: 2,000 daily product-warehouse series, 2 years of
history, horizon 28 days, backtest of 3 windows and every default model; prints
wall time, peak memory (this process and its workers) and the models chosen.

    OMP_NUM_THREADS=1 .venv/bin/python bench/bench_forecast_speed.py [--series 2000] [--jobs 2]
"""

import argparse
import resource
import time

import numpy as np
import pandas as pd
from smart_dairy import forecast as fc


def synthetic(n_series, days, seed=0):
    """Weekly and yearly seasonality, trend, noise; a third of the series slow movers."""
    rng = np.random.default_rng(seed)
    ds = pd.date_range("2024-01-01", periods=days, freq="D")
    t = np.arange(days)
    frames = []
    for i in range(n_series):
        level = rng.lognormal(3, 1)
        weekly = 1 + 0.3 * np.sin(2 * np.pi * (t + rng.integers(7)) / 7)
        yearly = 1 + 0.2 * np.sin(2 * np.pi * t / 365.25)
        trend = 1 + rng.normal(0, 0.3) * t / days
        mean = level * weekly * yearly * np.maximum(trend, 0.2)
        if i % 3 == 0:
            mean = mean / level * rng.uniform(0.1, 1.5)
        frames.append(
            pd.DataFrame({"unique_id": f"p{i:04d}", "ds": ds, "y": rng.poisson(mean).astype(float)})
        )
    return pd.concat(frames, ignore_index=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--series", type=int, default=2000)
    parser.add_argument("--days", type=int, default=730)
    parser.add_argument("--jobs", type=int, default=2)
    args = parser.parse_args()
    df = synthetic(args.series, args.days)
    started = time.perf_counter()
    res = fc.forecast(df, 28, "D", n_windows=3, n_jobs=args.jobs)
    elapsed = time.perf_counter() - started
    cpu = sum(
        resource.getrusage(who).ru_utime + resource.getrusage(who).ru_stime
        for who in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
    )
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    workers = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(
        f"{args.series} daily series x {args.days} days, h=28, 3 backtest windows, "
        f"{args.jobs} processes"
    )
    print(
        f"  wall time {elapsed:.0f} s ({elapsed / 60:.1f} min); peak memory {own:.0f} MB "
        f"(main), {workers:.0f} MB (largest worker)"
    )
    print(f"  CPU time {cpu / 60:.1f} min over all processes (the wall time depends on the load)")
    print(f"  forecast rows {len(res.forecasts)}, backtest rows {len(res.cv)}")
    print(f"  models chosen: {res.choices['model'].value_counts().to_dict()}")
    print(f"  median backtest MASE of the choice {res.choices['mase'].median():.3f}")


if __name__ == "__main__":
    main()
