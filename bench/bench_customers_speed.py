"""Speed of customer scoring: churn probability with factors, expected 12-month value,
RFM segments and K-means clusters for 100,000 simulated customers (about 720,000
orders over two years).

Training (churn candidates on earlier cutoffs, BG/NBD and Gamma-Gamma fits, and
choose_count_model's backtest of BG/NBD against Pareto/NBD, which the Odoo job makes
weekly with the churn training) is timed apart from the daily work: the fit of the
chosen count model with Gamma-Gamma, and scoring.

    OMP_NUM_THREADS=1 .venv/bin/python bench/bench_customers_speed.py \
        [--customers 100000] [--varied]
"""

import argparse
import resource
import time

import numpy as np
import pandas as pd
from smart_dairy import customers

AS_OF = pd.Timestamp("2026-06-30")


def synthetic(n, seed=0, varied=False):
    """Customers ordering at their own rate from their first order until they leave
    (after 500 days on average). ``varied``: each customer also has their own mean
    stay (gamma, mean 500 days) and spend level (gamma, mean 1), as real customers do;
    without it every customer shares one dropout rate and spend distribution, where
    Pareto/NBD's and Gamma-Gamma's likelihoods peak at infinite parameters."""
    rng = np.random.default_rng(seed)
    own = np.random.default_rng(seed + 1)
    start = AS_OF - pd.Timedelta(days=730)
    rate = rng.gamma(1.5, 1 / 60, n)
    first = rng.uniform(0, 700, n)
    stay = own.gamma(1.0, 500, n) if varied else 500
    leave = first + rng.exponential(stay, n)
    counts = rng.poisson(rate * (np.minimum(leave, 730) - first).clip(min=0)) + 1
    cust = np.repeat(np.arange(n), counts)
    lo, hi = first[cust], np.minimum(leave, 730)[cust]
    level = own.gamma(4, 1 / 4, n)[cust] if varied else 1.0
    day = np.where(np.r_[True, cust[1:] != cust[:-1]], lo, rng.uniform(lo, np.maximum(hi, lo)))
    return pd.DataFrame(
        {
            "customer_id": cust,
            "date": start + pd.to_timedelta(day.astype(int), unit="D"),
            "amount": rng.gamma(3, 15 * level, len(cust)).round(2),
        }
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--customers", type=int, default=100_000)
    parser.add_argument(
        "--varied", action="store_true", help="customers differ in mean stay and spend level"
    )
    args = parser.parse_args()
    orders = synthetic(args.customers, varied=args.varied)
    print(f"{args.customers} customers, {len(orders)} orders")
    t0 = time.perf_counter()
    model = customers.train(orders, AS_OF - pd.Timedelta(days=60), as_of=AS_OF)
    t1 = time.perf_counter()
    table = customers.summary(orders, AS_OF)
    value_model = customers.fit_value(table)
    t2 = time.perf_counter()
    choice = customers.choose_count_model(orders, AS_OF)
    t_choice = time.perf_counter() - t2
    print(
        f"  training: churn {t1 - t0:.0f} s ({model.name}, holdout AUC {model.metrics['auc']:.3f}),"
        f" BG/NBD + Gamma-Gamma {t2 - t1:.0f} s; choose_count_model {t_choice:.0f} s "
        f"({choice['count_model']}, backtest spend MAE "
        + ", ".join(f"{k} {v:.2f}" for k, v in choice["mae"].items())
        + ")"
    )
    t2 = time.perf_counter()
    value_model = customers.fit_value(customers.summary(orders, AS_OF), choice["count_model"])
    t_fit = time.perf_counter() - t2
    print(
        f"  daily value fit: {choice['count_model']} + Gamma-Gamma {t_fit:.0f} s "
        f"(choose_value, the former daily work, is both: {t_choice + t_fit:.0f} s)"
    )
    t2 = time.perf_counter()
    cpu = time.process_time()
    scores = customers.score(model, orders, AS_OF)
    t3 = time.perf_counter()
    values = value_model.expected_value(customers.summary(orders, AS_OF), days=365)
    t4 = time.perf_counter()
    segments = customers.rfm(orders, AS_OF)
    t5 = time.perf_counter()
    clusters = customers.cluster(segments)
    t6 = time.perf_counter()
    cpu = time.process_time() - cpu
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"  scoring: churn with factors {t3 - t2:.0f} s for {len(scores)} active customers, "
        f"12-month value {t4 - t3:.1f} s for {len(values)}; together {t4 - t2:.0f} s "
        f"({cpu:.0f} s of CPU)"
    )
    print(
        f"  RFM segments {t5 - t4:.1f} s for {len(segments)} customers; K-means {t6 - t5:.1f} s "
        f"(k {clusters.k} by silhouette {clusters.silhouette:.3f}); scoring in all {t6 - t2:.0f} s"
    )
    print(f"  peak memory {peak:.0f} MB; risk levels {scores['risk'].value_counts().to_dict()}")


if __name__ == "__main__":
    main()
