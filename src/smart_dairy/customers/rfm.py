"""RFM: recency, frequency and monetary value over a window, quintile scores, named
segments with a recommended action, lifecycle stage and a health score.

Scores are quintiles of the customers in the window (5 best): recency by days since
the last order (fewer is better), frequency by the number of orders, monetary by
net revenue. Ties share a score. With ``R`` the recency score and ``FM`` the mean of
the frequency and monetary scores rounded half up, the first matching rule names
the segment:

| segment | rule | recommended action |
| --- | --- | --- |
| Champions | R >= 4 and FM >= 4 | reward them; ask for reviews and referrals |
| Loyal Customers | R >= 3 and FM >= 4 | offer loyalty rewards and upsell the range |
| New Customers | R >= 4 and F = 1 | onboard: welcome offer, a follow-up call |
| Potential Loyalists | R >= 3 and FM >= 2 | recommend related products, a membership offer |
| Cannot Lose Them | R <= 2 and FM = 5 | call them now: win back with a personal offer |
| At Risk | R <= 2 and FM >= 3 | reactivate with a tailored offer before they leave |
| Hibernating | R <= 2 and FM = 2, or R = 3 and FM = 1 | a low-cost reminder of relevant products |
| Lost | otherwise (R <= 2 and FM = 1) | a last win-back campaign, then stop spending on them |

Lifecycle stage: New while the first order is at most ``new_days`` old, Recent while
it is at most ``established_days`` old, then Established. Health score 0-100:
``100 * (2 * (R - 1) + (F - 1) + (M - 1)) / 16``: recency weighs half, frequency and
monetary a quarter each; 1-1-1 scores 0 and 5-5-5 scores 100.
"""

import numpy as np
import pandas as pd

from .errors import CustomerInputError
from .orders import prepare

SEGMENTS = {
    "Champions": "Reward them; ask for reviews and referrals.",
    "Loyal Customers": "Offer loyalty rewards and upsell the range.",
    "New Customers": "Onboard them: a welcome offer and a follow-up call.",
    "Potential Loyalists": "Recommend related products and offer a membership.",
    "Cannot Lose Them": "Call them now: win them back with a personal offer.",
    "At Risk": "Reactivate them with a tailored offer before they leave.",
    "Hibernating": "Send a low-cost reminder of relevant products.",
    "Lost": "Run a last win-back campaign, then stop spending on them.",
}
STAGES = ("New", "Recent", "Established")


def quintile(values, higher_is_better=True):
    """Scores 1-5 by quintile of rank; equal values get equal scores."""
    values = pd.Series(values, dtype=float)
    if values.empty:
        return values.astype(int)
    pct = (values if higher_is_better else -values).rank(method="max", pct=True)
    return np.clip(np.ceil(pct * 5), 1, 5).astype(int)


def segment(r, f, m):
    """The named segment of one customer's scores (rules in the module docstring)."""
    fm = int(np.floor((f + m) / 2 + 0.5))
    if r >= 4 and fm >= 4:
        return "Champions"
    if r >= 3 and fm >= 4:
        return "Loyal Customers"
    if r >= 4 and f == 1:
        return "New Customers"
    if r >= 3 and fm >= 2:
        return "Potential Loyalists"
    if fm == 5:
        return "Cannot Lose Them"
    if fm >= 3:
        return "At Risk"
    if fm == 2 or r == 3:
        return "Hibernating"
    return "Lost"


def rfm(orders, as_of, window_days=365, new_days=90, established_days=365):
    """One row per customer with an order in the window ending ``as_of``.

    Columns: recency_days, frequency, monetary, r_score, f_score, m_score, segment,
    action, first_order, stage, health.
    """
    if window_days <= 0:
        raise CustomerInputError("the RFM window must be at least one day")
    if not 0 < new_days <= established_days:
        raise CustomerInputError("the New stage must be shorter than the Recent one")
    as_of = pd.Timestamp(as_of).normalize()
    data = prepare(orders)
    data = data[data["date"] <= as_of]
    first = data.groupby("customer_id")["date"].min()
    window = data[data["date"] > as_of - pd.Timedelta(days=window_days)]
    grouped = window.groupby("customer_id")
    out = pd.DataFrame(
        {
            "recency_days": (as_of - grouped["date"].max()).dt.days,
            "frequency": grouped.size(),
            "monetary": grouped["amount"].sum(),
        }
    )
    out["r_score"] = quintile(out["recency_days"], higher_is_better=False).to_numpy()
    out["f_score"] = quintile(out["frequency"]).to_numpy()
    out["m_score"] = quintile(out["monetary"]).to_numpy()
    out["segment"] = [
        segment(r, f, m) for r, f, m in out[["r_score", "f_score", "m_score"]].to_numpy()
    ]
    out["action"] = out["segment"].map(SEGMENTS)
    out["first_order"] = first.reindex(out.index)
    age = (as_of - out["first_order"]).dt.days
    out["stage"] = np.select(
        [age <= new_days, age <= established_days], ["New", "Recent"], default="Established"
    )
    out["health"] = health(out["r_score"], out["f_score"], out["m_score"])
    return out


def health(r, f, m):
    """Health score 0-100: recency half, frequency and monetary a quarter each."""
    r, f, m = (np.asarray(v, dtype=float) for v in (r, f, m))
    return np.round(100 * (2 * (r - 1) + (f - 1) + (m - 1)) / 16, 1)
