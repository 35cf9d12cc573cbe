"""Customer value: BG/NBD or Pareto/NBD for repeat purchases and Gamma-Gamma for
spend, by maximum likelihood with scipy (Fader, Hardie & Lee 2005; Schmittlein,
Morrison & Colombo 1987; Fader & Hardie 2005, 2013). :func:`choose_count_model` picks
the count model by a backtest on the end of the calibration history;
:func:`choose_value` refits it on the whole history.

The summary of a customer at a calibration date has ``frequency`` x (repeat
purchase days: days with an order after the first), ``recency`` t_x (days from the
first to the last purchase day), ``T`` (days from the first purchase day to the
calibration date) and ``monetary`` (mean spend of the repeat purchase days).
"""

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import optimize, special

from .errors import CustomerInputError
from .orders import prepare

# Above this many rows (distinct histories) the BG/NBD and Gamma-Gamma searches start
# on a sample.
SEARCH_ROWS = 5_000
# Parameters stay within exp(+-30): a parameter running off to infinity (spend or
# dropout alike for every customer) stops where it no longer changes a prediction.
LOG_BOUND = 30.0


def summary(orders, calibration_end):
    """Per customer with an order on or before ``calibration_end``: frequency,
    recency, T (in days), monetary (mean repeat-day spend, 0 without repeats) and
    first_spend."""
    end = pd.Timestamp(calibration_end).normalize()
    data = prepare(orders)
    days = data[data["date"] <= end].groupby(["customer_id", "date"])["amount"].sum().reset_index()
    if days.empty:
        raise CustomerInputError("no orders on or before the calibration date")
    grouped = days.groupby("customer_id")
    first, last = grouped["date"].min(), grouped["date"].max()
    out = pd.DataFrame(
        {
            "frequency": grouped.size() - 1,
            "recency": (last - first).dt.days.astype(float),
            "T": (end - first).dt.days.astype(float),
        }
    )
    first_rows = days.sort_values("date").groupby("customer_id").head(1).set_index("customer_id")
    out["first_spend"] = first_rows["amount"].reindex(out.index)
    repeat = days.merge(first.rename("first"), left_on="customer_id", right_index=True)
    repeat = repeat[repeat["date"] > repeat["first"]]
    out["monetary"] = repeat.groupby("customer_id")["amount"].mean().reindex(out.index).fillna(0.0)
    return out


@dataclass(frozen=True)
class BgNbd:
    r: float
    alpha: float
    a: float
    b: float

    def expected_purchases(self, t, frequency, recency, T):
        """E[purchases in the next ``t`` days | x, t_x, T] (FHL 2005, eq. 10)."""
        r, alpha, a, b = self.r, self.alpha, self.a, self.b
        x, tx, T = (np.asarray(v, dtype=float) for v in (frequency, recency, T))
        hyp = special.hyp2f1(r + x, b + x, a + b + x - 1, t / (alpha + T + t))
        first = (a + b + x - 1) / (a - 1)
        second = 1 - ((alpha + T) / (alpha + T + t)) ** (r + x) * hyp
        return first * second / self._alive_denominator(x, tx, T)

    def p_alive(self, frequency, recency, T):
        x, tx, T = (np.asarray(v, dtype=float) for v in (frequency, recency, T))
        return 1 / self._alive_denominator(x, tx, T)

    def _alive_denominator(self, x, tx, T):
        r, alpha, a, b = self.r, self.alpha, self.a, self.b
        ratio = np.where(x > 0, a / np.maximum(b + x - 1, 1e-12), 0.0)
        return 1 + ratio * ((alpha + T) / (alpha + tx)) ** (r + x)


def bgnbd_log_likelihood(params, frequency, recency, T, weights=None):
    """Total log-likelihood of (r, alpha, a, b) (FHL 2005, eq. 6); ``weights`` count
    customers sharing one (x, t_x, T)."""
    r, alpha, a, b = params
    x, tx, T = frequency, recency, T
    common = special.gammaln(r + x) - special.gammaln(r) + r * np.log(alpha)
    beta_ab = special.betaln(a, b)
    term1 = special.betaln(a, b + x) - beta_ab - (r + x) * np.log(alpha + T)
    with np.errstate(divide="ignore", invalid="ignore"):
        term2 = np.where(
            x > 0,
            special.betaln(a + 1, np.maximum(b + x - 1, 1e-12))
            - beta_ab
            - (r + x) * np.log(alpha + tx),
            -np.inf,
        )
    ll = common + np.logaddexp(term1, term2)
    return float(np.sum(ll if weights is None else weights * ll))


def fit_bgnbd(frequency, recency, T, penalizer=0.0):
    """Maximum-likelihood BG/NBD parameters (optimised on their logarithms)."""
    x, tx, T = _checked_histories(frequency, recency, T, "BG/NBD")

    def loss_of(columns, weights):
        n = weights.sum()

        def loss(logp):
            p = np.exp(logp)
            return -bgnbd_log_likelihood(p, *columns, weights) / n + penalizer * np.sum(p**2)

        return loss

    start = np.log([1.0, max(float(np.mean(T)), 1.0) / 10, 1.0, 1.0])
    # Customers with the same history share one likelihood term: fit on unique rows.
    return BgNbd(*_minimise_log(loss_of, _unique_rows(x, tx, T), start, SEARCH_ROWS))


@dataclass(frozen=True)
class ParetoNbd:
    """Pareto/NBD (Schmittlein, Morrison & Colombo 1987): purchases at a gamma-mixed
    Poisson rate while alive, lifetimes exponential with a gamma-mixed dropout rate;
    unlike BG/NBD a customer can leave at any time, not only just after a purchase.
    Formulas from Fader & Hardie (2005), "A Note on Deriving the Pareto/NBD Model"."""

    r: float
    alpha: float
    s: float
    beta: float

    def expected_purchases(self, t, frequency, recency, T):
        """E[purchases in the next ``t`` days | x, t_x, T] (eq. 41 of the note)."""
        r, alpha, s, beta = self.r, self.alpha, self.s, self.beta
        x, _tx, T = (np.asarray(v, dtype=float) for v in (frequency, recency, T))
        ratio = (beta + T) / (beta + T + t)
        # (1 - ratio**(s - 1)) / (s - 1), which tends to -log(ratio) as s -> 1
        if abs(s - 1) < 1e-8:
            horizon = -np.log(ratio)
        else:
            horizon = -np.expm1((s - 1) * np.log(ratio)) / (s - 1)
        rate = (r + x) * (beta + T) / (alpha + T)
        return rate * horizon * self.p_alive(frequency, recency, T)

    def p_alive(self, frequency, recency, T):
        """P(alive | x, t_x, T) (eq. 36-37 of the note)."""
        r, alpha, s, beta = self.r, self.alpha, self.s, self.beta
        x, tx, T = (np.asarray(v, dtype=float) for v in (frequency, recency, T))
        with np.errstate(divide="ignore", invalid="ignore"):
            log_a0 = _pareto_log_a0(r, alpha, s, beta, x, tx, T)
            log_odds = (
                np.log(s) - np.log(r + s + x) + (r + x) * np.log(alpha + T) + s * np.log(beta + T)
            ) + log_a0
        return 1 / (1 + np.exp(log_odds))


def _pareto_log_a0(r, alpha, s, beta, x, tx, T):
    """log A_0 (eq. 19-20 of the note): the likelihood term of dying between the last
    purchase and T, as the difference of two hypergeometric terms, in logs."""
    if alpha >= beta:
        big, second = alpha, s + 1
    else:
        big, second = beta, r + x
    gap = abs(alpha - beta)
    rsx = r + s + x
    log_1 = np.log(special.hyp2f1(rsx, second, rsx + 1, gap / (big + tx))) - rsx * np.log(big + tx)
    log_2 = np.log(special.hyp2f1(rsx, second, rsx + 1, gap / (big + T))) - rsx * np.log(big + T)
    # log(exp(log_1) - exp(log_2)); log_1 >= log_2 since t_x <= T (-inf when equal)
    with np.errstate(divide="ignore", invalid="ignore"):
        return log_1 + np.log(-np.expm1(np.minimum(log_2 - log_1, 0.0)))


def paretonbd_log_likelihood(params, frequency, recency, T, weights=None):
    """Total log-likelihood of (r, alpha, s, beta) (eq. 18 of the note); ``weights``
    count customers sharing one (x, t_x, T)."""
    r, alpha, s, beta = params
    x, tx, T = (np.asarray(v, dtype=float) for v in (frequency, recency, T))
    head = special.gammaln(r + x) - special.gammaln(r) + r * np.log(alpha) + s * np.log(beta)
    log_a0 = _pareto_log_a0(r, alpha, s, beta, x, tx, T)
    alive = -(r + x) * np.log(alpha + T) - s * np.log(beta + T)
    ll = head + np.logaddexp(alive, np.log(s) - np.log(r + s + x) + log_a0)
    return float(np.sum(ll if weights is None else weights * ll))


def fit_paretonbd(frequency, recency, T, penalizer=0.0):
    """Maximum-likelihood Pareto/NBD parameters (optimised on their logarithms)."""
    x, tx, T = _checked_histories(frequency, recency, T, "Pareto/NBD")

    def loss_of(columns, weights):
        n = weights.sum()

        def loss(logp):
            p = np.exp(logp)
            with np.errstate(all="ignore"):
                ll = paretonbd_log_likelihood(p, *columns, weights)
            if not np.isfinite(ll):
                return np.inf
            return -ll / n + penalizer * np.sum(p**2)

        return loss

    scale = max(float(np.mean(T)), 1.0)
    start = np.log([1.0, scale / 10, 1.0, scale])
    # Searched on every history: where dropout hardly varies between customers, the
    # likelihood rises slowly along (s, beta) -> infinity and a sample's flatter one
    # leads the search far out, where each hyp2f1 is slower (measured: 458 s instead
    # of 170 s on 100,000 simulated customers).
    return ParetoNbd(*_minimise_log(loss_of, _unique_rows(x, tx, T), start))


def _minimise_log(loss_of, data, start, search_rows=None):
    """The parameters minimising the loss of their logarithms from ``start`` (within
    +-:data:`LOG_BOUND`): a Nelder-Mead search polished by L-BFGS-B.

    ``loss_of(columns, weights)`` makes the loss of ``data`` (columns and a weight per
    row). With more than ``search_rows`` rows the search runs on a fixed-seed sample of
    that many customers and only the polish on all of them, which ends at the same
    maximum of the likelihood in a fraction of the time."""
    columns, weights = data
    sampled = search_rows is not None and len(weights) > search_rows
    search = _sample(columns, weights, search_rows) if sampled else data
    bounds = [(-LOG_BOUND, LOG_BOUND)] * len(start)
    res = optimize.minimize(
        loss_of(*search),
        start,
        method="Nelder-Mead",
        bounds=bounds,
        options={"maxiter": 4000, "xatol": 1e-6, "fatol": 1e-10},
    )
    polish = optimize.minimize(
        loss_of(columns, weights),
        res.x,
        method="L-BFGS-B",
        bounds=bounds,
        options={"ftol": 1e-12, "gtol": 1e-8},
    )
    return np.exp(polish.x)


def _sample(columns, weights, size):
    """``size`` customers drawn with replacement (fixed seed) from weighted rows, as
    rows and counts."""
    counts = np.random.default_rng(0).multinomial(size, weights / weights.sum())
    keep = counts > 0
    return tuple(c[keep] for c in columns), counts[keep].astype(float)


def _checked_histories(frequency, recency, T, name):
    x, tx, T = (np.asarray(v, dtype=float) for v in (frequency, recency, T))
    if len(x) < 2:
        raise CustomerInputError(f"{name} needs at least two customers")
    if np.any(tx > T) or np.any(x < 0):
        raise CustomerInputError("recency cannot exceed T and frequency cannot be negative")
    return x, tx, T


def _unique_rows(*columns):
    rows, counts = np.unique(np.column_stack(columns), axis=0, return_counts=True)
    return tuple(rows.T), counts.astype(float)


@dataclass(frozen=True)
class GammaGamma:
    p: float
    q: float
    v: float

    def expected_spend(self, frequency, monetary):
        """E[spend per purchase | x, m_x]; the population mean without repeats."""
        x, m = np.asarray(frequency, float), np.asarray(monetary, float)
        p, q, v = self.p, self.q, self.v
        population = p * v / (q - 1)
        cond = (p * (v + x * m)) / (p * x + q - 1)
        return np.where(x > 0, cond, population)


def gamma_gamma_log_likelihood(params, frequency, monetary, weights=None):
    """Total log-likelihood of (p, q, v) over customers with repeat purchases
    (Fader & Hardie 2013), written with ``betaln`` and ``log1p`` so that it
    stays exact as q and v grow without bound (spend that does not vary between
    customers)."""
    p, q, v = params
    x, m = np.asarray(frequency, float), np.asarray(monetary, float)
    px = p * x
    ll = (
        -special.betaln(px, q)
        + (px - 1) * np.log(m)
        + px * np.log(x)
        - q * np.log1p(m * x / v)
        - px * np.log(v + m * x)
    )
    return float(np.sum(ll if weights is None else weights * ll))


def fit_gamma_gamma(frequency, monetary):
    """Maximum-likelihood Gamma-Gamma parameters on customers with repeat purchases
    and positive mean spend."""
    x, m = np.asarray(frequency, float), np.asarray(monetary, float)
    keep = (x > 0) & (m > 0)
    x, m = x[keep], m[keep]
    if len(x) < 2:
        raise CustomerInputError("Gamma-Gamma needs at least two customers with repeat purchases")

    def loss_of(columns, weights):
        def loss(logp):
            return -gamma_gamma_log_likelihood(np.exp(logp), *columns, weights) / weights.sum()

        return loss

    start = np.log([1.0, 2.0, float(np.mean(m))])
    return GammaGamma(*_minimise_log(loss_of, ((x, m), np.ones(len(x))), start, SEARCH_ROWS))


@dataclass
class ValueModel:
    """A purchase-count model (:class:`BgNbd` or :class:`ParetoNbd`) and Gamma-Gamma;
    ``backtest`` holds the figures :func:`choose_count_model` chose the count model by."""

    purchases: object
    gamma_gamma: GammaGamma
    backtest: dict = field(default_factory=dict)

    def expected_value(self, table, days=365):
        """Expected spend over the next ``days`` per customer of a summary table."""
        purchases = self.purchases.expected_purchases(
            days, table["frequency"], table["recency"], table["T"]
        )
        spend = self.gamma_gamma.expected_spend(table["frequency"], table["monetary"])
        return pd.Series(purchases * spend, index=table.index, name="expected_value")


COUNT_MODELS = {"bgnbd": fit_bgnbd, "paretonbd": fit_paretonbd}


def fit_value(table, count_model="bgnbd"):
    """A count model (``"bgnbd"`` or ``"paretonbd"``) and Gamma-Gamma fitted on one
    summary table."""
    if count_model not in COUNT_MODELS:
        raise CustomerInputError(f"unknown purchase-count model {count_model!r}")
    return ValueModel(
        COUNT_MODELS[count_model](table["frequency"], table["recency"], table["T"]),
        fit_gamma_gamma(table["frequency"], table["monetary"]),
    )


def choose_count_model(orders, calibration_end, backtest_days=None):
    """BG/NBD or Pareto/NBD, whichever forecast spend better on the last stretch of
    the history: ``{"count_model", "split", "days", "mae"}``.

    Both are fitted (with Gamma-Gamma) on the orders up to ``calibration_end -
    backtest_days`` and compared by their per-customer mean absolute error (``mae``,
    per count model) of the spend in the ``backtest_days`` after (by default a third
    of the days from the first order to ``calibration_end``, at most 365). Only orders
    on or before ``calibration_end`` are read; with too little history for a backtest,
    ``mae`` is empty and BG/NBD is kept.
    """
    data = prepare(orders)
    end = pd.Timestamp(calibration_end).normalize()
    data = data[data["date"] <= end]
    if data.empty:
        raise CustomerInputError("no orders on or before the calibration date")
    if backtest_days is None:
        backtest_days = min(int((end - data["date"].min()).days // 3), 365)
    split = end - pd.Timedelta(days=int(backtest_days))
    errors = {}
    if backtest_days >= 1:
        later = data[data["date"] > split].groupby("customer_id")["amount"].sum()
        try:
            early = summary(data, split)
            spend = fit_gamma_gamma(early["frequency"], early["monetary"])
            actual = later.reindex(early.index, fill_value=0.0).to_numpy()
            for name, fit in COUNT_MODELS.items():
                counts = fit(early["frequency"], early["recency"], early["T"])
                pred = counts.expected_purchases(
                    backtest_days, early["frequency"], early["recency"], early["T"]
                ) * spend.expected_spend(early["frequency"], early["monetary"])
                errors[name] = float(np.mean(np.abs(pred - actual)))
        except CustomerInputError:
            errors = {}
    errors = {k: v for k, v in errors.items() if np.isfinite(v)}
    return {
        "count_model": min(errors, key=errors.get) if errors else "bgnbd",
        "split": split,
        "days": int(backtest_days),
        "mae": errors,
    }


def choose_value(orders, calibration_end, backtest_days=None):
    """The count model :func:`choose_count_model` keeps, refitted (with Gamma-Gamma)
    on all orders up to ``calibration_end``; its ``backtest`` holds the choice."""
    backtest = choose_count_model(orders, calibration_end, backtest_days)
    model = fit_value(summary(orders, calibration_end), backtest["count_model"])
    model.backtest = backtest
    return model
