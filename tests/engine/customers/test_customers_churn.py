"""Churn labels at cutoffs, features without leakage, training, metrics and scores."""

import numpy as np
import pandas as pd
import pytest
from smart_dairy import customers
from smart_dairy.customers import churn

CUTOFF = pd.Timestamp("2026-03-31")


def _orders(rows):
    return pd.DataFrame(rows, columns=["customer_id", "date", "amount"])


def test_labels_at_a_cutoff():
    orders = _orders(
        [
            ("back", "2026-03-01", 10.0),
            ("back", "2026-05-30", 10.0),  # day 60 after the cutoff: stayed
            ("gone", "2026-03-31", 10.0),  # ordered on the cutoff day: active
            ("gone", "2026-05-31", 10.0),  # day 61: too late, churned
            ("quiet", "2025-01-15", 10.0),  # no order in the 365 days before: not active
            ("newcomer", "2026-04-02", 10.0),  # first order after the cutoff: not active
        ]
    )
    y = customers.labels(orders, CUTOFF)
    assert y.to_dict() == {"back": 0, "gone": 1}
    assert customers.labels(orders, CUTOFF, active_days=None).to_dict() == {
        "back": 0,
        "gone": 1,
        "quiet": 1,
    }


def _simulated(n=500, seed=0):
    """Customers ordering at their own rate until they leave at a random date."""
    rng = np.random.default_rng(seed)
    start, end = pd.Timestamp("2025-01-01"), pd.Timestamp("2026-06-30")
    span = (end - start).days
    rows = []
    for c in range(n):
        rate = rng.gamma(2.0, 1 / 40)  # orders per day
        leave = rng.uniform(0, span * 1.6)
        first = rng.uniform(0, 200)
        t = first
        while t < min(leave, span):
            rows.append((f"c{c}", start + pd.Timedelta(days=int(t)), float(rng.gamma(4, 10))))
            t += rng.exponential(1 / rate)
    return _orders(rows)


@pytest.fixture(scope="module")
def orders():
    return _simulated()


def test_features_never_read_orders_after_the_cutoff(orders):
    full = customers.features(orders, CUTOFF)
    truncated = customers.features(orders[orders["date"] <= CUTOFF], CUTOFF)
    pd.testing.assert_frame_equal(full, truncated)
    # a burst of future orders changes nothing either
    future = _orders([(cid, CUTOFF + pd.Timedelta(days=1), 1e6) for cid in full.index[:50]])
    pd.testing.assert_frame_equal(customers.features(pd.concat([orders, future]), CUTOFF), full)


def test_feature_values_by_hand():
    orders = _orders(
        [("a", "2026-01-01", 10.0), ("a", "2026-03-01", 30.0), ("a", "2026-03-21", 20.0)]
    )
    row = customers.features(orders, CUTOFF).loc["a"]
    assert row["recency_days"] == 10 and row["tenure_days"] == 89
    # the last 30 days are 2 to 31 March: the order of 1 March is 30 days old
    assert row["orders_total"] == 3 and row["orders_30"] == 1 and row["orders_90"] == 3
    assert row["avg_order_value"] == 20 and row["spend_365"] == 60
    assert row["mean_gap_days"] == pytest.approx(79 / 2)
    assert row["overdue_ratio"] == pytest.approx(10 / 39.5)


def test_training_holdout_metrics_and_scores(orders):
    train_cutoffs = [CUTOFF - pd.Timedelta(days=60 + 30 * i) for i in range(5)]
    model = customers.train(orders, CUTOFF, train_cutoffs, threshold=0.5)
    m = model.metrics
    assert model.name in ("logistic_regression", "gradient_boosting")
    assert m["auc"] == max(m["candidates_auc"].values())
    assert m["auc"] > 0.75  # recency carries most of the signal in this simulation
    assert 0 < m["brier"] < 0.25
    assert 0 < m["churn_share"] < 1 and m["n"] == len(customers.labels(orders, CUTOFF))
    assert len(m["calibration"]) >= 5
    assert all(0 <= p <= 1 and 0 <= f <= 1 for p, f in m["calibration"])

    scores = customers.score(model, orders, CUTOFF, thresholds=(0.3, 0.6))
    assert scores["probability"].between(0, 1).all()
    expected_risk = np.select(
        [scores["probability"] >= 0.6, scores["probability"] >= 0.3], ["high", "medium"], "low"
    )
    assert (scores["risk"] == expected_risk).all()
    spend = customers.features(orders, CUTOFF).loc[scores.index, "spend_365"]
    assert scores["revenue_at_risk"].to_numpy() == pytest.approx(
        (scores["probability"] * spend).to_numpy()
    )
    high = scores[scores["risk"] == "high"]
    assert len(high) and high["factors"].map(len).gt(0).mean() > 0.9
    assert all(isinstance(text, str) and text for factors in high["factors"] for text in factors)


def test_holdout_must_have_its_future_and_cutoffs_must_not_overlap(orders):
    with pytest.raises(customers.CustomerInputError, match="needs orders up to 60 days"):
        customers.train(orders, pd.Timestamp("2026-06-01"))
    with pytest.raises(customers.CustomerInputError, match="label window"):
        customers.train(orders, CUTOFF, [CUTOFF - pd.Timedelta(days=30)])


def test_risk_thresholds_are_checked():
    with pytest.raises(customers.CustomerInputError, match="thresholds"):
        churn.risk_level(np.array([0.5]), (0.7, 0.4))
