"""BG/NBD and Gamma-Gamma: parameters recovered from data simulated with known ones."""

import numpy as np
import pandas as pd
import pytest
from scipy import special, stats
from smart_dairy import customers
from smart_dairy.customers import value


def _simulate_bgnbd(n, r, alpha, a, b, T, rng):
    """x, t_x per customer over (0, T] under BG/NBD (Fader, Hardie & Lee 2005)."""
    lam = rng.gamma(r, 1 / alpha, n)
    p = rng.beta(a, b, n)
    freq, rec = np.zeros(n), np.zeros(n)
    for i in range(n):
        t = 0.0
        while True:
            t += rng.exponential(1 / lam[i])
            if t > T:
                break
            freq[i] += 1
            rec[i] = t
            if rng.random() < p[i]:
                break
    return freq, rec, np.full(n, T)


def test_bgnbd_parameters_are_recovered():
    rng = np.random.default_rng(11)
    truth = {"r": 0.5, "alpha": 5.0, "a": 0.8, "b": 3.0}
    x, tx, T = _simulate_bgnbd(6000, **truth, T=60.0, rng=rng)
    fit = customers.fit_bgnbd(x, tx, T)
    assert fit.r == pytest.approx(truth["r"], rel=0.15)
    assert fit.alpha == pytest.approx(truth["alpha"], rel=0.2)
    assert fit.a == pytest.approx(truth["a"], rel=0.35)
    assert fit.b == pytest.approx(truth["b"], rel=0.4)
    # the fitted likelihood beats the true parameters' (it is the maximum)
    assert value.bgnbd_log_likelihood([fit.r, fit.alpha, fit.a, fit.b], x, tx, T) >= (
        value.bgnbd_log_likelihood(list(truth.values()), x, tx, T)
    )


def test_bgnbd_predictions_track_a_simulated_future():
    rng = np.random.default_rng(12)
    truth = value.BgNbd(r=0.6, alpha=4.0, a=0.7, b=2.5)
    lam = rng.gamma(truth.r, 1 / truth.alpha, 4000)
    p = rng.beta(truth.a, truth.b, 4000)
    # simulate 40 periods of calibration and 40 of holdout in one go
    cal, hold, rec = np.zeros(4000), np.zeros(4000), np.zeros(4000)
    for i in range(4000):
        t, alive = 0.0, True
        while alive:
            t += rng.exponential(1 / lam[i])
            if t > 80:
                break
            if t <= 40:
                cal[i] += 1
                rec[i] = t
            else:
                hold[i] += 1
            alive = rng.random() >= p[i]
    expected = truth.expected_purchases(40, cal, rec, np.full(4000, 40.0))
    assert expected.sum() == pytest.approx(hold.sum(), rel=0.08)
    assert truth.p_alive(0, 0, 40) == 1.0


def test_gamma_gamma_parameters_are_recovered():
    rng = np.random.default_rng(13)
    p, q, v = 6.0, 4.0, 15.0
    n = 4000
    x = rng.integers(1, 10, n).astype(float)
    nu = rng.gamma(q, 1 / v, n)
    spend = np.array([rng.gamma(p, 1 / nu[i], int(x[i])).mean() for i in range(n)])
    fit = customers.fit_gamma_gamma(x, spend)
    assert fit.p == pytest.approx(p, rel=0.15)
    assert fit.q == pytest.approx(q, rel=0.25)
    assert fit.v == pytest.approx(v, rel=0.35)
    # no repeat purchases: the population mean spend
    assert fit.expected_spend(0, 0) == pytest.approx(fit.p * fit.v / (fit.q - 1))


def test_gamma_gamma_log_likelihood_is_the_textbook_formula():
    rng = np.random.default_rng(5)
    x = rng.integers(1, 10, 50).astype(float)
    m = rng.gamma(3.0, 15.0, 50)
    p, q, v = 6.0, 4.0, 15.0
    textbook = np.sum(
        special.gammaln(p * x + q)
        - special.gammaln(p * x)
        - special.gammaln(q)
        + q * np.log(v)
        + (p * x - 1) * np.log(m)
        + p * x * np.log(x)
        - (p * x + q) * np.log(v + m * x)
    )
    assert value.gamma_gamma_log_likelihood((p, q, v), x, m) == pytest.approx(textbook)


def test_gamma_gamma_with_one_spend_level_for_everybody():
    # Every order's spend from one gamma (shape 3, mean 45): no heterogeneity between
    # customers, so q and v run off to infinity and the likelihood must stay exact there.
    rng = np.random.default_rng(17)
    n = 3000
    x = rng.integers(1, 12, n).astype(float)
    m = np.array([rng.gamma(3.0, 15.0, int(k)).mean() for k in x])
    # far out, the likelihood is the common distribution's (q = 1e17 loses every digit
    # of gammaln(px + q) - gammaln(q) in floating point)
    common = np.sum(stats.gamma.logpdf(m, 3.0 * x, scale=15.0 / x))
    assert value.gamma_gamma_log_likelihood((3.0, 1e17, 1.5e18), x, m) == pytest.approx(
        common, rel=1e-9
    )
    fit = customers.fit_gamma_gamma(x, m)
    # the fit is the maximum: at least the likelihood of the true, common distribution
    # (the mean of k spends is gamma with shape 3k and mean 45)
    assert value.gamma_gamma_log_likelihood(vars(fit).values(), x, m) >= common
    population = fit.p * fit.v / (fit.q - 1)
    assert population == pytest.approx(np.average(m, weights=x), rel=0.02)
    # a customer's own mean barely moves their expected spend
    assert fit.expected_spend(10, 2 * population) == pytest.approx(population, rel=0.02)


def test_a_sampled_search_ends_at_the_full_searchs_maximum(monkeypatch):
    rng = np.random.default_rng(29)
    x, tx, T = _simulate_bgnbd(3000, 0.5, 5.0, 0.8, 3.0, T=60.0, rng=rng)
    spend = rng.gamma(6.0, 1 / rng.gamma(4.0, 1 / 15.0, 3000))
    assert len(value._unique_rows(x, tx, T)[1]) > 1000
    fits = {}
    for rows in (10**9, 300):  # every history searched, then a sample of 300
        monkeypatch.setattr(value, "SEARCH_ROWS", rows)
        fits[rows] = (customers.fit_bgnbd(x, tx, T), customers.fit_gamma_gamma(x, spend))
    (bg_full, gg_full), (bg, gg) = fits[10**9], fits[300]
    assert list(vars(bg).values()) == pytest.approx(list(vars(bg_full).values()), rel=1e-3)
    assert list(vars(gg).values()) == pytest.approx(list(vars(gg_full).values()), rel=1e-3)
    assert bg.expected_purchases(60, x, tx, T) == pytest.approx(
        bg_full.expected_purchases(60, x, tx, T), rel=1e-4
    )


def test_summary_counts_purchase_days_and_repeat_spend():
    orders = pd.DataFrame(
        [
            ("a", "2026-01-01", 50.0),
            ("a", "2026-01-11", 10.0),
            ("a", "2026-01-11", 20.0),  # same day: one purchase of 30
            ("a", "2026-01-21", 40.0),
            ("b", "2026-01-31", 25.0),
            ("b", "2026-03-01", 99.0),  # after the calibration date
        ],
        columns=["customer_id", "date", "amount"],
    )
    table = customers.summary(orders, "2026-01-31")
    assert table.loc["a"].to_dict() == {
        "frequency": 2,
        "recency": 20.0,
        "T": 30.0,
        "first_spend": 50.0,
        "monetary": 35.0,
    }
    assert table.loc["b", "frequency"] == 0 and table.loc["b", "monetary"] == 0


def test_expected_value_is_purchases_times_spend():
    model = value.ValueModel(value.BgNbd(0.5, 5.0, 0.8, 3.0), value.GammaGamma(6.0, 4.0, 15.0))
    table = pd.DataFrame(
        {
            "frequency": [3.0, 0.0],
            "recency": [30.0, 0.0],
            "T": [40.0, 40.0],
            "monetary": [20.0, 0.0],
        }
    )
    got = model.expected_value(table, days=365)
    purchases = model.purchases.expected_purchases(
        365, table["frequency"], table["recency"], table["T"]
    )
    spend = model.gamma_gamma.expected_spend(table["frequency"], table["monetary"])
    assert got.to_numpy() == pytest.approx(purchases * spend)
    assert got.iloc[0] > got.iloc[1] > 0


def test_shared_histories_count_by_weight():
    x, tx, T = np.array([0.0, 2.0, 2.0]), np.array([0.0, 10.0, 10.0]), np.array([30.0, 30.0, 30.0])
    params = [0.5, 5.0, 0.8, 3.0]
    weighted = value.bgnbd_log_likelihood(params, x[:2], tx[:2], T[:2], np.array([1.0, 2.0]))
    assert weighted == pytest.approx(value.bgnbd_log_likelihood(params, x, tx, T))


def _simulate_paretonbd(n, r, alpha, s, beta, T, rng):
    """x, t_x per customer over (0, T] and purchases over (T, 2T] under Pareto/NBD."""
    lam = rng.gamma(r, 1 / alpha, n)
    life = rng.exponential(1 / rng.gamma(s, 1 / beta, n))
    freq, rec, later = np.zeros(n), np.zeros(n), np.zeros(n)
    for i in range(n):
        t = rng.exponential(1 / lam[i])
        while t < min(life[i], 2 * T):
            if t <= T:
                freq[i] += 1
                rec[i] = t
            else:
                later[i] += 1
            t += rng.exponential(1 / lam[i])
    return freq, rec, np.full(n, T), later


def test_paretonbd_parameters_are_recovered_and_predict_a_simulated_future():
    rng = np.random.default_rng(21)
    truth = value.ParetoNbd(r=0.6, alpha=8.0, s=0.8, beta=40.0)
    x, tx, T, later = _simulate_paretonbd(5000, *vars(truth).values(), T=60.0, rng=rng)
    fit = customers.fit_paretonbd(x, tx, T)
    assert fit.r == pytest.approx(truth.r, rel=0.2)
    assert fit.alpha == pytest.approx(truth.alpha, rel=0.3)
    assert value.paretonbd_log_likelihood(list(vars(fit).values()), x, tx, T) >= (
        value.paretonbd_log_likelihood(list(vars(truth).values()), x, tx, T)
    )
    # the expected purchases of the next 60 days add up to what the simulation did
    assert fit.expected_purchases(60, x, tx, T).sum() == pytest.approx(later.sum(), rel=0.1)
    # and rank the customers: those expected to buy more did buy more
    expected = fit.expected_purchases(60, x, tx, T)
    assert (
        later[expected > np.median(expected)].mean()
        > 2 * later[expected <= np.median(expected)].mean()
    )


def test_paretonbd_probability_alive_by_hand():
    model = value.ParetoNbd(r=0.5, alpha=10.0, s=0.7, beta=30.0)
    # a purchase today: certainly alive
    assert model.p_alive(3, 50.0, 50.0) == pytest.approx(1.0)
    # the longer the silence, the lower; more purchases make a silence weigh more
    alive = model.p_alive([3, 3, 3], [50.0, 30.0, 10.0], [50.0, 50.0, 50.0])
    assert alive[0] > alive[1] > alive[2] > 0
    assert model.p_alive(8, 10.0, 50.0) < model.p_alive(2, 10.0, 50.0)
    # without repeat purchases (Fader & Hardie 2005, eq. 36 with x = 0, t_x = 0)
    r, a, s, b, T = 0.5, 10.0, 0.7, 30.0, 50.0
    # alpha < beta: A_0 of eq. 20 with x = 0 and t_x = 0
    a0 = special.hyp2f1(r + s, r, r + s + 1, (b - a) / b) / b ** (r + s) - special.hyp2f1(
        r + s, r, r + s + 1, (b - a) / (b + T)
    ) / (b + T) ** (r + s)
    by_formula = 1 / (1 + s / (r + s) * (a + T) ** r * (b + T) ** s * a0)
    assert model.p_alive(0, 0.0, T) == pytest.approx(by_formula, rel=1e-9)


def _value_orders(seed=3, n=600):
    rng = np.random.default_rng(seed)
    rows = []
    start = pd.Timestamp("2025-01-01")
    for c in range(n):
        rate, leave = rng.gamma(1.0, 1 / 30), rng.exponential(400)
        t = rng.uniform(0, 150)
        first = True
        while t < min(leave, 540) or first:
            rows.append((f"c{c}", start + pd.Timedelta(days=int(t)), float(rng.gamma(4, 10))))
            t += rng.exponential(1 / rate)
            first = False
    return pd.DataFrame(rows, columns=["customer_id", "date", "amount"])


def test_choose_value_keeps_the_count_model_with_the_lower_backtest_error():
    orders = _value_orders()
    end = pd.Timestamp("2025-12-31")
    model = customers.choose_value(orders, end)
    bt = model.backtest
    assert set(bt["mae"]) == {"bgnbd", "paretonbd"}
    assert bt["count_model"] == min(bt["mae"], key=bt["mae"].get)
    assert isinstance(
        model.purchases, value.ParetoNbd if bt["count_model"] == "paretonbd" else value.BgNbd
    )
    # a third of the days from the first order to the calibration end, split before it
    first = pd.to_datetime(orders["date"]).min()
    assert bt["days"] == (end - first).days // 3
    assert bt["split"] == end - pd.Timedelta(days=bt["days"])
    # the chosen model is refitted on everything up to the calibration end
    table = customers.summary(orders, end)
    refit = customers.fit_value(table, bt["count_model"])
    assert model.expected_value(table, 180).to_numpy() == pytest.approx(
        refit.expected_value(table, 180).to_numpy()
    )


def test_choose_value_never_reads_orders_after_the_calibration_end():
    orders = _value_orders()
    end = pd.Timestamp("2025-10-31")
    model = customers.choose_value(orders, end, backtest_days=90)
    burst = pd.DataFrame(
        [(f"c{i}", end + pd.Timedelta(days=1 + i % 30), 1e5) for i in range(300)],
        columns=["customer_id", "date", "amount"],
    )
    again = customers.choose_value(pd.concat([orders[orders["date"] <= end], burst]), end, 90)
    assert again.backtest["mae"] == model.backtest["mae"]
    assert vars(again.purchases) == vars(model.purchases)
    assert vars(again.gamma_gamma) == vars(model.gamma_gamma)


def test_choose_count_model_is_the_choice_of_choose_value_without_later_orders():
    orders = _value_orders()
    end = pd.Timestamp("2025-10-31")
    choice = customers.choose_count_model(orders, end, backtest_days=90)
    assert choice == customers.choose_value(orders, end, backtest_days=90).backtest
    assert set(choice) == {"count_model", "split", "days", "mae"}
    assert choice["count_model"] == min(choice["mae"], key=choice["mae"].get)
    assert (choice["split"], choice["days"]) == (end - pd.Timedelta(days=90), 90)
    # orders after the calibration end change nothing
    burst = pd.DataFrame(
        [(f"c{i}", end + pd.Timedelta(days=1 + i % 30), 1e5) for i in range(300)],
        columns=["customer_id", "date", "amount"],
    )
    again = customers.choose_count_model(pd.concat([orders, burst]), end, backtest_days=90)
    assert again == choice


def test_choose_count_model_without_orders_is_refused():
    orders = _value_orders(n=50)
    with pytest.raises(customers.CustomerInputError, match="no orders"):
        customers.choose_count_model(orders, orders["date"].min() - pd.Timedelta(days=1))


def test_unknown_count_model_is_refused():
    table = customers.summary(_value_orders(n=50), "2025-12-31")
    with pytest.raises(customers.CustomerInputError, match="count model"):
        customers.fit_value(table, "pareto")


def test_choose_value_without_history_before_the_split_keeps_bgnbd():
    orders = _value_orders()
    orders = orders[orders["date"] >= pd.Timestamp("2025-05-01")]
    # the split (2025-03-06) comes before every order: nothing to backtest on
    model = customers.choose_value(orders, "2025-12-31", backtest_days=300)
    assert model.backtest["mae"] == {} and model.backtest["count_model"] == "bgnbd"
    assert isinstance(model.purchases, value.BgNbd)
