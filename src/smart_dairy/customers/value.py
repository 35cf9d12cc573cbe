"""Customer value: BG/NBD for repeat purchases and Gamma-Gamma for spend, by
maximum likelihood with scipy (Fader, Hardie & Lee 2005; Fader & Hardie 2013).

The summary of a customer at a calibration date has ``frequency`` x (repeat
purchase days: days with an order after the first), ``recency`` t_x (days from the
first to the last purchase day), ``T`` (days from the first purchase day to the
calibration date) and ``monetary`` (mean spend of the repeat purchase days).
"""

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import optimize, special

from .errors import CustomerInputError
from .orders import prepare


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
    x, tx, T = (np.asarray(v, dtype=float) for v in (frequency, recency, T))
    if len(x) < 2:
        raise CustomerInputError("BG/NBD needs at least two customers")
    if np.any(tx > T) or np.any(x < 0):
        raise CustomerInputError("recency cannot exceed T and frequency cannot be negative")

    n = len(x)
    # Customers with the same history share one likelihood term: fit on unique rows.
    (x, tx, T), weights = _unique_rows(x, tx, T)

    def loss(logp):
        p = np.exp(logp)
        return -bgnbd_log_likelihood(p, x, tx, T, weights) / n + penalizer * np.sum(p**2)

    start = np.log([1.0, max(float(np.mean(T)), 1.0) / 10, 1.0, 1.0])
    res = optimize.minimize(
        loss, start, method="Nelder-Mead", options={"maxiter": 4000, "xatol": 1e-6, "fatol": 1e-10}
    )
    res = optimize.minimize(loss, res.x, method="L-BFGS-B")
    return BgNbd(*np.exp(res.x))


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


def fit_gamma_gamma(frequency, monetary):
    """Maximum-likelihood Gamma-Gamma parameters on customers with repeat purchases
    and positive mean spend."""
    x, m = np.asarray(frequency, float), np.asarray(monetary, float)
    keep = (x > 0) & (m > 0)
    x, m = x[keep], m[keep]
    if len(x) < 2:
        raise CustomerInputError("Gamma-Gamma needs at least two customers with repeat purchases")

    def loss(logp):
        p, q, v = np.exp(logp)
        ll = (
            special.gammaln(p * x + q)
            - special.gammaln(p * x)
            - special.gammaln(q)
            + q * np.log(v)
            + (p * x - 1) * np.log(m)
            + p * x * np.log(x)
            - (p * x + q) * np.log(v + m * x)
        )
        return -np.mean(ll)

    start = np.log([1.0, 2.0, float(np.mean(m))])
    res = optimize.minimize(
        loss, start, method="Nelder-Mead", options={"maxiter": 4000, "xatol": 1e-6, "fatol": 1e-10}
    )
    res = optimize.minimize(loss, res.x, method="L-BFGS-B")
    return GammaGamma(*np.exp(res.x))


@dataclass
class ValueModel:
    bgnbd: BgNbd
    gamma_gamma: GammaGamma

    def expected_value(self, table, days=365):
        """Expected spend over the next ``days`` per customer of a summary table."""
        purchases = self.bgnbd.expected_purchases(
            days, table["frequency"], table["recency"], table["T"]
        )
        spend = self.gamma_gamma.expected_spend(table["frequency"], table["monetary"])
        return pd.Series(purchases * spend, index=table.index, name="expected_value")


def fit_value(table):
    """BG/NBD and Gamma-Gamma fitted on one summary table."""
    return ValueModel(
        fit_bgnbd(table["frequency"], table["recency"], table["T"]),
        fit_gamma_gamma(table["frequency"], table["monetary"]),
    )
