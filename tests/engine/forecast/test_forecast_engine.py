"""Rolling-origin backtest, automatic choice, intervals and the awkward series."""

import numpy as np
import pandas as pd
import pytest
from smart_dairy import forecast as fc
from smart_dairy.forecast import engine, metrics

PATTERN = np.array([10.0, 12, 15, 11, 9, 20, 25])
FAST = ("seasonal_naive", "theta", "croston", "tsb")


def test_cross_validation_windows_cutoffs_and_scale(long_frame):
    y = np.tile(PATTERN, 9) + np.arange(63) * 0.1
    df = long_frame({"a": y})
    cv = fc.cross_validation(
        df, h=7, n_windows=3, step=5, freq="D", models=("seasonal_naive", "theta")
    )
    ds = pd.date_range("2024-01-01", periods=63)
    # last window ends with the history; windows 5 periods apart
    assert sorted(cv["cutoff"].unique()) == [ds[45], ds[50], ds[55]]
    assert len(cv) == 21
    last = cv[cv["cutoff"] == ds[55]]
    assert last["ds"].tolist() == list(ds[56:63])
    assert last["y"].tolist() == pytest.approx(y[56:63].tolist())
    assert last["scale"].iloc[0] == pytest.approx(metrics.naive_scale(y[:56], 7))
    # seasonal naive at the cutoff repeats the 7 days before it
    assert last["seasonal_naive"].tolist() == pytest.approx(y[49:56].tolist())
    assert {"seasonal_naive-lo-80", "seasonal_naive-hi-95", "theta"} <= set(cv.columns)
    assert "theta-lo-80" not in cv.columns  # Theta has no intervals of its own


def test_cross_validation_skips_windows_without_enough_training(long_frame):
    cv = fc.cross_validation(
        long_frame({"a": np.arange(20.0)}), h=5, n_windows=4, freq="D", models=("seasonal_naive",)
    )
    # training lengths 1, 6, 11, 16: only those of at least a season + 2 (9) remain
    assert cv["cutoff"].nunique() == 2


def test_seasonal_naive_is_kept_when_nothing_beats_it(long_frame):
    df = long_frame({"a": np.tile(PATTERN, 10)})
    res = fc.forecast(df, 7, "D", models=("seasonal_naive", "theta"))
    choice = res.choices.set_index("unique_id").loc["a"]
    assert choice["model"] == "seasonal_naive"
    assert choice["reason"].startswith("seasonal naive kept")
    assert res.forecasts["forecast"].tolist() == pytest.approx(PATTERN.tolist())


def test_a_better_model_wins_and_says_why(long_frame):
    rng = np.random.default_rng(4)
    y = 100 + np.cumsum(rng.normal(0, 1, 120)) * 0.2 + rng.normal(0, 3, 120)  # noisy level
    res = fc.forecast(long_frame({"a": y}), 7, "D", models=("seasonal_naive", "theta"))
    choice = res.choices.iloc[0]
    assert choice["model"] in ("theta", "ensemble")
    assert "backtest MASE" in choice["reason"]
    naive = res.metrics.query("model == 'seasonal_naive'")["mase"].iloc[0]
    assert choice["mase"] < naive


def test_intervals_cover_simulated_futures(long_frame):
    rng = np.random.default_rng(5)
    n, h, k = 140, 14, 30
    full = {f"s{i}": 50 + np.tile(PATTERN, 30)[: n + h] + rng.normal(0, 4, n + h) for i in range(k)}
    df = long_frame({u: v[:n] for u, v in full.items()})
    res = fc.forecast(df, h, "D", models=("seasonal_naive", "theta"), n_windows=4)
    out = res.forecasts.sort_values(["unique_id", "ds"])
    actual = np.concatenate([full[u][n:] for u in sorted(full)])
    cover80 = metrics.coverage(actual, out["lo-80"], out["hi-80"])
    cover95 = metrics.coverage(actual, out["lo-95"], out["hi-95"])
    assert 0.70 <= cover80 <= 0.92
    assert 0.88 <= cover95 <= 1.0
    assert (out["lo-95"] <= out["lo-80"]).all() and (out["hi-80"] <= out["hi-95"]).all()


def test_awkward_series_are_handled_and_explained(long_frame):
    rng = np.random.default_rng(6)
    smooth = 20 + np.tile(PATTERN, 12) + rng.normal(0, 1, 84)
    returns = smooth - 25 + rng.normal(0, 2, 84)  # dips below zero: returns exceed sales
    intermittent = np.where(rng.random(84) < 0.75, 0.0, rng.poisson(6, 84))
    df = long_frame(
        {
            "smooth": smooth,
            "returns": returns,
            "intermittent": intermittent,
            "constant": np.full(84, 4.0),
            "short": [3.0, 5, 4],
        }
    )
    df = df[~((df["unique_id"] == "smooth") & df["ds"].between("2024-02-01", "2024-02-03"))]
    res = fc.forecast(df, 7, "D", models=FAST, categories={"new": "yogurt", "smooth": "yogurt"})
    choices = res.choices.set_index("unique_id")
    assert choices.loc["constant", "model"] == "constant"
    assert (res.forecasts.query("unique_id == 'constant'")["forecast"] == 4.0).all()
    assert choices.loc["short", "reason"].startswith("short history (3 periods")
    assert choices.loc["intermittent", "reason"].startswith("intermittent (")
    assert choices.loc["new", "model"] == "category profile"
    assert "category yogurt (1 series)" in choices.loc["new", "reason"]
    new = res.forecasts.query("unique_id == 'new'")["forecast"].to_numpy()
    assert new == pytest.approx(res.forecasts.query("unique_id == 'smooth'")["forecast"].to_numpy())
    assert (res.forecasts[["forecast", "lo-80", "lo-95"]] >= 0).all().all()
    assert res.forecasts.groupby("unique_id").size().eq(7).all()
    assert choices["reason"].str.len().gt(10).all()


def test_gaps_are_zero_demand_or_interpolated_production(long_frame):
    df = long_frame({"a": [5.0, 7.0, 9.0]})
    df = df[df["ds"] != pd.Timestamp("2024-01-02")]
    assert fc.frame.split(df, "D")["a"].y.tolist() == [5.0, 0.0, 9.0]
    assert fc.frame.split(df, "D", fill="interpolate")["a"].y.tolist() == [5.0, 7.0, 9.0]


def test_an_end_extends_every_series_and_starts_every_forecast_after_it(long_frame):
    df = long_frame({"busy": np.tile(PATTERN, 4), "quiet": np.tile(PATTERN, 3)})
    end = pd.Timestamp("2024-01-28")  # the busy series' last day, a week after the quiet one's
    split = fc.frame.split(df, "D", end=end)
    assert split["quiet"].ds[-1] == end
    assert split["quiet"].y[-7:].tolist() == [0.0] * 7
    carried = fc.frame.split(df, "D", fill="interpolate", end=end)["quiet"]
    assert carried.y[-7:].tolist() == [PATTERN[-1]] * 7
    res = fc.forecast(df, 7, "D", models=("seasonal_naive",), end=end)
    starts = res.forecasts.groupby("unique_id")["ds"].min()
    assert starts.tolist() == [end + pd.Timedelta(days=1)] * 2
    # without an end, the quiet series is forecast from its own last day
    alone = fc.forecast(df, 7, "D", models=("seasonal_naive",)).forecasts
    assert alone.query("unique_id == 'quiet'")["ds"].min() == pd.Timestamp("2024-01-22")


def test_an_end_before_the_history_or_off_the_grid_is_refused(long_frame):
    df = long_frame({"w": np.arange(1.0, 11)}, start="2024-01-07", freq="7D")
    with pytest.raises(fc.ForecastInputError, match="rows after the end"):
        fc.frame.split(df, "W", end="2024-02-04")
    with pytest.raises(fc.ForecastInputError, match="not a period of its W grid"):
        fc.frame.split(df, "W", end="2024-03-13")
    assert fc.frame.split(df, "W", end="2024-03-24")["w"].y[-1] == 0.0


def test_weekly_and_monthly_grids(long_frame):
    weekly = long_frame({"w": np.arange(1.0, 31)}, start="2024-01-07", freq="7D")
    res = fc.forecast(weekly, 3, "W", models=("seasonal_naive", "theta"))
    assert res.forecasts["ds"].tolist() == list(pd.date_range("2024-08-04", periods=3, freq="7D"))
    monthly = long_frame({"m": np.arange(1.0, 31)}, start="2022-01-15", freq="30D")
    split = fc.frame.split(monthly, "MS")["m"]
    assert split.ds[0] == pd.Timestamp("2022-01-01") and split.ds.freqstr == "MS"


def test_gradient_boosting_learns_across_series(long_frame):
    rng = np.random.default_rng(7)
    series = {
        f"s{i}": (i + 1) * (10 + np.tile(PATTERN, 16)) + rng.normal(0, 0.5, 112) for i in range(6)
    }
    res = fc.forecast(long_frame(series), 7, "D", models=("seasonal_naive", "gbm"), n_windows=2)
    assert {"gbm"} <= set(res.metrics["model"])
    out = res.forecasts.query("unique_id == 's3'")["forecast"].to_numpy()
    assert out == pytest.approx(4 * (10 + PATTERN), rel=0.1)


def test_exogenous_columns_need_future_values(long_frame):
    df = long_frame({"a": np.arange(40.0)})
    df["promo"] = 0.0
    with pytest.raises(fc.ForecastInputError, match="future values"):
        fc.forecast(df, 3, "D", models=("seasonal_naive",))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"h": 0}, "horizon"),
        ({"h": 3, "models": ("prophet",)}, "unknown model"),
        ({"h": 3, "freq": "H"}, "frequency"),
    ],
)
def test_bad_arguments_are_refused_in_plain_words(long_frame, kwargs, message):
    with pytest.raises(fc.ForecastInputError, match=message):
        fc.forecast(long_frame({"a": np.arange(30.0)}), **kwargs)


def test_bad_history_is_refused(long_frame):
    df = long_frame({"a": [1.0, np.nan, 3.0]})
    with pytest.raises(fc.ForecastInputError, match="not finite"):
        fc.forecast(df, 2)
    with pytest.raises(fc.ForecastInputError, match="lacks the column"):
        fc.forecast(df.drop(columns="y"), 2)


def test_windows_of_a_panel_share_cutoff_dates(long_frame):
    long = long_frame({"long": np.tile(PATTERN, 8)}, start="2024-01-01")
    short = long_frame({"short": np.tile(PATTERN, 3)}, start="2024-02-05")  # same last day
    cv = fc.cross_validation(
        pd.concat([long, short]), h=7, n_windows=3, freq="D", models=("seasonal_naive", "gbm")
    )
    cut = cv.groupby("unique_id")["cutoff"].unique()
    assert set(cut["short"]) <= set(cut["long"])
    assert len(cut["short"]) == 1  # trains on 0, 7 or 14 days: only 14 reaches 7 + 2
    assert cv["gbm"].notna().all()


def _crafted_backtest(errors, y=100.0, scale=2.0):
    """A backtest frame of one series: 3 windows of 3 periods, actual ``y``, each
    model ``y`` plus its errors (one per period)."""
    n = len(next(iter(errors.values())))
    cutoff = pd.Series(pd.date_range("2024-03-01", periods=3)).repeat(n // 3).to_numpy()
    frame = pd.DataFrame({"cutoff": cutoff, "y": y, "scale": scale})
    for model, err in errors.items():
        frame[model] = y + np.asarray(err, float)
    return frame


def test_median_combination_cancels_opposite_errors_and_the_panel_takes_it():
    # each model is 5 off in two periods of three; the median is always 1 off
    errs = {
        "seasonal_naive": [5, 1, -5] * 3,
        "ets": [1, -5, 5] * 3,
        "theta": [-5, 5, 1] * 3,
    }
    parts = {u: _crafted_backtest(errs) for u in ("a", "b")}
    cands = ["seasonal_naive", "ets", "theta"]
    options = {u: engine._options(p, cands) for u, p in parts.items()}
    assert options["a"]["ets"][0] == pytest.approx((11 / 3) / 2)
    assert options["a"][engine.MEDIAN][0] == pytest.approx(0.5)
    assert options["a"][engine.MEDIAN][1] == pytest.approx(101.0)
    pooled = engine._panel_scores(options)
    assert min(pooled, key=pooled.get) == engine.MEDIAN
    choice, values, reason = engine._choose_panel(parts["a"], cands, options["a"], pooled)
    assert choice == ("seasonal_naive", "ets", "theta")
    assert values == pytest.approx(np.full(9, 101.0))
    assert reason.startswith("median of seasonal naive, ETS, Theta: lowest backtest MASE over")


def test_a_series_keeps_seasonal_naive_when_the_panel_choice_is_worse_on_it():
    good = _crafted_backtest({"seasonal_naive": [4] * 9, "theta": [1] * 9})
    odd = _crafted_backtest({"seasonal_naive": [1] * 9, "theta": [3] * 9})
    cands = ["seasonal_naive", "theta"]
    parts = {"good1": good, "good2": good, "odd": odd}
    options = {u: engine._options(p, cands) for u, p in parts.items()}
    pooled = engine._panel_scores(options)
    assert min(pooled, key=pooled.get) == "theta"  # 1/2 + 1/2 + 3/2 beats the rest
    choice, values, reason = engine._choose_panel(odd, cands, options["odd"], pooled)
    assert choice == "seasonal_naive"
    assert values == pytest.approx(np.full(9, 101.0))
    assert reason.startswith("seasonal naive kept: the panel's choice (Theta)")
    assert engine._choose_panel(good, cands, options["good1"], pooled)[0] == "theta"


def test_options_scored_in_fewer_than_half_the_series_are_left_out():
    options = {
        "a": {"ets": (0.5, None), "theta": (0.9, None)},
        "b": {"theta": (0.8, None)},
        "c": {"theta": (0.7, None), "ets": (np.inf, None)},
    }
    assert engine._panel_scores(options) == {"theta": pytest.approx(0.8)}


def test_the_panel_shares_one_choice_and_forecasts_follow_it(long_frame):
    rng = np.random.default_rng(1)  # random walks plus noise: the median is the panel's best
    series = {
        f"s{i}": 60 + np.cumsum(rng.normal(0, 2, 84)) + rng.normal(0, 3, 84) for i in range(4)
    }
    models_ = ("seasonal_naive", "theta", "arima")
    res = fc.forecast(long_frame(series), 7, "D", models=models_)
    choices = res.choices.set_index("unique_id")
    assert (choices["model"] == "ensemble").all()
    assert (choices["members"] == "seasonal_naive, theta, arima").all()
    assert choices["reason"].str.startswith("median of seasonal naive, Theta, ARIMA").all()
    assert choices["reason"].str.contains("over the panel").all()
    for uid, y in series.items():
        own = np.vstack([fc.models.LOCAL_MODELS[m](y, 7, 7).mean for m in models_])
        out = res.forecasts[res.forecasts["unique_id"] == uid]["forecast"].to_numpy()
        assert out == pytest.approx(np.maximum(np.median(own, axis=0), 0.0))
        assert not np.allclose(out, own.mean(axis=0))  # the median, not the mean
    per_series = fc.forecast(long_frame(series), 7, "D", models=models_, select="series")
    assert not per_series.choices["reason"].str.contains("over the panel").any()
    with pytest.raises(fc.ForecastInputError, match="select must be"):
        fc.forecast(long_frame(series), 7, "D", models=models_, select="pooled")


def test_known_future_flags_reach_the_forecast(long_frame):
    # Promotions on irregular days lift sales by a known amount; the horizon's flags
    # are known. The automatic choice (gradient boosting reads the flag) forecasts the
    # lift on the flagged day only; seasonal naive, blind to the flag, cannot.
    rng = np.random.default_rng(7)
    n, h = 140, 7
    flags = {f"s{i}": (rng.random(n) < 0.2).astype(float) for i in range(6)}
    for f in flags.values():
        f[n - 5] = 0.0  # no promotion on the same weekday a week before the flagged day
    series = {
        uid: (i + 1) * (10 + np.tile(PATTERN, n // 7) + 15 * f) + rng.normal(0, 0.3, n)
        for i, (uid, f) in enumerate(flags.items())
    }
    df = long_frame(series)
    df["promo"] = np.concatenate(list(flags.values()))
    dates = pd.date_range("2024-01-01", periods=n + h)[n:]
    plan = np.array([0, 0, 1, 0, 0, 0, 0], dtype=float)
    future = pd.concat(
        pd.DataFrame({"unique_id": uid, "ds": dates, "promo": plan}) for uid in series
    )
    res = fc.forecast(df, h, "D", models=("seasonal_naive", "gbm"), future=future)
    assert set(res.choices["model"]) == {"gbm"}
    for i, uid in enumerate(series):
        out = res.forecasts.loc[res.forecasts["unique_id"] == uid, "forecast"].to_numpy()
        base = (i + 1) * (10 + PATTERN)
        assert out[2] - base[2] == pytest.approx(15 * (i + 1), rel=0.25)
        others = np.delete(out - base, 2)
        assert np.abs(others).max() < 0.25 * 15 * (i + 1)
    # The same models without the flag column see no promotion coming.
    blind = fc.forecast(df[["unique_id", "ds", "y"]], h, "D", models=("seasonal_naive", "gbm"))
    for i, uid in enumerate(series):
        out = blind.forecasts.loc[blind.forecasts["unique_id"] == uid, "forecast"].to_numpy()
        assert out[2] - (i + 1) * (10 + PATTERN[2]) < 0.5 * 15 * (i + 1)


def test_category_profiles_average_the_peers_and_zero_an_empty_category():
    dates = pd.date_range("2025-06-23", periods=2)
    known = pd.DataFrame(
        {
            "unique_id": ["a", "a", "b", "b"],
            "ds": [*dates, *dates],
            "forecast": [10.0, 20.0, 30.0, 40.0],
            "lo-80": [8.0, 18.0, 28.0, 38.0],
            "hi-80": [12.0, 22.0, 32.0, 42.0],
        }
    )
    categories = {"a": "milk", "b": "milk", "new": "milk", "odd": "cheese"}
    out, choices = fc.category_profiles(known, categories, ["new", "odd"], dates, levels=(80,))
    new = out[out["unique_id"] == "new"]
    assert new["ds"].tolist() == list(dates)
    assert new[["forecast", "lo-80", "hi-80"]].to_numpy().tolist() == [[20, 18, 22], [30, 28, 32]]
    assert out.loc[out["unique_id"] == "odd", "forecast"].tolist() == [0.0, 0.0]
    assert "category milk (2 series)" in choices["new"]["reason"]
    assert choices["odd"]["model"] == "category profile"
