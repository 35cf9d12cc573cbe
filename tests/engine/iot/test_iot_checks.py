"""Stream checks on plain rows (no database)."""

import datetime as dt

from smart_dairy.iot import checks

UTC = dt.timezone.utc
T0 = dt.datetime(2026, 3, 10, 6, tzinfo=UTC)


def _row(device, metric, value, seconds):
    return (T0 + dt.timedelta(seconds=seconds), device, metric, value, 1, 10, "x", None, True)


def test_temperature_rate_is_per_minute_and_uses_the_stored_previous_value():
    rows = [_row(2, "temperature", 14.0, 120), _row(2, "temperature", 20.0, 240)]
    previous = {(2, "temperature"): (T0, 4.0)}
    out = checks.check_readings(rows, previous)
    # 4 -> 14 in 2 min is 5 °C/min: at the limit, not above; 14 -> 20 in 2 min is 3 °C/min
    assert out.findings == [] and out.flagged == set()
    out = checks.check_readings([_row(2, "temperature", 15.0, 120)], previous)
    assert [(f.condition, f.limit) for f in out.findings] == [("rate:temperature", 5.0)]
    assert out.flagged == {0} and (2, "rate:temperature") not in out.cleared


def test_activity_and_yield_rates_are_between_consecutive_readings_in_time_order():
    rows = [
        _row(1, "activity", 350.0, 20),
        _row(1, "activity", 100.0, 0),
        _row(1, "activity", 190.0, 10),
        _row(3, "milk_yield", 10.0, 0),
        _row(3, "milk_yield", 16.0, 60),
    ]
    out = checks.check_readings(rows, {})
    assert sorted((f.device_id, f.condition, f.value) for f in out.findings) == [
        (1, "rate:activity", 350.0),
        (3, "rate:milk_yield", 16.0),
    ]
    assert out.flagged == {0, 4}


def test_conditions_clear_when_the_newest_reading_passes():
    rows = [_row(1, "activity", 500.0, 0), _row(1, "activity", 520.0, 60)]
    out = checks.check_readings(rows, {(1, "activity"): (T0 - dt.timedelta(minutes=1), 100.0)})
    assert [f.value for f in out.findings] == [500.0]
    assert (1, "rate:activity") in out.cleared


def test_alert_ranges_and_conductivity():
    limits = checks.StreamLimits(ranges={"temperature": (2.0, 6.0)}, conductivity_max=6.5)
    rows = [_row(2, "temperature", 7.0, 0), _row(3, "conductivity", 6.9, 0)]
    out = checks.check_readings(rows, {}, limits)
    assert sorted(f.condition for f in out.findings) == ["conductivity", "range:temperature"]
    assert out.flagged == {0}


def test_milking_conductivity_and_mastitis_risk():
    def session(minute, conductivity, risk):
        row = [None] * 18
        row[0], row[2], row[10], row[17] = T0 + dt.timedelta(minutes=minute), 3, conductivity, risk
        return tuple(row)

    out = checks.check_milkings([session(0, 8.0, 0.9), session(10, 5.0, 0.2)])
    assert sorted(f.condition for f in out.findings) == ["conductivity", "mastitis"]
    assert out.cleared == {(3, "conductivity"), (3, "mastitis")}
