"""The demo fleet's telemetry: valid for the intake, calm for the stream checks, the
same every time, with one silent collar and one low battery."""

import datetime as dt
import itertools

from smart_dairy.demo import telemetry
from smart_dairy.iot import checks, devices, validation

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
