"""60-day churn: labels at cutoffs, features from order history only, a logistic
regression baseline and a gradient-boosting classifier, both calibrated, chosen by
AUC on a time-based holdout, and scores with risk levels and top factors in words.

A customer is *active* at a cutoff when it ordered in the ``active_days`` before it
(cutoff included; ``None``: any time before) and *churns* when it places no order in
the ``horizon`` days after.
Features at a cutoff read only orders dated on or before it.
scikit-learn is imported by the functions that fit and evaluate, so that importing
this module (every Odoo worker does) stays fast.
"""

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from .errors import CustomerInputError
from .orders import before, prepare

HORIZON_DAYS = 60
ACTIVE_DAYS = 365
FEATURES = (
    "recency_days",
    "tenure_days",
    "orders_total",
    "orders_30",
    "orders_90",
    "orders_180",
    "orders_365",
    "spend_365",
    "avg_order_value",
    "mean_gap_days",
    "overdue_ratio",
    "orders_trend",
)
WORDS = {
    "recency_days": "no order for {v:.0f} days",
    "tenure_days": "a customer for only {v:.0f} days",
    "orders_total": "only {v:.0f} orders in total",
    "orders_30": "{v:.0f} orders in the last 30 days",
    "orders_90": "{v:.0f} orders in the last 90 days",
    "orders_180": "{v:.0f} orders in the last 6 months",
    "orders_365": "{v:.0f} orders in the last 12 months",
    "spend_365": "spent {v:,.0f} in the last 12 months",
    "avg_order_value": "average order of {v:,.2f}",
    "mean_gap_days": "orders usually {v:.0f} days apart",
    "overdue_ratio": "last order {v:.1f} times their usual gap ago",
    "orders_trend": "ordering less: {v:+.0f} orders in the last 90 days against the 90 before",
}


def labels(orders, cutoff, horizon=HORIZON_DAYS, active_days=ACTIVE_DAYS):
    """Churn flag (1 = no order in the ``horizon`` days after ``cutoff``) of every
    customer active at ``cutoff``."""
    data = prepare(orders)
    cutoff = pd.Timestamp(cutoff).normalize()
    past = _active_orders(data, cutoff, active_days)
    active = pd.Index(past["customer_id"].unique(), name="customer_id")
    future = data[(data["date"] > cutoff) & (data["date"] <= cutoff + pd.Timedelta(days=horizon))]
    came_back = active.isin(future["customer_id"].unique())
    return pd.Series((~came_back).astype(int), index=active, name="churn")


def _active_orders(data, cutoff, active_days):
    past = data[data["date"] <= cutoff]
    if active_days is None:
        return past
    return past[past["date"] > cutoff - pd.Timedelta(days=active_days)]


def features(orders, cutoff, customers=None):
    """Feature table at ``cutoff`` from orders on or before it, one row per customer
    (those given, else every customer with such an order)."""
    cutoff = pd.Timestamp(cutoff).normalize()
    data = before(prepare(orders), cutoff)
    age = (cutoff - data["date"]).dt.days
    grouped = data.groupby("customer_id")
    first, last = grouped["date"].min(), grouped["date"].max()
    out = pd.DataFrame(index=first.index)
    out["recency_days"] = (cutoff - last).dt.days.astype(float)
    out["tenure_days"] = (cutoff - first).dt.days.astype(float)
    out["orders_total"] = grouped.size().astype(float)
    for days in (30, 90, 180, 365):
        out[f"orders_{days}"] = (
            data[age < days].groupby("customer_id").size().reindex(out.index, fill_value=0)
        )
    out["spend_365"] = (
        data[age < 365].groupby("customer_id")["amount"].sum().reindex(out.index, fill_value=0.0)
    )
    out["avg_order_value"] = grouped["amount"].mean()
    span = (last - first).dt.days.astype(float)
    out["mean_gap_days"] = np.where(
        out["orders_total"] > 1, span / (out["orders_total"] - 1).clip(lower=1), np.nan
    )
    out["overdue_ratio"] = out["recency_days"] / out["mean_gap_days"].clip(lower=1)
    prior = (
        data[(age >= 90) & (age < 180)]
        .groupby("customer_id")
        .size()
        .reindex(out.index, fill_value=0)
    )
    out["orders_trend"] = out["orders_90"] - prior
    out = out[list(FEATURES)].astype(float)
    if customers is not None:
        out = out.reindex(pd.Index(customers, name="customer_id"))
    return out


def dataset(orders, cutoffs, horizon=HORIZON_DAYS, active_days=ACTIVE_DAYS):
    """Features and labels of the active customers at each cutoff, stacked."""
    parts = []
    for cutoff in cutoffs:
        y = labels(orders, cutoff, horizon, active_days)
        x = features(orders, cutoff, y.index)
        x["churn"] = y
        x["cutoff"] = pd.Timestamp(cutoff)
        parts.append(x.reset_index())
    if not parts:
        raise CustomerInputError("no cutoff to build a churn dataset from")
    return pd.concat(parts, ignore_index=True)


def _log_features(x):
    x = np.asarray(x, dtype=float)
    x = np.where(np.isnan(x), -1.0, x)
    return np.sign(x) * np.log1p(np.abs(x))


def _candidates(random_state):
    from sklearn.calibration import CalibratedClassifierCV
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import FunctionTransformer, StandardScaler

    logistic = make_pipeline(
        FunctionTransformer(_log_features),
        StandardScaler(),
        LogisticRegression(C=1.0, max_iter=2000),
    )
    boosting = HistGradientBoostingClassifier(
        max_iter=200,
        learning_rate=0.05,
        max_leaf_nodes=15,
        min_samples_leaf=50,
        l2_regularization=1.0,
        random_state=random_state,
    )
    return {
        "logistic_regression": CalibratedClassifierCV(logistic, method="sigmoid", cv=3),
        "gradient_boosting": CalibratedClassifierCV(boosting, method="isotonic", cv=3),
    }


@dataclass
class ChurnModel:
    name: str
    estimator: object
    test_cutoff: pd.Timestamp
    train_cutoffs: list
    metrics: dict
    reference: dict = field(default_factory=dict)

    def predict(self, table):
        return self.estimator.predict_proba(table[list(FEATURES)].to_numpy(float))[:, 1]


def evaluate(y, prob, threshold):
    """AUC, precision and recall at ``threshold``, Brier score, a 10-bin calibration
    curve and the class balance."""
    from sklearn.calibration import calibration_curve
    from sklearn.metrics import brier_score_loss, precision_score, recall_score, roc_auc_score

    y = np.asarray(y, int)
    flag = prob >= threshold
    frac, mean = calibration_curve(y, prob, n_bins=10, strategy="quantile")
    return {
        "auc": float(roc_auc_score(y, prob)) if len(set(y)) == 2 else float("nan"),
        "threshold": threshold,
        "precision": float(precision_score(y, flag, zero_division=0)),
        "recall": float(recall_score(y, flag, zero_division=0)),
        "brier": float(brier_score_loss(y, prob)),
        "calibration": [(float(p), float(f)) for p, f in zip(mean, frac, strict=True)],
        "churn_share": float(y.mean()),
        "n": len(y),
    }


def default_cutoffs(test_cutoff, horizon=HORIZON_DAYS, count=9, every_days=30):
    """Training cutoffs: ``count`` dates ``every_days`` apart whose label window ends
    on or before ``test_cutoff`` (no overlap with the holdout's future)."""
    last = pd.Timestamp(test_cutoff) - pd.Timedelta(days=horizon)
    return [last - pd.Timedelta(days=every_days * i) for i in range(count)][::-1]


def train(
    orders,
    test_cutoff,
    train_cutoffs=None,
    threshold=0.5,
    horizon=HORIZON_DAYS,
    active_days=ACTIVE_DAYS,
    random_state=0,
    as_of=None,
):
    """Fit both candidates on the training cutoffs, keep the one with the higher AUC
    at ``test_cutoff`` (whose horizon must have passed by ``as_of``, the date up to
    which orders are known, by default the last order's), then refit it on all cutoffs.

    Returns a :class:`ChurnModel` whose ``metrics`` hold the holdout figures of the
    chosen model and the AUC of each candidate.
    """
    data = prepare(orders)
    test_cutoff = pd.Timestamp(test_cutoff).normalize()
    known = pd.Timestamp(as_of).normalize() if as_of is not None else data["date"].max()
    if known < test_cutoff + pd.Timedelta(days=horizon):
        raise CustomerInputError(
            f"the holdout cutoff {test_cutoff.date()} needs orders up to {horizon} days after it"
        )
    train_cutoffs = list(train_cutoffs or default_cutoffs(test_cutoff, horizon))
    late = [c for c in train_cutoffs if pd.Timestamp(c) + pd.Timedelta(days=horizon) > test_cutoff]
    if late:
        raise CustomerInputError(
            "training cutoffs must end their label window by the holdout cutoff"
        )
    train_set = dataset(data, train_cutoffs, horizon, active_days)
    test_set = dataset(data, [test_cutoff], horizon, active_days)
    if train_set["churn"].nunique() < 2:
        raise CustomerInputError("the training cutoffs hold only one class: nothing to learn")
    from sklearn.metrics import roc_auc_score

    x_train = train_set[list(FEATURES)].to_numpy(float)
    x_test = test_set[list(FEATURES)].to_numpy(float)
    scores = {}
    fitted = {}
    for name, est in _candidates(random_state).items():
        est.fit(x_train, train_set["churn"])
        prob = est.predict_proba(x_test)[:, 1]
        fitted[name] = (est, prob)
        scores[name] = (
            float(roc_auc_score(test_set["churn"], prob))
            if test_set["churn"].nunique() == 2
            else 0.0
        )
    best = max(scores, key=scores.get)
    metrics = evaluate(test_set["churn"], fitted[best][1], threshold)
    metrics["candidates_auc"] = scores
    metrics["train_rows"] = len(train_set)
    everything = pd.concat([train_set, test_set], ignore_index=True)
    final = _candidates(random_state)[best].fit(
        everything[list(FEATURES)].to_numpy(float), everything["churn"]
    )
    stayers = everything[everything["churn"] == 0]
    reference = stayers[list(FEATURES)].median().to_dict()
    return ChurnModel(
        best, final, test_cutoff, [pd.Timestamp(c) for c in train_cutoffs], metrics, reference
    )


def risk_level(prob, thresholds):
    """'low', 'medium' or 'high' from (medium_from, high_from) thresholds."""
    medium, high = thresholds
    if not 0 <= medium <= high <= 1:
        raise CustomerInputError("risk thresholds must satisfy 0 <= medium <= high <= 1")
    return np.select([prob >= high, prob >= medium], ["high", "medium"], default="low")


def score(model, orders, as_of, thresholds=(0.3, 0.6), top=3, active_days=ACTIVE_DAYS):
    """Churn probability, risk level, top factors in words and revenue at risk of the
    customers active at ``as_of``.

    A factor is a feature whose value, replaced by the median of customers who stayed,
    lowers this customer's probability most; revenue at risk is the probability times
    the customer's revenue of the last 365 days.
    """
    data = prepare(orders)
    as_of = pd.Timestamp(as_of).normalize()
    recent = _active_orders(data, as_of, active_days)
    table = features(data, as_of, recent["customer_id"].unique())
    prob = model.predict(table)
    out = pd.DataFrame(index=table.index)
    out["probability"] = prob
    out["risk"] = risk_level(prob, thresholds)
    out["revenue_at_risk"] = prob * table["spend_365"].clip(lower=0).to_numpy()
    gains = np.column_stack([prob - _with_reference(model, table, f) for f in FEATURES])
    order = np.argsort(-gains, axis=1)[:, :top]
    values = table[list(FEATURES)].to_numpy(float)
    out["factors"] = [
        [
            WORDS[FEATURES[j]].format(v=values[i, j])
            for j in order[i]
            if gains[i, j] > 0.005 and np.isfinite(values[i, j])
        ]
        for i in range(len(table))
    ]
    return out


def _with_reference(model, table, feature):
    changed = table.copy()
    changed[feature] = model.reference.get(feature, np.nan)
    return model.predict(changed)
