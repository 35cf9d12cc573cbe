"""RFM scores, segment rules, lifecycle stage and health score."""

import pandas as pd
import pytest
from smart_dairy import customers

AS_OF = pd.Timestamp("2026-06-30")


def test_quintiles_split_ten_customers_two_per_score():
    assert customers.quintile(range(10)).tolist() == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]
    assert customers.quintile(range(10), higher_is_better=False).tolist() == [
        5,
        5,
        4,
        4,
        3,
        3,
        2,
        2,
        1,
        1,
    ]


def test_equal_values_share_a_score():
    scores = customers.quintile([1, 1, 1, 1, 1, 1, 1, 1, 2, 3])
    assert len(set(scores[:8])) == 1


@pytest.mark.parametrize(
    ("r", "f", "m", "name"),
    [
        (5, 5, 5, "Champions"),
        (4, 4, 3, "Champions"),  # FM = 3.5 rounds half up to 4
        (3, 5, 4, "Loyal Customers"),
        (5, 1, 2, "New Customers"),
        (4, 2, 2, "Potential Loyalists"),
        (3, 2, 3, "Potential Loyalists"),
        (1, 5, 5, "Cannot Lose Them"),
        (2, 4, 3, "At Risk"),
        (2, 2, 2, "Hibernating"),
        (3, 1, 1, "Hibernating"),
        (1, 1, 1, "Lost"),
        (2, 1, 1, "Lost"),
    ],
)
def test_segment_rules(r, f, m, name):
    assert customers.segment(r, f, m) == name


def test_every_score_combination_has_a_segment_and_an_action():
    names = {
        customers.segment(r, f, m) for r in range(1, 6) for f in range(1, 6) for m in range(1, 6)
    }
    assert names == set(customers.SEGMENTS)


def _orders(rows):
    return pd.DataFrame(rows, columns=["customer_id", "date", "amount"])


def test_rfm_values_stage_and_health():
    orders = _orders(
        [
            ("a", "2026-06-29", 100.0),
            ("a", "2026-05-01", 50.0),
            ("a", "2024-01-01", 10.0),  # outside the window: counts for the stage only
            ("b", "2026-01-10", 20.0),
            ("c", "2026-06-01", 30.0),
            ("c", "2026-06-20", -5.0),  # a credit note lowers the net revenue
            ("d", "2026-07-05", 99.0),  # after the date of the analysis: ignored
        ]
    )
    table = customers.rfm(orders, AS_OF, window_days=365)
    assert set(table.index) == {"a", "b", "c"}
    a = table.loc["a"]
    assert (a["recency_days"], a["frequency"], a["monetary"]) == (1, 2, 150.0)
    assert table.loc["c", "monetary"] == 25.0
    assert a["stage"] == "Established" and table.loc["b", "stage"] == "Recent"
    assert table.loc["c", "stage"] == "New"
    assert table.loc["a", "segment"] == "Champions"
    assert table.loc["a", "action"] == customers.SEGMENTS["Champions"]
    assert table.loc["b", "r_score"] == 2  # the oldest order of three


def test_health_score_bounds_and_weights():
    assert customers.health([1, 5, 5, 1], [1, 5, 1, 5], [1, 5, 1, 5]).tolist() == [0, 100, 50, 50]


def test_bad_input_is_refused():
    with pytest.raises(customers.CustomerInputError, match="lack the column"):
        customers.rfm(pd.DataFrame({"customer_id": [1]}), AS_OF)
    with pytest.raises(customers.CustomerInputError, match="at least one day"):
        customers.rfm(_orders([("a", "2026-01-01", 1.0)]), AS_OF, window_days=0)
