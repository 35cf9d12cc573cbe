"""K-means clusters of customers on their RFM values, a data-driven complement to the
named segments.

Features: ``log1p`` of recency (days), frequency (orders) and monetary value (signed,
as credit notes can make it negative), each standardised. With ``k`` unset, the ``k``
of ``k_range`` with the best silhouette score is kept (bounded by the number of
distinct customers); over ``sample_size`` customers the silhouette is measured on a
fixed-seed sample. Rows are sorted by their values before fitting, so neither the
table's row order nor a rerun changes the labels.

Clusters are numbered 1 to ``k`` by the health of their centre in the standardised
space, best first: ``2 * (-recency) + frequency + monetary`` (recency weighs half, as
in the health score).
"""

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

K_RANGE = range(2, 9)
SAMPLE_SIZE = 5_000
N_INIT = 4
CENTRE_COLUMNS = ["recency_days", "frequency", "monetary"]


@dataclass(frozen=True)
class Clustering:
    """The result: ``labels`` (cluster 1 to ``k`` per customer, on the table's index),
    ``centres`` (per cluster: size, share, mean recency_days, frequency, monetary and a
    description in words), ``k``, ``silhouette``, the silhouette of every ``k`` tried
    (``candidates``), and ``skipped``: why nothing was clustered (empty otherwise)."""

    labels: pd.Series
    centres: pd.DataFrame
    k: int = 0
    silhouette: float | None = None
    candidates: dict = field(default_factory=dict)
    skipped: str = ""


def _features(table):
    """The standardised log features of an RFM table, one row per customer."""
    from sklearn.preprocessing import StandardScaler

    monetary = table["monetary"].astype(float)
    raw = np.column_stack(
        [
            np.log1p(table["recency_days"].astype(float).clip(lower=0)),
            np.log1p(table["frequency"].astype(float).clip(lower=0)),
            np.sign(monetary) * np.log1p(monetary.abs()),
        ]
    )
    return StandardScaler().fit_transform(raw)


def cluster(table, k=None, k_range=K_RANGE, random_state=0, sample_size=SAMPLE_SIZE):
    """K-means on the RFM ``table`` (columns recency_days, frequency, monetary, one row
    per customer) with ``k`` clusters, or the best silhouette over ``k_range``."""
    from sklearn.cluster import KMeans
    from sklearn.metrics import silhouette_score

    if k is not None and k < 2:
        return _skipped(table, "clustering needs at least two clusters")
    if len(table) < 3:
        return _skipped(table, f"clustering needs at least three customers, not {len(table)}")
    feats = _features(table)
    order = np.lexsort(feats.T[::-1])
    feats = feats[order]
    distinct = len(table[CENTRE_COLUMNS].drop_duplicates())
    limit = min(distinct, len(feats) - 1)
    candidates = [k] if k else [c for c in k_range if 2 <= c <= limit]
    if not candidates or candidates[-1] > limit:
        return _skipped(
            table,
            f"{k or 2} clusters need {k or 2} customers with different values "
            f"(and one more customer); there are {distinct} different among {len(table)}",
        )
    sample = min(len(feats), sample_size)
    scores = {}
    best = None
    for c in candidates:
        model = KMeans(n_clusters=c, n_init=N_INIT, random_state=random_state).fit(feats)
        scores[c] = float(
            silhouette_score(feats, model.labels_, sample_size=sample, random_state=random_state)
        )
        if best is None or scores[c] > scores[best[0]]:
            best = (c, model)
    k, model = best
    centres = model.cluster_centers_
    health = -2 * centres[:, 0] + centres[:, 1] + centres[:, 2]
    rank = np.empty(k, dtype=int)
    rank[np.argsort(-health, kind="stable")] = np.arange(1, k + 1)
    labels = np.empty(len(feats), dtype=int)
    labels[order] = rank[model.labels_]
    labels = pd.Series(labels, index=table.index, name="cluster")
    return Clustering(labels, _centres(table, labels), k, scores[k], scores)


def describe(recency_days, frequency, monetary):
    """A cluster's centre in words: "ordered 12 days ago, 8 orders, 1,240 spent on
    average"."""
    orders = f"{frequency:,.1f}".removesuffix(".0")
    return (
        f"ordered {recency_days:,.0f} days ago, {orders} orders, {monetary:,.0f} spent on average"
    )


def _centres(table, labels):
    grouped = table[CENTRE_COLUMNS].astype(float).groupby(labels)
    out = grouped.mean()
    out.insert(0, "size", grouped.size())
    out.insert(1, "share", out["size"] / len(table))
    out["description"] = [
        describe(*row) for row in out[CENTRE_COLUMNS].itertuples(index=False, name=None)
    ]
    out.index.name = "cluster"
    return out


def _skipped(table, reason):
    return Clustering(
        labels=pd.Series(dtype=int, index=table.index[:0], name="cluster"),
        centres=pd.DataFrame(columns=["size", "share", *CENTRE_COLUMNS, "description"]),
        skipped=reason,
    )
