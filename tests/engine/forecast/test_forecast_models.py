"""Each model on crafted series with known answers."""

import numpy as np
import pytest
from smart_dairy.forecast import models

PATTERN = np.array([10.0, 12, 15, 11, 9, 20, 25])


def test_seasonal_naive_repeats_the_last_season():
    y = np.tile(PATTERN, 6)
    pred = models.seasonal_naive(y, 10, 7, levels=(80, 95))
    assert pred.mean.tolist() == [*PATTERN.tolist(), *PATTERN[:3].tolist()]
    # a perfectly periodic series has zero residuals: the band collapses
    lo, hi = pred.intervals[95]
    assert np.allclose(lo, pred.mean) and np.allclose(hi, pred.mean)


def test_seasonal_naive_shorter_than_a_season_repeats_the_last_value():
    assert models.seasonal_naive(np.array([3.0, 4.0, 5.0]), 4, 7).mean.tolist() == [5.0] * 4


def test_seasonal_naive_intervals_widen_each_season():
    rng = np.random.default_rng(1)
    y = np.tile(PATTERN, 10) + rng.normal(0, 1, 70)
    lo, hi = models.seasonal_naive(y, 14, 7, levels=(80,)).intervals[80]
    width = hi - lo
    assert np.allclose(width[:7], width[0])
    assert width[7] == pytest.approx(width[0] * np.sqrt(2))


@pytest.mark.parametrize("model", ["ets", "theta", "arima"])
def test_trend_is_continued(model):
    y = 50 + 2.0 * np.arange(60)
    mean = models.LOCAL_MODELS[model](y, 6, 7).mean
    expected = 50 + 2.0 * np.arange(60, 66)
    # Theta halves the drift and ETS damps it: both still climb, near the line
    assert np.all(np.diff(mean) > 0)
    assert np.abs(mean - expected).max() < 0.1 * expected.max()


@pytest.mark.parametrize("model", ["ets", "theta", "arima"])
def test_seasonal_pattern_is_found(model):
    rng = np.random.default_rng(2)
    y = np.tile(PATTERN, 12) + rng.normal(0, 0.3, 84)
    mean = models.LOCAL_MODELS[model](y, 7, 7).mean
    assert np.abs(mean - PATTERN).max() < 2.0


def test_croston_and_tsb_on_regular_intermittent_demand():
    y = np.tile([0.0, 0.0, 6.0], 40)  # 6 units every third period: 2 per period
    assert models.croston(y, 5, 7).mean == pytest.approx(np.full(5, 2.0), rel=0.01)
    # TSB's smoothed probability peaks right after a sale (the last period): a bit above 1/3
    assert models.tsb(y, 5, 7).mean == pytest.approx(np.full(5, 2.0), rel=0.15)


def test_tsb_decays_when_a_product_stops_selling_and_croston_does_not():
    y = np.concatenate([np.tile([0.0, 5.0], 30), np.zeros(30)])
    assert models.tsb(y, 1, 7).mean[0] < 0.2 * models.croston(y, 1, 7).mean[0]


def test_arima_uses_the_promotion_flag():
    rng = np.random.default_rng(3)
    promo = (rng.random(120) < 0.3).astype(float)
    y = 20 + 8 * promo + rng.normal(0, 0.5, 120)
    future = np.array([[1.0], [0.0], [1.0], [0.0]])
    mean = models.arima(y, 4, 7, promo[:, None], future).mean
    assert mean[0] - mean[1] == pytest.approx(8, abs=1.0)
    assert mean[2] - mean[3] == pytest.approx(8, abs=1.0)


def test_too_short_series_fail_loudly():
    for model in ("ets", "theta", "arima"):
        with pytest.raises(models.ModelFailure):
            models.LOCAL_MODELS[model](np.array([1.0, 2.0, 3.0]), 3, 7)


def test_divergent_forecasts_are_refused():
    with pytest.raises(models.ModelFailure, match="diverged"):
        models.check_forecast(np.array([1.0, 2.0, 3.0]), np.array([4.0, 1e6]), "test")
    with pytest.raises(models.ModelFailure, match="non-finite"):
        models.check_forecast(np.array([1.0, 2.0]), np.array([np.nan]), "test")


@pytest.mark.parametrize("model", ["theta", "arima"])
def test_season_found_in_less_than_two_seasons(model):
    rng = np.random.default_rng(8)
    pattern = 50 + 20 * np.sin(2 * np.pi * np.arange(20) / 20)
    y = np.tile(pattern, 2)[:34] + rng.normal(0, 0.5, 34)  # 1.7 seasons of 20 periods
    mean = models.LOCAL_MODELS[model](y, 6, 20).mean
    assert np.abs(mean - pattern[14:20]).max() < 3.0
