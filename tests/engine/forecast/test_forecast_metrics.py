"""Accuracy metrics against hand-worked numbers."""

import numpy as np
import pandas as pd
import pytest
from smart_dairy.forecast import metrics

Y = np.array([10.0, 0.0, 20.0, 10.0])
YHAT = np.array([12.0, 1.0, 15.0, 10.0])


def test_naive_scale_uses_the_season_lag_or_lag_one():
    y = np.array([1.0, 2, 3, 1, 2, 5])
    assert metrics.naive_scale(y, 3) == pytest.approx((0 + 0 + 2) / 3)
    assert metrics.naive_scale(y[:3], 3) == pytest.approx(1.0)  # lag 1 below a season + 1


def test_point_metrics():
    assert metrics.mase(Y, YHAT, 2.0) == pytest.approx((2 + 1 + 5 + 0) / 4 / 2)
    assert metrics.wape(Y, YHAT) == pytest.approx(8 / 40)
    assert metrics.smape(Y, YHAT) == pytest.approx((4 / 22 + 2 / 1 + 10 / 35 + 0) / 4)
    assert metrics.bias(Y, YHAT) == pytest.approx(-2 / 40)
    assert metrics.coverage(Y, YHAT - 1.5, YHAT + 1.5) == pytest.approx(0.5)


def test_smape_counts_zero_against_zero_as_exact():
    assert metrics.smape([0.0, 0.0], [0.0, 0.0]) == 0.0


def test_evaluate_averages_window_mase_and_pools_wape():
    cv = pd.DataFrame(
        {
            "unique_id": "a",
            "cutoff": [1, 1, 2, 2],
            "y": Y,
            "scale": [1.0, 1.0, 5.0, 5.0],
            "m": YHAT,
            "m-lo-80": YHAT - 3,
            "m-hi-80": YHAT + 3,
        }
    )
    row = metrics.evaluate(cv, ["m"], [80]).iloc[0]
    assert row["mase"] == pytest.approx(((2 + 1) / 2 / 1 + (5 + 0) / 2 / 5) / 2)
    assert row["wape"] == pytest.approx(8 / 40)
    assert row["coverage_80"] == pytest.approx(0.75)
