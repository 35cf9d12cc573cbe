"""The order table every customer analysis starts from: one row per order with
``customer_id``, ``date`` and ``amount`` (net revenue; credit notes negative)."""

import pandas as pd

from .errors import CustomerInputError


def prepare(orders):
    """A clean copy: dates as timestamps (day precision), amounts as floats."""
    missing = {"customer_id", "date", "amount"} - set(orders.columns)
    if missing:
        raise CustomerInputError(f"the orders lack the column(s) {', '.join(sorted(missing))}")
    out = orders[["customer_id", "date", "amount"]].copy()
    out["date"] = pd.to_datetime(out["date"]).dt.normalize()
    out["amount"] = pd.to_numeric(out["amount"], errors="coerce")
    if out[["customer_id", "date", "amount"]].isna().any().any():
        raise CustomerInputError("some orders have no customer, date or amount")
    return out


def before(orders, cutoff):
    """The orders placed on or before ``cutoff``: everything a score at ``cutoff`` may see."""
    return orders[orders["date"] <= pd.Timestamp(cutoff)]
