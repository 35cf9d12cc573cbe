"""The intake path on both backends: COPY into staging, exactly once, quarantine, replay."""

import datetime as dt

from smart_dairy.iot import intake, validation

NOW = dt.datetime(2026, 3, 10, 12, 0, tzinfo=dt.timezone.utc)

T0 = NOW - dt.timedelta(hours=1)


def _reading(device, metric, value, minute, **extra):
    return {
        "device": device,
        "metric": metric,
        "value": value,
        "time": (T0 + dt.timedelta(minutes=minute)).isoformat(),
        **extra,
    }


def _count(conn, table="reading"):
    with conn.cursor() as cur:
        cur.execute(f"SELECT count(*) FROM smart_dairy_ts.{table}")
        return cur.fetchone()[0]


def test_mixed_batch_keeps_valid_rows_and_quarantines_the_rest(store, registry):
    conn, plain = store
    rows = [
        _reading("collar-1", "activity", 120, 0),
        _reading("collar-1", "activity", 5000, 1),  # outside 0..1000
        _reading("tank-1", "temperature", 4.2, 0, unit="°C"),
        "not an object",
    ]
    with conn.cursor() as cur:
        result = intake.readings(cur, rows, registry, NOW, plain)
    conn.commit()
    assert (result.accepted, result.duplicate) == (2, 0)
    assert result.summary()["errors"] == [
        {"index": 1, "reason": "value 5000 is outside 0..1000"},
        {"index": 3, "reason": "a row must be a JSON object"},
    ]
    assert _count(conn) == 2
    with conn.cursor() as cur:
        cur.execute(
            "SELECT kind, source, row_index, payload, reason FROM smart_dairy_ts.quarantine "
            "ORDER BY row_index"
        )
        stored = cur.fetchall()
    assert stored[0][:4] == ("reading", "http", 1, rows[1])
    assert stored[1][3] == "not an object"
    cur = conn.cursor()
    cur.execute(
        "SELECT device_id, metric, value, company_id, farm_id, device_type, animal_id, valid "
        "FROM smart_dairy_ts.reading ORDER BY device_id"
    )
    assert cur.fetchall() == [
        (1, "activity", 120.0, 1, 10, "collar", 100, True),
        (2, "temperature", 4.2, 1, 10, "temp_sensor", None, True),
    ]


def test_resent_readings_are_stored_once(store, registry):
    conn, plain = store
    rows = [_reading("tank-1", "temperature", 4.0 + m / 10, m) for m in range(10)]
    with conn.cursor() as cur:
        first = intake.readings(cur, rows, registry, NOW, plain)
        conn.commit()
        again = intake.readings(cur, rows[5:] + rows[5:] + [rows[0]], registry, NOW, plain)
        conn.commit()
    assert (first.accepted, first.duplicate) == (10, 0)
    assert (again.accepted, again.duplicate) == (0, 11)
    assert _count(conn) == 10


def test_a_failed_batch_leaves_nothing_half_written(store, registry):
    conn, plain = store
    rows = [_reading("tank-1", "temperature", 4.0, m) for m in range(5)]
    with conn.cursor() as cur:
        intake.readings(cur, rows, registry, NOW, plain)
        conn.rollback()
        result = intake.readings(cur, rows, registry, NOW, plain)
        conn.commit()
    assert result.accepted == 5 and _count(conn) == 5


def test_milkings_are_stored_once_per_meter_session_and_start(store, registry):
    conn, plain = store
    session = {
        "meter": "meter-1",
        "animal": "COW-101",
        "session": "S-1",
        "yield_kg": 14.5,
        "start": T0.isoformat(),
        "end": (T0 + dt.timedelta(minutes=7)).isoformat(),
        "conductivity": 8.1,
        "mastitis_risk": 0.2,
        "blood": False,
        "fat": 4.1,
    }
    with conn.cursor() as cur:
        first = intake.milkings(cur, [session, {**session, "session": "S-2"}], registry, NOW, plain)
        again = intake.milkings(cur, session, registry, NOW, plain)
        cur.execute(
            "SELECT session_id, animal_id, farm_id, yield_kg, duration_s, fat, blood "
            "FROM smart_dairy_ts.milking ORDER BY session_id"
        )
        stored = cur.fetchall()
    conn.commit()
    assert (first.accepted, again.accepted, again.duplicate) == (2, 0, 1)
    assert stored[0] == ("S-1", 101, 10, 14.5, 420.0, 4.1, False)
    assert [f.condition for f in first.findings] == ["conductivity", "conductivity"]


def test_replay_stores_rows_once_the_range_is_widened(store, registry):
    conn, plain = store
    rows = [_reading("custom-1", "ph", 9.5, m) for m in range(3)] + [
        _reading("custom-1", "ph", 7.0, 5)
    ]
    with conn.cursor() as cur:
        result = intake.readings(cur, rows, registry, NOW, plain, source="mqtt")
    conn.commit()
    assert result.accepted == 1 and len(result.rejected) == 3
    with conn.cursor() as cur:
        assert intake.replay(cur, "reading", registry, NOW, plain) == (0, 3)
    conn.commit()
    devices_ = dict(registry.devices)
    widened = devices_["custom-1"].__class__(
        **{
            **devices_["custom-1"].__dict__,
            "metrics": {"ph": devices_["custom-1"].metrics["ph"].__class__("pH", 4.0, 10.0)},
        }
    )
    devices_["custom-1"] = widened
    fixed = registry.__class__(devices_, registry.animals, registry.animal_farms)
    with conn.cursor() as cur:
        assert intake.replay(cur, "reading", fixed, NOW, plain) == (3, 0)
        conn.commit()
        assert intake.replay(cur, "reading", fixed, NOW, plain) == (0, 0)
        cur.execute(
            "SELECT count(*), count(replayed_at), min(outcome) FROM smart_dairy_ts.quarantine"
        )
        assert cur.fetchone() == (3, 3, "stored")
    assert _count(conn) == 4


def test_rate_of_change_flags_readings_and_reports_findings(store, registry):
    conn, plain = store
    rows = [
        _reading("tank-1", "temperature", 4.0, 0),
        _reading("tank-1", "temperature", 4.5, 1),
        _reading("tank-1", "temperature", 12.0, 2),  # +7.5 °C in one minute
    ]
    with conn.cursor() as cur:
        intake.readings(cur, rows[:1], registry, NOW, plain)
        result = intake.readings(cur, rows[1:], registry, NOW, plain)
        cur.execute("SELECT value, valid FROM smart_dairy_ts.reading ORDER BY time")
        stored = cur.fetchall()
    conn.commit()
    assert stored == [(4.0, True), (4.5, True), (12.0, False)]
    assert [(f.device_id, f.condition, f.value) for f in result.findings] == [
        (2, "rate:temperature", 12.0)
    ]
    assert (2, "rate:temperature") not in result.cleared


def test_copy_path_round_trips_awkward_values(store, registry):
    conn, plain = store
    policy = validation.IntakePolicy()
    odd = {**_reading("collar-1", "activity", 0, 0), "metadata": {"note": "tab\there\nnew"}}
    with conn.cursor() as cur:
        result = intake.readings(cur, [odd], registry, NOW, plain, policy=policy)
    assert result.accepted == 1


def test_nul_characters_are_rejected_and_quarantined_readably(store, registry):
    conn, plain = store
    rows = [
        _reading("tank-1", "temp\u0000erature", 4.0, 0),
        _reading("tank-1", "temperature", 4.0, 1),
    ]
    with conn.cursor() as cur:
        result = intake.readings(cur, rows, registry, NOW, plain)
        cur.execute("SELECT payload->>'metric', reason FROM smart_dairy_ts.quarantine")
        assert cur.fetchall() == [("temp\\u0000erature", "metric must be a non-empty string")]
    conn.commit()
    assert result.accepted == 1
