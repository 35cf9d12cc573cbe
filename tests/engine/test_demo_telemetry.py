"""The demo fleet's telemetry: valid for the intake, calm for the stream checks, the
same every time, with one silent collar and one low battery."""

import datetime as dt
import itertools
from zoneinfo import ZoneInfo

from smart_dairy.demo import telemetry
from smart_dairy.iot import checks, devices, validation
from smart_dairy.quality import MILK_KG_PER_LITRE

END = dt.datetime(2028, 2, 29, 23, 50, tzinfo=dt.timezone.utc)
FLEET = [
    telemetry.DemoDevice("tank", "temp_sensor"),
    telemetry.DemoDevice("barn", "humidity_sensor"),
    telemetry.DemoDevice("collar-1", "collar"),
    telemetry.DemoDevice("collar-2", "collar", silent=True),
    telemetry.DemoDevice("collar-3", "collar", low_battery=True),
]


def _registry():
    return devices.Registry.of(
        [
            devices.Device(i, d.identifier, d.type, farm_id=1, company_id=1)
            for i, d in enumerate(FLEET, 1)
        ]
    )


def test_every_reading_is_accepted_and_raises_no_finding():
    rows = telemetry.readings(FLEET, END)
    result = validation.validate_readings(
        rows, _registry(), END, validation.IntakePolicy(max_batch=len(rows))
    )
    assert result.rejected == [] and len(result.rows) == len(rows)
    assert checks.check_readings(result.rows, {}).findings == []


def test_the_rows_cover_the_days_before_the_end_every_fifteen_minutes():
    rows = telemetry.readings(FLEET, END, days=2)
    times = sorted({dt.datetime.fromisoformat(r["time"]) for r in rows if r["device"] == "tank"})
    assert times[0] == END - dt.timedelta(days=2) and times[-1] < END
    assert {b - a for a, b in itertools.pairwise(times)} == {telemetry.STEP}
    assert telemetry.readings(FLEET, END, days=2) == rows


def test_one_collar_falls_silent_and_one_runs_low():
    rows = telemetry.readings(FLEET, END)
    last = {}
    for row in rows:
        last[row["device"]] = row
    silent = dt.datetime.fromisoformat(last["collar-2"]["time"])
    assert END - silent >= telemetry.SILENT_FOR
    assert END - dt.datetime.fromisoformat(last["collar-1"]["time"]) <= telemetry.STEP
    assert last["collar-3"]["battery"] < 15 <= min(last[d]["battery"] for d in ("tank", "collar-1"))


def _milkings(days):
    """Three cows (a healthy one, one with mastitis, one without a cell count) a session."""
    cows = (("GV-001", 90_000), ("GV-002", 2_500_000), ("GV-003", None))
    return [
        telemetry.DemoMilking(tag, day, session, round(9.0 + 1.37 * n, 2), 3.9, 3.3, scc)
        for n, (day, session, (tag, scc)) in enumerate(
            itertools.product(days, ("morning", "evening"), cows)
        )
    ]


# a leap day, and the nights the clocks change in London (spring forward, fall back)
METER_DAYS = [dt.date(2028, 2, 29), dt.date(2028, 3, 26), dt.date(2028, 10, 29)]


def test_meter_sessions_are_accepted_and_raise_no_finding():
    milkings = _milkings(METER_DAYS)
    rows = [row for _m, row in telemetry.meter_sessions("meter", milkings, "Europe/London")]
    registry = devices.Registry.of(
        [devices.Device(1, "meter", "milk_meter", farm_id=1, company_id=1)],
        animals={"GV-001": 11, "GV-002": 12, "GV-003": 13},
        animal_farms={11: 1, 12: 1, 13: 1},
    )
    now = dt.datetime(2028, 11, 1, tzinfo=dt.timezone.utc)
    policy = validation.IntakePolicy(max_batch=len(rows), raw_retention=dt.timedelta(days=400))
    result = validation.validate_milkings(rows, registry, now, policy)
    assert result.rejected == [] and len(result.rows) == len(rows) == len(milkings)
    assert checks.check_milkings(result.rows).findings == []
    assert len({row["session"] for row in rows}) == len(rows)
    again = telemetry.meter_sessions("meter", milkings, "Europe/London")
    assert [row for _m, row in again] == rows


def test_meter_sessions_keep_the_milkings_volume_day_and_session():
    milkings = _milkings(METER_DAYS)
    sessions = telemetry.meter_sessions("meter", milkings, "Europe/London")
    zone = ZoneInfo("Europe/London")
    recorded = set()
    for milking, row in sessions:
        assert row["animal"] == milking.ear_tag
        start = dt.datetime.fromisoformat(row["start"]).astimezone(zone)
        session = "morning" if start.hour < 11 else "evening" if start.hour >= 16 else "midday"
        volume = round(row["yield_kg"] / MILK_KG_PER_LITRE, 2)
        scc = int(row["scc"]) if row["scc"] is not None else None
        recorded.add((row["animal"], start.date(), session, volume, row["fat"], scc))
    expected = {(m.ear_tag, m.date, m.session, m.volume, m.fat, m.scc) for m in milkings}
    assert recorded == expected


def test_meter_sessions_stop_at_until():
    milkings = _milkings(METER_DAYS[:1])
    until = dt.datetime(2028, 2, 29, 12, 0, tzinfo=dt.timezone.utc)
    sessions = telemetry.meter_sessions("meter", milkings, "Europe/London", until=until)
    assert {m.session for m, _row in sessions} == {"morning"} and len(sessions) == 3
    assert all(dt.datetime.fromisoformat(row["start"]) < until for _m, row in sessions)
