"""The store on both backends: DDL idempotence, aggregates against raw rows, identical
results, compression and dedup, retention, maintenance, queries, export, stats."""

import csv
import datetime as dt
import io
import json
import math
import statistics
import threading
import time
import uuid

import numpy as np
import psycopg2
import pytest
from psycopg2 import sql
from smart_dairy import db, timeseries
from smart_dairy.iot import (
    aggregates,
    export,
    intake,
    maintenance,
    query,
    stats,
    storage,
    validation,
)
from smart_dairy.scale import bulk, sensors

UTC = dt.timezone.utc
# a fixed past instant: TimescaleDB refreshes nothing beyond the real clock
NOW = dt.datetime(2024, 3, 10, 12, 0, tzinfo=UTC)
SETTINGS = storage.StorageSettings(background_jobs=False)
WIDE = validation.IntakePolicy(raw_retention=dt.timedelta(days=400))


def _telemetry(days=3, end=NOW - dt.timedelta(hours=1), step=7):
    """Deterministic readings of three farm-10 devices (with a few spikes that get flagged)."""
    start = end - dt.timedelta(days=days)
    rows, minute = [], 0
    while start + dt.timedelta(minutes=minute) < end:
        when = (start + dt.timedelta(minutes=minute)).isoformat()
        spike = 45.0 if minute % 997 < step else 0.0
        rows.append(
            {
                "device": "tank-1",
                "metric": "temperature",
                "value": round(4 + math.sin(minute / 90) + spike, 3),
                "time": when,
            }
        )
        rows.append(
            {
                "device": "collar-1",
                "metric": "activity",
                "value": float(100 + minute % 47),
                "time": when,
            }
        )
        rows.append(
            {
                "device": "collar-1",
                "metric": "temperature",
                "value": round(38.5 + (minute % 5) / 10, 2),
                "time": when,
            }
        )
        minute += step
    return rows


def _fill(conn, plain, rows, registry, policy=WIDE, now=NOW):
    with conn.cursor() as cur:
        for low in range(0, len(rows), 2000):
            intake.readings(cur, rows[low : low + 2000], registry, now, plain, policy=policy)
    conn.commit()


def _raw(conn, where="TRUE", params=()):
    with conn.cursor() as cur:
        cur.execute(
            "SELECT time, device_id, metric, value, farm_id, valid FROM smart_dairy_ts.reading "
            f"WHERE {where} ORDER BY time, device_id, metric",
            params,
        )
        rows = cur.fetchall()
    conn.rollback()  # hold no locks: maintenance runs on another connection
    return rows


def _expected(raw, width, end):
    """Buckets computed in Python from raw rows: {bucket: (avg, min, max, stddev, n, valid)}."""
    groups = {}
    for when, _device, _metric, value, _farm, valid in raw:
        bucket = aggregates.ORIGIN + ((when - aggregates.ORIGIN) // width) * width
        if bucket + width <= end:
            groups.setdefault(bucket, []).append((value, valid))
    return {
        b: (
            statistics.fmean(v for v, _ in items),
            min(v for v, _ in items),
            max(v for v, _ in items),
            statistics.stdev(v for v, _ in items) if len(items) > 1 else None,
            len(items),
            sum(1 for _, ok in items if ok),
        )
        for b, items in groups.items()
    }


def _close(a, b):
    if a is None or b is None:
        return a is b
    return math.isclose(a, b, rel_tol=1e-9, abs_tol=1e-7)


def _same_points(points, expected):
    assert [p.time for p in points] == sorted(expected)
    for p in points:
        avg, low, high, sd, n, valid = expected[p.time]
        assert (p.count, p.valid_count) == (n, valid)
        assert _close(p.avg, avg) and p.min == low and p.max == high and _close(p.stddev, sd)


def test_aggregates_equal_the_numbers_computed_from_raw_rows(store, maintenance_conn, registry):
    conn, plain = store
    _fill(conn, plain, _telemetry(), registry)
    aggregates.refresh(maintenance_conn, not plain, NOW)
    start = NOW - dt.timedelta(days=5)
    widths = {
        "15m": dt.timedelta(minutes=15),
        "1h": dt.timedelta(hours=1),
        "1d": dt.timedelta(days=1),
    }
    for resolution, width in widths.items():
        raw = _raw(conn, "device_id = 2 AND metric = 'temperature'")
        _, points = query.series(
            conn.cursor(), start, NOW, "temperature", device_id=2, resolution=resolution
        )
        _same_points(points, _expected(raw, width, NOW))
        raw = _raw(conn, "farm_id = 10 AND metric = 'temperature'")
        _, points = query.series(
            conn.cursor(), start, NOW, "temperature", farm_id=10, resolution=resolution
        )
        _same_points(points, _expected(raw, width, NOW))
    raw = _raw(conn, "farm_id = 10 AND metric = 'temperature' AND time >= %s", [start])
    assert any(not row[5] for row in raw)  # the spikes were flagged, and counted apart
    _, points = query.series(conn.cursor(), start, NOW, "temperature", farm_id=10, resolution="raw")
    assert points == [
        query.Point(time, device, value, value, value, None, 1, int(valid))
        for time, device, _metric, value, _farm, valid in raw
    ]


def test_aggregates_follow_late_and_resent_rows(store, maintenance_conn, registry):
    conn, plain = store
    rows = _telemetry(days=1)
    _fill(conn, plain, rows[: len(rows) // 2], registry)
    aggregates.refresh(maintenance_conn, not plain, NOW)
    _fill(conn, plain, rows, registry)  # the rest, and the first half again
    aggregates.refresh(maintenance_conn, not plain, NOW)
    raw = _raw(conn, "device_id = 1 AND metric = 'activity'")
    _, points = query.series(
        conn.cursor(), NOW - dt.timedelta(days=2), NOW, "activity", device_id=1, resolution="1h"
    )
    _same_points(points, _expected(raw, dt.timedelta(hours=1), NOW))


@pytest.fixture
def both(admin_conn, registry):
    """A plain and a TimescaleDB store filled with the same telemetry, aggregates refreshed."""
    names = [f"sd_test_{uuid.uuid4().hex[:12]}" for _ in range(2)]
    params = admin_conn.get_dsn_parameters()
    base = " ".join(f"{k}={params[k]}" for k in ("host", "port", "user"))
    password = psycopg2.extensions.parse_dsn(admin_conn.dsn).get("password")
    base += f" password={password or 'odoo'}"
    conns = []
    try:
        for name, plain in zip(names, (True, False), strict=True):
            with admin_conn.cursor() as cur:
                cur.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
            conn = db.connect(f"{base} dbname={name}")
            conns.append(conn)
            if not plain:
                with conn.cursor() as cur:
                    if not db.extension_available(cur, "timescaledb"):
                        pytest.skip("the PostgreSQL server does not offer timescaledb")
            storage.ensure_storage(conn, SETTINGS, plain)
            conn.commit()
            _fill(conn, plain, _telemetry(), registry)
            auto = db.connect(f"{base} dbname={name}", autocommit=True)
            aggregates.refresh(auto, not plain, NOW)
            auto.close()
        yield conns
    finally:
        for conn in conns:
            conn.close()
        with admin_conn.cursor() as cur:
            for name in names:
                cur.execute(
                    sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
                )


def test_both_backends_give_identical_query_results(both):
    plain, hyper = both
    start = NOW - dt.timedelta(days=5)
    compared = 0
    for resolution in ("raw", "15m", "1h", "1d"):
        for target in ({"device_id": 1}, {"device_id": 2}, {"farm_id": 10}):
            for metric in ("temperature", "activity"):
                a = query.series(
                    plain.cursor(), start, NOW, metric, resolution=resolution, **target
                )
                b = query.series(
                    hyper.cursor(), start, NOW, metric, resolution=resolution, **target
                )
                assert len(a[1]) == len(b[1]), (resolution, target, metric)
                compared += len(a[1])
                for p, q in zip(a[1], b[1], strict=True):
                    assert (p.time, p.device_id, p.min, p.max, p.count, p.valid_count) == (
                        q.time,
                        q.device_id,
                        q.min,
                        q.max,
                        q.count,
                        q.valid_count,
                    )
                    assert _close(p.avg, q.avg) and _close(p.stddev, q.stddev)
    assert compared > 5000
    assert query.latest(plain.cursor(), [1, 2, 3]) == query.latest(hyper.cursor(), [1, 2, 3])
    with plain.cursor() as a, hyper.cursor() as b:
        assert query.farm_milk(a, 10, start, NOW) == query.farm_milk(b, 10, start, NOW)


def _snapshot(conn):
    with conn.cursor() as cur:
        cur.execute(
            """SELECT c.relname, c.relkind FROM pg_class c JOIN pg_namespace n
                 ON n.oid = c.relnamespace WHERE n.nspname = 'smart_dairy_ts' ORDER BY 1"""
        )
        relations = cur.fetchall()
        cur.execute(
            "SELECT indexdef FROM pg_indexes WHERE schemaname = 'smart_dairy_ts' ORDER BY 1"
        )
        indexes = cur.fetchall()
        cur.execute(
            """SELECT table_name, column_name, data_type FROM information_schema.columns
                WHERE table_schema = 'smart_dairy_ts' ORDER BY 1, 2"""
        )
        columns = cur.fetchall()
        jobs = []
        if db.extension_installed(cur, "timescaledb"):
            cur.execute(
                """SELECT proc_name, hypertable_name, config::text FROM timescaledb_information.jobs
                    WHERE job_id >= 1000 ORDER BY 1, 2, 3"""
            )
            jobs = cur.fetchall()
    return relations, indexes, columns, jobs


def test_ddl_is_idempotent_and_follows_settings(store):
    conn, plain = store
    settings = storage.StorageSettings()
    storage.ensure_storage(conn, settings, plain)
    conn.commit()
    first = _snapshot(conn)
    for _ in range(2):
        assert storage.ensure_storage(conn, settings, plain) == (
            "plain" if plain else "timescaledb"
        )
        conn.commit()
        assert _snapshot(conn) == first
    if plain:
        assert first[3] == []
        return
    policies = {(proc, table) for proc, table, _ in first[3]}
    assert ("policy_compression", "reading") in policies
    assert ("policy_retention", "reading") in policies
    assert sum(1 for proc, _, _ in first[3] if proc == "policy_refresh_continuous_aggregate") == 4
    changed = storage.StorageSettings(compress_after=dt.timedelta(days=3))
    storage.ensure_storage(conn, changed, plain)
    conn.commit()
    jobs = _snapshot(conn)[3]
    assert len(jobs) == len(first[3])
    compression = [
        cfg for proc, table, cfg in jobs if proc == "policy_compression" and table == "reading"
    ]
    assert json.loads(compression[0])["compress_after"] == "3 days"


def test_settings_refuse_short_daily_retention_and_inverted_levels():
    with pytest.raises(ValueError, match="two years"):
        storage.StorageSettings(retention_1d=dt.timedelta(days=365))
    with pytest.raises(ValueError, match="at least as long"):
        storage.StorageSettings(retention_15m=dt.timedelta(days=30))


def test_resent_rows_are_skipped_even_in_compressed_chunks(store, maintenance_conn, registry):
    conn, plain = store
    if plain:
        pytest.skip("compression is a TimescaleDB feature")
    old = _telemetry(days=2, end=NOW - dt.timedelta(days=20))
    _fill(conn, plain, old, registry)
    before = len(_raw(conn))
    assert maintenance.compress(maintenance_conn, SETTINGS, NOW) >= 2
    with conn.cursor() as cur:
        cur.execute(
            "SELECT count(*) FILTER (WHERE is_compressed), count(*) "
            "FROM timescaledb_information.chunks WHERE hypertable_name = 'reading'"
        )
        compressed, chunks = cur.fetchone()
        assert compressed == chunks >= 2
        result = intake.readings(cur, old, registry, NOW, plain, policy=WIDE)
    conn.commit()
    assert (result.accepted, result.duplicate) == (0, len(old)) and len(old) > 1000
    assert len(_raw(conn)) == before
    late = {
        **old[0],
        "time": (dt.datetime.fromisoformat(old[0]["time"]) + dt.timedelta(seconds=1)).isoformat(),
    }
    with conn.cursor() as cur:
        assert intake.readings(cur, [late, late], registry, NOW, plain, policy=WIDE).accepted == 1
    conn.commit()
    assert len(_raw(conn)) == before + 1
    # checking conflicts decompressed the batches concerned (TimescaleDB does that):
    # the next run compresses those chunks again, rows intact
    assert maintenance.compress(maintenance_conn, SETTINGS, NOW) >= 1
    assert maintenance.compress(maintenance_conn, SETTINGS, NOW) == 0
    assert len(_raw(conn)) == before + 1


def test_retention_drops_whole_days_past_the_limit(store, maintenance_conn, registry):
    conn, plain = store
    _fill(conn, plain, _telemetry(days=10, end=NOW - dt.timedelta(days=85), step=60), registry)
    settings = storage.StorageSettings(background_jobs=False)
    raw = _raw(conn)
    cutoff = NOW - settings.raw_retention
    kept_from = dt.datetime.combine(cutoff.date(), dt.time(), UTC)  # day of the cutoff stays
    dropped = maintenance.apply_retention(maintenance_conn, settings, NOW)
    assert dropped["reading"] == len({r[0].date() for r in raw if r[0] < kept_from})
    assert _raw(conn) == [r for r in raw if r[0] >= kept_from]
    assert maintenance.apply_retention(maintenance_conn, settings, NOW)["reading"] == 0


def test_maintenance_is_repeatable_and_reports_progress(store, maintenance_conn, registry):
    conn, plain = store
    _fill(conn, plain, _telemetry(days=2, end=NOW - dt.timedelta(days=9), step=30), registry)
    steps = []
    report = maintenance.run(maintenance_conn, SETTINGS, NOW, lambda *a: steps.append(a))
    assert report.compressed == (0 if plain else 3)
    assert ("refresh", 4, 4) in steps and ("retention", 1, 1) in steps
    again = maintenance.run(maintenance_conn, SETTINGS, NOW)
    assert again.compressed == 0
    if plain:
        assert set(again.refreshed.values()) == {0}
    marks = aggregates.watermarks(conn.cursor(), not plain)
    assert marks["reading_15m"] == NOW and marks["reading_1d"] == dt.datetime(
        2024, 3, 10, tzinfo=UTC
    )


def _run_job(cur, job):
    """CALL TimescaleDB's own job (autocommit). On PostgreSQL 15.20 its compression job
    now and then fails to convert a chunk, as its background runs do: one retry."""
    try:
        cur.execute("CALL run_job(%s)", [job])
    except psycopg2.errors.DataException:
        cur.execute("CALL run_job(%s)", [job])


def test_maintenance_and_timescaledb_jobs_agree_whichever_runs_first(scratch_dsn, registry):
    conn = db.connect(scratch_dsn)
    with conn.cursor() as cur:
        if not db.extension_available(cur, "timescaledb"):
            pytest.skip("the PostgreSQL server does not offer timescaledb")
    storage.ensure_storage(conn, storage.StorageSettings(), False)
    conn.commit()
    now = dt.datetime.now(UTC)
    _fill(
        conn, False, _telemetry(days=3, end=now - dt.timedelta(days=8), step=30), registry, now=now
    )
    auto = db.connect(scratch_dsn, autocommit=True)
    try:
        with auto.cursor() as cur:
            # the jobs run when this test calls them, not when the background scheduler does
            cur.execute(
                """SELECT alter_job(job_id, scheduled => false) FROM timescaledb_information.jobs
                    WHERE job_id >= 1000"""
            )
            cur.execute(
                """SELECT job_id FROM timescaledb_information.jobs WHERE hypertable_name = 'reading'
                    AND proc_name = 'policy_compression'"""
            )
            job = cur.fetchone()[0]
            _run_job(cur, job)  # TimescaleDB's job first
        assert maintenance.run(auto, storage.StorageSettings(), now).compressed == 0
        _fill(
            conn,
            False,
            _telemetry(days=1, end=now - dt.timedelta(days=12), step=30),
            registry,
            now=now,
        )
        assert maintenance.run(auto, storage.StorageSettings(), now).compressed >= 1  # cron first
        with auto.cursor() as cur:
            _run_job(cur, job)
            cur.execute(
                "SELECT count(*) FROM timescaledb_information.chunks "
                "WHERE hypertable_name = 'reading' AND NOT is_compressed"
            )
            assert cur.fetchone()[0] == 0
    finally:
        auto.close()
        conn.close()


def _hold_refresh_window(dsn, seconds):
    """Register a live refresh over every window of reading_15m, as TimescaleDB's policy job
    does while it runs, and withdraw it after ``seconds`` (None: keep it)."""
    other = db.connect(dsn, autocommit=True)
    with other.cursor() as cur:
        cur.execute(
            """INSERT INTO _timescaledb_catalog.continuous_aggs_jobs_refresh_ranges
                      (materialization_id, start_range, end_range, pid, job_id, created_at)
               SELECT mat_hypertable_id, -(2::bigint ^ 62)::bigint, (2::bigint ^ 62)::bigint,
                      pg_backend_pid(), 0, now()
                 FROM _timescaledb_catalog.continuous_agg WHERE user_view_name = 'reading_15m'"""
        )

    def withdraw():
        time.sleep(seconds)
        with other.cursor() as cur:
            cur.execute("DELETE FROM _timescaledb_catalog.continuous_aggs_jobs_refresh_ranges")
        other.close()

    if seconds is not None:
        threading.Thread(target=withdraw).start()
    return other


def test_refresh_waits_for_a_concurrent_timescaledb_refresh(store, maintenance_conn, registry):
    conn, plain = store
    if plain:
        pytest.skip("concurrent refresh windows are TimescaleDB's")
    _fill(conn, plain, _telemetry(days=1), registry)
    dsn = conn.dsn
    _hold_refresh_window(dsn, 1.5)
    started = time.monotonic()
    aggregates.refresh(maintenance_conn, True, NOW)
    assert time.monotonic() - started >= 1.5
    raw = _raw(conn, "device_id = 2 AND metric = 'temperature'")
    _, points = query.series(
        conn.cursor(),
        NOW - dt.timedelta(days=2),
        NOW,
        "temperature",
        device_id=2,
        resolution="15m",
    )
    _same_points(points, _expected(raw, dt.timedelta(minutes=15), NOW))


def test_refresh_gives_up_on_a_window_that_stays_busy(
    store, maintenance_conn, registry, monkeypatch
):
    conn, plain = store
    if plain:
        pytest.skip("concurrent refresh windows are TimescaleDB's")
    _fill(conn, plain, _telemetry(days=1), registry)
    monkeypatch.setattr(aggregates, "BUSY_WAITS", (0.1, 0.1))
    other = _hold_refresh_window(conn.dsn, None)
    try:
        with pytest.raises(psycopg2.errors.LockNotAvailable, match="concurrent refresh"):
            aggregates.refresh(maintenance_conn, True, NOW)
    finally:
        other.close()


def test_latest_status_and_automatic_resolution(store, registry):
    conn, plain = store
    _fill(conn, plain, _telemetry(days=1, step=10), registry)
    with conn.cursor() as cur:
        newest = query.latest(cur, [1, 2, 3])
        assert set(newest) == {1, 2}
        assert newest[2][1] == "temperature"
        # bounded by a time before each newest reading: the same answer
        margin = {d: newest[d][0] - dt.timedelta(hours=1) for d in newest}
        assert query.latest(cur, [1, 2, 3], since=margin) == newest
        # a bound after a device's newest reading finds nothing for it
        late = {1: newest[1][0] + dt.timedelta(seconds=1)}
        assert set(query.latest(cur, [1, 2], since=late)) == {2}
        status = query.device_status(cur, [1, 3], NOW)
    assert status[0][2] == "offline" and status[1] == (3, None, "offline")
    assert (
        query.device_status(conn.cursor(), [1], newest[1][0] + dt.timedelta(minutes=2))[0][2]
        == "online"
    )
    pick = query.choose_resolution
    assert pick(NOW - dt.timedelta(hours=24), NOW, NOW) == "raw"
    assert pick(NOW - dt.timedelta(days=7), NOW, NOW) == "15m"
    assert pick(NOW - dt.timedelta(days=30), NOW, NOW) == "1h"
    assert pick(NOW - dt.timedelta(days=365), NOW, NOW) == "1d"
    # a short range older than the raw retention is served from an aggregate
    old = NOW - dt.timedelta(days=100)
    assert pick(old, old + dt.timedelta(hours=1), NOW) == "15m"


def test_export_streams_csv_and_json_in_pages(store, registry):
    conn, plain = store
    _fill(conn, plain, _telemetry(days=1, step=5), registry)
    raw = _raw(conn, "device_id = 2 AND metric = 'temperature'")
    args = (conn, NOW - dt.timedelta(days=2), NOW, "temperature", "raw")
    chunks = list(export.export(*args, fmt="csv", device_id=2, page=100))
    assert len(chunks) > 2
    lines = list(csv.reader(io.StringIO("".join(chunks))))
    assert lines[0] == list(export.HEADER) and len(lines) == len(raw) + 1
    assert float(lines[1][2]) == raw[0][3]
    items = json.loads("".join(export.export(*args, fmt="json", device_id=2, page=100)))
    assert len(items) == len(raw) and items[-1]["avg"] == raw[-1][3]
    assert json.loads("".join(export.export(*args, fmt="json", device_id=99))) == []
    conn.rollback()


def test_storage_and_ingestion_stats(store, maintenance_conn, registry):
    conn, plain = store
    _fill(conn, plain, _telemetry(days=2, end=NOW - dt.timedelta(days=8), step=15), registry)
    _fill(conn, plain, [*_telemetry(days=1, step=15), {"device": "nope"}], registry)
    maintenance.run(maintenance_conn, SETTINGS, NOW)
    with conn.cursor() as cur:
        figures = stats.storage_stats(cur, NOW)
        intake_figures = stats.ingestion_stats(cur, NOW)
    reading = figures["relations"]["reading"]
    assert figures["backend"] == ("plain" if plain else "timescaledb")
    assert reading["chunks"] == 5 and reading["bytes"] > 0
    if plain:
        assert reading["compression_ratio"] is None
    else:
        assert reading["compressed_chunks"] == 3 and reading["compression_ratio"] > 1
    assert figures["aggregate_lag"]["reading_15m"] == dt.timedelta(0)
    assert figures["aggregate_lag"]["reading_1d"] == dt.timedelta(hours=12)
    assert intake_figures["readings_last_hour"] == 0  # the telemetry ends an hour ago
    assert intake_figures["readings_last_day"] == len(
        _raw(conn, "time >= %s", [NOW - dt.timedelta(days=1)])
    )
    assert intake_figures["rejected_last_day"] == 1 and 0 < intake_figures["rejected_share"] < 0.01
    assert intake_figures["active_devices"] == 0
    # a company sees its readings and the rejections its own devices sent
    with conn.cursor() as cur:
        tank = registry.devices["tank-1"]
        intake.readings(cur, [{"metric": "temperature"}], registry, NOW, plain, sender=tank)
        other = stats.ingestion_stats(cur, NOW, company_ids=[999], senders=["barn-20"])
        own = stats.ingestion_stats(cur, NOW, company_ids=[1], senders=["tank-1"])
    conn.rollback()
    assert (other["readings_last_day"], other["rejected_last_day"]) == (0, 0)
    assert own["readings_last_day"] == intake_figures["readings_last_day"]
    assert own["rejected_last_day"] == 1  # the anonymous rows are nobody's


def test_rows_bulk_loaded_by_the_scale_generator_reach_the_rollups(store, scratch_dsn):
    conn, plain = store
    plan = sensors.SensorPlan(
        seed=3,
        readings=20_000,
        start=np.datetime64("2024-03-01"),
        end=np.datetime64("2024-03-03"),
        farm_companies=np.array([1, 1]),
        animal_companies=np.ones(10, dtype=np.int64),
        farm_capacity=np.array([5000.0, 5000.0]),
        farm_ids=np.array([10, 20]),
        animal_ids=np.arange(100, 110),
        animal_farms=np.arange(10) % 2,
    )
    with open("/dev/null", "w") as out:
        sensors.load(lambda: db.connect(scratch_dsn), plan, bulk.LoadReport(out=out), plain=plain)
    auto = db.connect(scratch_dsn, autocommit=True)
    try:
        aggregates.refresh(auto, not plain, NOW)
    finally:
        auto.close()
    raw = _raw(conn, "farm_id = 10 AND metric = 'activity'")
    assert len(raw) > 1000
    _, points = query.series(
        conn.cursor(), NOW - dt.timedelta(days=20), NOW, "activity", farm_id=10, resolution="1h"
    )
    _same_points(points, _expected(raw, dt.timedelta(hours=1), NOW))


def test_a_request_may_not_ask_for_more_than_its_resolution_serves():
    check = query.check_span
    day = dt.timedelta(days=1)
    check(NOW - 7 * day, NOW, "raw")
    check(NOW - 3000 * day, NOW, "auto")
    with pytest.raises(ValueError, match="longer than the 7 days"):
        check(NOW - 8 * day, NOW, "raw")
    with pytest.raises(ValueError, match="coarser resolution"):
        check(NOW - 101 * day, NOW, "15m")
    with pytest.raises(ValueError, match="at or after its end"):
        check(NOW, NOW, "1h")
    with pytest.raises(ValueError, match="unknown resolution 'minute'"):
        check(NOW - day, NOW, "minute")


def _index_definitions(conn):
    with conn.cursor() as cur:
        cur.execute(
            "SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = %s AND tablename = %s",
            [timeseries.SCHEMA, timeseries.TABLE],
        )
        return dict(cur.fetchall())


def test_the_unique_index_carries_what_a_raw_range_reads(store):
    """A device's raw day is read from the unique index alone (value and valid ride in
    it), and a store made before keeps one unique index: the old one is replaced."""
    conn, plain = store
    indexes = _index_definitions(conn)
    cover = indexes["reading_device_id_metric_time_cover_key"]
    assert "UNIQUE" in cover and "INCLUDE (value, valid)" in cover
    assert "reading_device_id_metric_time_key" not in indexes
    with conn.cursor() as cur:  # as versions before this one made it
        cur.execute("DROP INDEX smart_dairy_ts.reading_device_id_metric_time_cover_key")
        cur.execute(
            "CREATE UNIQUE INDEX reading_device_id_metric_time_key "
            "ON smart_dairy_ts.reading (device_id, metric, time)"
        )
    timeseries.ensure_readings_schema(conn, plain)
    conn.commit()
    indexes = _index_definitions(conn)
    assert "reading_device_id_metric_time_key" not in indexes
    assert "INCLUDE (value, valid)" in indexes["reading_device_id_metric_time_cover_key"]
