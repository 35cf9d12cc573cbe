"""Expected waste of perishable lots under first-expiry-first-out.

Forecast demand consumes on-hand lots in order of expiry date; a lot can be sold on
the days before its expiry date, and whatever is left of it when that date arrives
is expected waste. Demand of a period is spread evenly over its days.
"""

import datetime as dt
from dataclasses import dataclass

from .errors import ForecastInputError


@dataclass(frozen=True)
class Lot:
    lot_id: object
    quantity: float
    expiry: dt.date
    unit_cost: float = 0.0


@dataclass(frozen=True)
class LotWaste:
    lot_id: object
    expiry: dt.date
    quantity: float
    expiring: float
    value: float


def _daily(demand, period_days):
    """Demand per day from (period start, quantity) pairs."""
    days = {}
    for start, qty in demand:
        if qty < 0:
            qty = 0.0
        start = start.date() if isinstance(start, dt.datetime) else start
        for i in range(period_days):
            day = start + dt.timedelta(days=i)
            days[day] = days.get(day, 0.0) + qty / period_days
    return days


def project_expiry(lots, demand, today, period_days=1):
    """Per lot: quantity expected to expire unsold, and its value at unit cost.

    ``demand`` is the forecast as (period start, quantity) pairs (daily by default;
    ``period_days=7`` for weekly forecasts); ``today`` is the first day demand can
    consume stock. Demand after the last expiry is irrelevant; demand dated before
    ``today`` is ignored. A lot already expired on ``today`` wastes all it holds.
    """
    if period_days < 1:
        raise ForecastInputError("a forecast period lasts at least one day")
    for lot in lots:
        if lot.quantity < 0:
            raise ForecastInputError(f"lot {lot.lot_id}: on-hand quantity cannot be negative")
    today = today.date() if isinstance(today, dt.datetime) else today
    left = {id(lot): float(lot.quantity) for lot in lots}
    ordered = sorted(lots, key=lambda lot: (lot.expiry, str(lot.lot_id)))
    per_day = _daily(demand, period_days)
    for day in sorted(d for d in per_day if d >= today):
        need = per_day[day]
        for lot in ordered:
            if need <= 0:
                break
            if lot.expiry <= day or left[id(lot)] <= 0:
                continue
            take = min(need, left[id(lot)])
            left[id(lot)] -= take
            need -= take
    out = []
    for lot in ordered:
        expiring = left[id(lot)]
        out.append(
            LotWaste(lot.lot_id, lot.expiry, lot.quantity, expiring, expiring * lot.unit_cost)
        )
    return out
