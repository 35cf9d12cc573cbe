"""Churn and customer value on CDNOW (lifetimes' copy, 23,570 customers, 1997-1998).

Churn: 60-day churn at the cutoff 1998-02-28, trained on earlier cutoffs only; prints
AUC and Brier of the engine's chosen model beside days-since-last-purchase alone.
Value: calibration to 1997-09-30, holdout to 1998-06-30 (273 days); per-customer MAE
of holdout spend and error of the total, for the engine's BG/NBD + Gamma-Gamma, the
engine's backtest choice between BG/NBD and Pareto/NBD (choose_value), and for the
lifetimes package (the anchor) in the same run.

    .venv-bench/bin/python bench/bench_customers_cdnow.py
"""

import time

import numpy as np
import pandas as pd
from sklearn.metrics import roc_auc_score
from smart_dairy import customers

CUTOFF = pd.Timestamp("1998-02-28")
CALIBRATION_END = pd.Timestamp("1997-09-30")
HOLDOUT_END = pd.Timestamp("1998-06-30")


def load():
    from lifetimes.datasets import load_dataset

    raw = load_dataset(
        "CDNOW_master.txt",
        header=None,
        sep=r"\s+",
        names=["customer_id", "date", "quantity", "amount"],
        skiprows=1,
        dtype={"customer_id": str, "date": str},
    )
    raw["date"] = pd.to_datetime(raw["date"], format="%Y%m%d")
    return raw[["customer_id", "date", "amount"]]


def churn(orders):
    started = time.perf_counter()
    model = customers.train(orders, CUTOFF, active_days=None)
    m = model.metrics
    test = customers.dataset(orders, [CUTOFF], active_days=None)
    recency_auc = roc_auc_score(test["churn"], test["recency_days"])
    print(
        f"churn at {CUTOFF.date()}: {m['n']} active customers, churn share {m['churn_share']:.1%}, "
        f"{m['train_rows']} training rows from {len(model.train_cutoffs)} earlier cutoffs"
    )
    print(f"  recency only            AUC {recency_auc:.3f}")
    for name, auc in m["candidates_auc"].items():
        print(f"  {name:22s}  AUC {auc:.3f}")
    print(
        f"  chosen: {model.name}: AUC {m['auc']:.3f}, Brier {m['brier']:.4f}, "
        f"precision {m['precision']:.3f} / recall {m['recall']:.3f} at {m['threshold']}"
    )
    print(f"  (training and holdout in {time.perf_counter() - started:.1f} s)")


def actual_holdout(orders, index):
    hold = orders[(orders["date"] > CALIBRATION_END) & (orders["date"] <= HOLDOUT_END)]
    return hold.groupby("customer_id")["amount"].sum().reindex(index, fill_value=0.0)


def value_engine(orders, days):
    table = customers.summary(orders, CALIBRATION_END)
    model = customers.fit_value(table)
    chosen = customers.choose_value(orders, CALIBRATION_END)
    return table, model, model.expected_value(table, days), chosen


def value_lifetimes(orders, days):
    from lifetimes import BetaGeoFitter, GammaGammaFitter
    from lifetimes.utils import summary_data_from_transaction_data

    summ = summary_data_from_transaction_data(
        orders, "customer_id", "date", "amount", observation_period_end=CALIBRATION_END
    )
    bg = BetaGeoFitter().fit(summ["frequency"], summ["recency"], summ["T"])
    rep = summ[(summ["frequency"] > 0) & (summ["monetary_value"] > 0)]
    gg = GammaGammaFitter().fit(rep["frequency"], rep["monetary_value"])
    purchases = bg.conditional_expected_number_of_purchases_up_to_time(
        days, summ["frequency"], summ["recency"], summ["T"]
    )
    spend = gg.conditional_expected_average_profit(summ["frequency"], summ["monetary_value"])
    return purchases * spend, bg, gg


def report(name, pred, actual):
    mae = float(np.mean(np.abs(pred - actual)))
    total = pred.sum() / actual.sum() - 1
    print(
        f"  {name:40s} MAE {mae:6.2f}  total {pred.sum():10,.0f} "
        f"vs actual {actual.sum():10,.0f} ({total:+.1%})"
    )


def value(orders):
    days = (HOLDOUT_END - CALIBRATION_END).days
    first_ok = orders.groupby("customer_id")["date"].min() <= CALIBRATION_END
    t0 = time.perf_counter()
    table, model, engine, chosen = value_engine(orders, days)
    t_engine = time.perf_counter() - t0
    actual = actual_holdout(orders, table.index)
    print(
        f"value: calibration to {CALIBRATION_END.date()}, holdout {days} days, "
        f"{first_ok.sum()} customers"
    )
    b, g = model.purchases, model.gamma_gamma
    print(
        f"  engine BG/NBD r={b.r:.3f} alpha={b.alpha:.2f} a={b.a:.3f} b={b.b:.3f}; "
        f"GG p={g.p:.2f} q={g.q:.2f} v={g.v:.2f} ({t_engine:.1f} s)"
    )
    report("engine BG/NBD + Gamma-Gamma", engine, actual)
    bt = chosen.backtest
    maes = ", ".join(f"{k} {v:.2f}" for k, v in bt["mae"].items())
    print(
        f"  engine choice: backtest from {bt['split'].date()} over {bt['days']} days "
        f"(spend MAE {maes}) -> {bt['count_model']} "
        + " ".join(f"{k}={v:.3f}" for k, v in vars(chosen.purchases).items())
    )
    report(
        f"engine chosen {bt['count_model']} + Gamma-Gamma",
        chosen.expected_value(table, days),
        actual,
    )
    anchor, bg, _ = value_lifetimes(orders, days)
    print(f"  lifetimes BG/NBD { {k: round(v, 3) for k, v in bg.params_.items()} }")
    report("lifetimes BG/NBD + Gamma-Gamma (anchor)", anchor.reindex(table.index), actual)


def main():
    orders = load()
    print(f"CDNOW: {len(orders)} orders, {orders['customer_id'].nunique()} customers")
    print("(a customer counts as active at a cutoff once it has ordered: the whole cohort)")
    churn(orders)
    value(orders)


if __name__ == "__main__":
    main()
