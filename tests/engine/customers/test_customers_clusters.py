"""K-means clusters of customers: choice of k by silhouette, numbering, determinism and
the cases too small to cluster."""

import numpy as np
import pandas as pd
import pytest
from smart_dairy import customers

# Typical customers of well-separated groups: (recency days, orders, revenue).
GROUPS = [(3, 40, 20_000.0), (30, 8, 1_500.0), (200, 2, 60.0), (60, 1, 5_000.0)]


def _blobs(groups, per_group=40, seed=0):
    """Customers scattered by about 10 % around each group's typical values; the true
    group is kept in ``group`` (0 is the first of ``groups``)."""
    rng = np.random.default_rng(seed)
    rows = []
    for g, (recency, frequency, monetary) in enumerate(groups):
        for _ in range(per_group):
            noise = rng.normal(1, 0.1, 3).clip(0.7, 1.3)
            rows.append(
                (
                    g,
                    round(recency * noise[0]),
                    max(1, round(frequency * noise[1])),
                    monetary * noise[2],
                )
            )
    table = pd.DataFrame(rows, columns=["group", "recency_days", "frequency", "monetary"])
    table.index = [f"c{i:04d}" for i in rng.permutation(len(table))]
    return table


def _same_partition(labels, groups):
    """Each cluster holds one true group, and there are as many clusters as groups."""
    one_group_each = pd.crosstab(labels, groups).astype(bool).sum(axis=1).eq(1).all()
    return one_group_each and labels.nunique() == groups.nunique()


@pytest.mark.parametrize("true_k", [2, 3, 4])
def test_separated_groups_are_found_with_their_number(true_k):
    table = _blobs(GROUPS[:true_k])
    result = customers.cluster(table)
    assert result.k == true_k
    assert result.silhouette > 0.6
    assert result.silhouette == max(result.candidates.values())
    assert set(result.candidates) == set(range(2, 9))
    assert _same_partition(result.labels, table["group"])
    assert result.labels.index.equals(table.index)
    assert result.centres["size"].sum() == len(table)
    assert result.centres["share"].sum() == pytest.approx(1)
    assert not result.skipped


def test_a_given_number_of_clusters_is_honoured():
    table = _blobs(GROUPS[:3])
    result = customers.cluster(table, k=5)
    assert result.k == 5 and list(result.candidates) == [5]
    assert sorted(result.labels.unique()) == [1, 2, 3, 4, 5]
    assert -1 <= result.silhouette < customers.cluster(table).silhouette


def test_cluster_one_is_the_healthiest_and_centres_are_described():
    table = _blobs(GROUPS[:3])
    result = customers.cluster(table)
    # Group 0 orders most recently, most often and spends most; group 2 the least.
    first = result.labels[table["group"] == 0]
    last = result.labels[table["group"] == 2]
    assert set(first) == {1} and set(last) == {3}
    centre = result.centres.loc[1]
    members = table[result.labels == 1]
    assert centre["size"] == len(members)
    assert centre["recency_days"] == pytest.approx(members["recency_days"].mean())
    assert centre["description"] == customers.describe(
        members["recency_days"].mean(), members["frequency"].mean(), members["monetary"].mean()
    )


def test_description_reads_in_plain_words():
    assert customers.describe(12.4, 8.0, 1240.2) == (
        "ordered 12 days ago, 8 orders, 1,240 spent on average"
    )
    assert customers.describe(3, 2.25, 15) == "ordered 3 days ago, 2.2 orders, 15 spent on average"


def test_same_input_gives_the_same_labels_whatever_the_row_order():
    table = _blobs(GROUPS, per_group=25, seed=3)
    first = customers.cluster(table)
    again = customers.cluster(table)
    shuffled = customers.cluster(table.sample(frac=1, random_state=7))
    assert first.labels.equals(again.labels)
    assert shuffled.labels.reindex(table.index).equals(first.labels)
    assert shuffled.silhouette == pytest.approx(first.silhouette)
    pd.testing.assert_frame_equal(shuffled.centres, first.centres)


def test_many_customers_measure_the_silhouette_on_a_sample():
    table = _blobs(GROUPS[:2], per_group=300, seed=1)
    sampled = customers.cluster(table, k=2, sample_size=100)
    full = customers.cluster(table, k=2)
    assert sampled.labels.equals(full.labels)
    assert sampled.silhouette != full.silhouette
    assert sampled.silhouette == pytest.approx(full.silhouette, abs=0.1)


def test_credit_notes_and_zero_recency_are_clustered():
    table = _blobs(GROUPS[:2], per_group=10)
    table.iloc[0, table.columns.get_loc("monetary")] = -50.0
    table.iloc[1, table.columns.get_loc("recency_days")] = 0
    result = customers.cluster(table)
    assert result.labels.notna().all() and len(result.labels) == len(table)


@pytest.mark.parametrize(
    ("rows", "k", "reason"),
    [
        ([(5, 2, 10.0), (50, 1, 5.0)], None, "at least three customers, not 2"),
        ([(5, 2, 10.0)] * 6, None, "there are 1 different among 6"),
        ([(5, 2, 10.0)] * 3 + [(50, 1, 5.0)] * 3, 3, "3 clusters need 3 customers"),
        ([(5, 2, 10.0), (50, 1, 5.0), (9, 4, 1.0)], 3, "and one more customer"),
        ([(5, 2, 10.0), (50, 1, 5.0), (9, 4, 1.0)], 1, "at least two clusters"),
    ],
)
def test_too_few_customers_or_distinct_values_skip_clustering(rows, k, reason):
    table = pd.DataFrame(rows, columns=["recency_days", "frequency", "monetary"])
    result = customers.cluster(table, k=k)
    assert reason in result.skipped
    assert result.k == 0 and result.silhouette is None
    assert result.labels.empty and result.centres.empty


def test_two_distinct_customers_among_three_make_two_clusters():
    rows = [(5, 2, 10.0), (5, 2, 10.0), (90, 1, 5.0)]
    table = pd.DataFrame(rows, columns=["recency_days", "frequency", "monetary"])
    result = customers.cluster(table)
    assert result.k == 2 and list(result.candidates) == [2]
    assert result.labels.tolist() == [1, 1, 2]


def test_clusters_the_rfm_table():
    rng = np.random.default_rng(5)
    rows = []
    for i in range(60):
        # Weekly buyers up to now, and occasional ones whose last order is months old.
        regular = i < 30
        last, gap = (0, 7) if regular else (90, 120)
        for n in range(6 if regular else 2):
            days = last + gap * n + int(rng.integers(0, 5))
            rows.append((i, pd.Timestamp("2026-06-30") - pd.Timedelta(days=days), 10.0))
    orders = pd.DataFrame(rows, columns=["customer_id", "date", "amount"])
    table = customers.rfm(orders, "2026-06-30")
    result = customers.cluster(table, k_range=range(2, 5))
    assert result.labels.index.equals(table.index)
    regular = result.labels[table.index < 30]
    assert regular.nunique() == 1 and regular.iloc[0] == 1
