"""Replenishment levels and first-expiry-first-out waste against hand-worked numbers."""

import datetime as dt

import numpy as np
import pytest
from smart_dairy import forecast as fc
from smart_dairy.forecast.models import z_score

D = dt.date


def test_min_max_from_forecast_and_interval():
    mean = np.array([10.0, 10, 10, 10, 10])
    upper = mean + z_score(95) * 2.0  # sigma 2 per period
    mm = fc.suggest_min_max(mean, upper, lead_time=4, review_period=1, level=95, service_level=95)
    assert mm.lead_time_demand == pytest.approx(40)
    assert mm.safety_stock == pytest.approx(z_score(95) * 2.0 * 2)  # sqrt(4 periods) = 2
    assert mm.minimum == pytest.approx(40 + mm.safety_stock)
    assert mm.maximum == pytest.approx(mm.minimum + 10)


def test_fractional_lead_time_counts_part_of_a_period():
    mean = np.array([4.0, 8.0, 12.0, 16.0])
    mm = fc.suggest_min_max(mean, mean, lead_time=1.5, review_period=2)
    assert mm.lead_time_demand == pytest.approx(4 + 4)
    assert mm.safety_stock == 0
    assert mm.maximum == pytest.approx(8 + 4 + 12 + 8)  # demand over 3.5 periods


def test_forecast_too_short_for_the_lead_time_is_refused():
    with pytest.raises(fc.ForecastInputError, match="too short"):
        fc.suggest_min_max([1.0, 1.0], [2.0, 2.0], lead_time=2, review_period=1)


def test_fefo_consumes_earliest_expiry_first_and_reports_waste():
    lots = [
        fc.Lot("late", 30, D(2026, 1, 20), unit_cost=2.0),
        fc.Lot("early", 50, D(2026, 1, 5), unit_cost=1.5),
    ]
    demand = [(D(2026, 1, 1) + dt.timedelta(days=i), 10.0) for i in range(30)]
    out = {w.lot_id: w for w in fc.project_expiry(lots, demand, today=D(2026, 1, 1))}
    # 1-4 January sell 40 of 'early' (it expires on the 5th): 10 wasted
    assert out["early"].expiring == pytest.approx(10)
    assert out["early"].value == pytest.approx(15)
    # 5-7 January sell 'late' entirely before it expires on the 20th
    assert out["late"].expiring == 0


def test_weekly_demand_is_spread_over_its_days():
    lots = [fc.Lot("a", 20, D(2026, 1, 4))]
    out = fc.project_expiry(lots, [(D(2026, 1, 1), 14.0)], today=D(2026, 1, 1), period_days=7)
    assert out[0].expiring == pytest.approx(20 - 3 * 2)  # three selling days at 2 a day


def test_expired_lot_is_all_waste_and_negative_stock_is_refused():
    out = fc.project_expiry(
        [fc.Lot("old", 5, D(2026, 1, 1))], [(D(2026, 1, 1), 100.0)], D(2026, 1, 1)
    )
    assert out[0].expiring == 5
    with pytest.raises(fc.ForecastInputError, match="negative"):
        fc.project_expiry([fc.Lot("x", -1, D(2026, 1, 9))], [], D(2026, 1, 1))
