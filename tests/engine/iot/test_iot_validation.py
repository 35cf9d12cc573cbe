"""Row validation, field by field (no database)."""

import datetime as dt

import pytest
from smart_dairy.iot import devices, validation

UTC = dt.timezone.utc
NOW = dt.datetime(2026, 3, 10, 12, 0, tzinfo=UTC)
REGISTRY = devices.Registry.of(
    [
        devices.Device(1, "collar-1", "collar", farm_id=10, company_id=1, animal_id=100),
        devices.Device(2, "tank-1", "temp_sensor", farm_id=10, company_id=1),
        devices.Device(3, "meter-1", "milk_meter", farm_id=10, company_id=1),
        devices.Device(4, "gw-10", "gateway", farm_id=10, company_id=1),
        devices.Device(5, "barn-20", "humidity_sensor", farm_id=20, company_id=2),
        devices.Device(6, "old-1", "temp_sensor", farm_id=10, company_id=1, active=False),
    ],
    animals={"COW-100": 100, "COW-101": 101, "COW-200": 200},
    animal_farms={100: 10, 101: 10, 200: 20},
)
GOOD = {"device": "tank-1", "metric": "temperature", "value": 4.5, "time": "2026-03-10T11:00:00Z"}


def _reason(row, sender=None, policy=validation.DEFAULT_POLICY):
    result = validation.validate_readings([row], REGISTRY, NOW, policy, sender)
    return result.rejected[0].reason if result.rejected else None


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({}, None),
        ({"device": None}, "device is missing"),
        ({"device": 7}, "device must be a string"),
        ({"device": "nope"}, "unknown device 'nope'"),
        ({"device": "old-1"}, "device 'old-1' is inactive"),
        ({"metric": None}, "metric is missing"),
        ({"metric": ""}, "metric must be a non-empty string"),
        ({"metric": "activity"}, "metric 'activity' is not allowed for a temp_sensor device"),
        ({"unit": "°F"}, "unit '°F' of temperature should be '°C'"),
        ({"unit": "°C"}, None),
        ({"value": None}, "value is missing"),
        ({"value": "4.5"}, "value must be a number"),
        ({"value": True}, "value must be a number"),
        ({"value": float("nan")}, "value must be a finite number"),
        ({"value": 100.5}, "value 100.5 is outside -50..100"),
        ({"value": -50}, None),
        ({"time": None}, "time must be an ISO 8601 time or epoch seconds"),
        ({"time": "yesterday"}, "time 'yesterday' is not an ISO 8601 time"),
        ({"time": "2026-03-10T11:00:00"}, "time '2026-03-10T11:00:00' has no time zone offset"),
        ({"time": "2026-03-10T12:06:00+00:00"}, "time 2026-03-10T12:06:00+00:00 is in the future"),
        ({"time": "2026-03-10T12:04:00+00:00"}, None),
        (
            {"time": "2025-12-09T11:00:00+00:00"},
            "time 2025-12-09T11:00:00+00:00 is older than the raw retention",
        ),
        ({"time": NOW.timestamp() - 60}, None),
        ({"animal": "COW-999"}, "unknown animal 'COW-999'"),
        ({"animal": "COW-200"}, "animal 'COW-200' is not on the device's farm"),
        ({"animal": 100}, "animal must be a string"),
        ({"zone": ""}, "zone must be a non-empty string"),
        ({"battery": 101}, "battery 101 is outside 0..100"),
        ({"battery": 14}, None),
        ({"signal": "strong"}, "signal must be a number"),
        ({"metadata": [1]}, "metadata must be a JSON object"),
        ({"colour": "red"}, "unknown field(s): colour"),
    ],
)
def test_each_reading_field_is_checked(change, reason):
    row = {**GOOD, **change}
    if "time" in change and change["time"] is None:
        row["time"] = None
    if change.get("device", 0) is None:
        del row["device"]
    if change.get("metric", 0) is None:
        del row["metric"]
    if change.get("value", 0) is None:
        del row["value"]
    assert _reason(row) == reason


def test_missing_time_and_non_object_rows_are_rejected():
    assert _reason({k: v for k, v in GOOD.items() if k != "time"}) == "time is missing"
    assert _reason([GOOD]) == "a row must be a JSON object"


def test_a_valid_row_becomes_a_copy_tuple_with_the_devices_registry_data():
    result = validation.validate_readings(
        {**GOOD, "device": "collar-1", "metric": "activity", "value": 80, "battery": 50},
        REGISTRY,
        NOW,
    )
    assert result.rows == [
        (dt.datetime(2026, 3, 10, 11, tzinfo=UTC), 1, "activity", 80.0, 1, 10, "collar", 100, True)
    ]
    assert result.seen[1].battery == 50.0


def test_a_device_sends_only_its_own_rows_and_a_gateway_those_of_its_farm():
    tank = REGISTRY.devices["tank-1"]
    gateway = REGISTRY.devices["gw-10"]
    without_device = {k: v for k, v in GOOD.items() if k != "device"}
    assert _reason(without_device, sender=tank) is None
    assert _reason({**GOOD, "device": "collar-1", "metric": "activity"}, sender=tank) == (
        "device 'collar-1' may not be sent by 'tank-1'"
    )
    assert _reason({**GOOD, "device": "collar-1", "metric": "activity"}, sender=gateway) is None
    assert _reason({**GOOD, "device": "barn-20"}, sender=gateway) == (
        "device 'barn-20' may not be sent by 'gw-10'"
    )


def test_rejections_keep_their_index_and_valid_rows_survive():
    rows = [GOOD, {**GOOD, "value": 1000}, {**GOOD, "time": "2026-03-10T11:01:00Z"}, 5]
    result = validation.validate_readings(rows, REGISTRY, NOW)
    assert len(result.rows) == 2 and result.indexes == [0, 2]
    assert [(r.index, r.payload) for r in result.rejected] == [(1, rows[1]), (3, 5)]


def test_policy_changes_future_tolerance_and_retention():
    policy = validation.IntakePolicy(
        future_tolerance=dt.timedelta(hours=1), raw_retention=dt.timedelta(days=400)
    )
    assert _reason({**GOOD, "time": "2026-03-10T12:30:00Z"}, policy=policy) is None
    assert _reason({**GOOD, "time": "2025-12-09T11:00:00Z"}, policy=policy) is None


SESSION = {
    "meter": "meter-1",
    "animal": "COW-100",
    "session": "S-9",
    "yield_kg": 12.0,
    "start": "2026-03-10T05:00:00Z",
    "end": "2026-03-10T05:08:00Z",
}


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        ({}, None),
        ({"meter": "tank-1"}, "device 'tank-1' is a temp_sensor, not a milk meter"),
        ({"meter": "nope"}, "unknown device 'nope'"),
        ({"animal": "COW-999"}, "unknown animal 'COW-999'"),
        ({"session": ""}, "session must be a non-empty string"),
        ({"session": 42}, None),
        ({"session": "x" * 65}, "session is longer than 64 characters"),
        ({"yield_kg": 101}, "yield_kg 101 is outside 0..100"),
        ({"yield_kg": "12"}, "yield_kg must be a number"),
        ({"start": "2026-03-10T13:00:00Z"}, "start 2026-03-10T13:00:00+00:00 is in the future"),
        ({"end": "2026-03-10T04:00:00Z"}, "end is before start"),
        ({"end": "soon"}, "end 'soon' is not an ISO 8601 time"),
        ({"blood": "no"}, "blood must be true or false"),
        ({"blood": True}, None),
        ({"duration_s": -1}, "duration_s -1 is outside 0..7200"),
        ({"flow_rate": 21}, "flow_rate 21 is outside 0..20"),
        ({"conductivity": 25}, "conductivity 25 is outside 0..20"),
        ({"temperature": 120}, "temperature 120 is outside -50..100"),
        ({"fat": 30}, "fat 30 is outside 0..20"),
        ({"protein": -1}, "protein -1 is outside 0..20"),
        ({"lactose": 21}, "lactose 21 is outside 0..20"),
        ({"scc": -5}, "scc -5 is outside 0..1e+08"),
        ({"mastitis_risk": 1.5}, "mastitis_risk 1.5 is outside 0..1"),
        ({"cow": "x"}, "unknown field(s): cow"),
    ],
)
def test_each_milking_field_is_checked(change, reason):
    result = validation.validate_milkings({**SESSION, **change}, REGISTRY, NOW)
    assert (result.rejected[0].reason if result.rejected else None) == reason


def test_milking_requires_session_yield_start_and_an_animal():
    for field in ("session", "yield_kg", "start"):
        row = {k: v for k, v in SESSION.items() if k != field}
        result = validation.validate_milkings(row, REGISTRY, NOW)
        assert result.rejected[0].reason == f"{field} is missing"
    row = {k: v for k, v in SESSION.items() if k != "animal"}
    assert validation.validate_milkings(row, REGISTRY, NOW).rejected[0].reason == (
        "animal is missing (and the meter is not bound to one)"
    )


def test_a_milking_row_derives_its_duration_from_start_and_end():
    result = validation.validate_milkings(SESSION, REGISTRY, NOW)
    row = dict(zip(validation.MILKING_COLUMNS, result.rows[0], strict=True))
    assert row["duration_s"] == 480.0 and row["animal_id"] == 100 and row["session_id"] == "S-9"


def test_device_status_thresholds():
    thresholds = devices.StatusThresholds(dt.timedelta(minutes=5), dt.timedelta(hours=1))
    assert devices.status(NOW - dt.timedelta(minutes=4), NOW, thresholds) == "online"
    assert devices.status(NOW - dt.timedelta(minutes=30), NOW, thresholds) == "degraded"
    assert devices.status(NOW - dt.timedelta(hours=2), NOW, thresholds) == "offline"
    assert devices.status(None, NOW) == "offline"


def test_a_batch_over_the_limit_is_refused_whole():
    policy = validation.IntakePolicy(max_batch=3)
    validation.validate_readings([GOOD] * 3, REGISTRY, NOW, policy)
    with pytest.raises(validation.BatchTooLarge, match="a batch of 4 rows is over the limit of 3"):
        validation.validate_readings([GOOD] * 4, REGISTRY, NOW, policy)
