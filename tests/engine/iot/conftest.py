"""Fixtures of the IoT engine suites: a registry, and a store on each backend."""

import datetime as dt

import pytest
from smart_dairy import db, timeseries
from smart_dairy.iot import devices, storage

UTC = dt.timezone.utc
NOW = dt.datetime(2026, 3, 10, 12, 0, tzinfo=UTC)


def fleet():
    return [
        devices.Device(1, "collar-1", "collar", farm_id=10, company_id=1, animal_id=100),
        devices.Device(2, "tank-1", "temp_sensor", farm_id=10, company_id=1, zone="tank"),
        devices.Device(3, "meter-1", "milk_meter", farm_id=10, company_id=1),
        devices.Device(4, "gw-10", "gateway", farm_id=10, company_id=1),
        devices.Device(5, "barn-20", "humidity_sensor", farm_id=20, company_id=2),
        devices.Device(6, "old-1", "temp_sensor", farm_id=10, company_id=1, active=False),
        devices.Device(
            7,
            "custom-1",
            "other",
            farm_id=10,
            company_id=1,
            metrics={"ph": devices.MetricLimit("pH", 4.0, 9.0)},
        ),
    ]


@pytest.fixture
def registry():
    return devices.Registry.of(
        fleet(),
        animals={"COW-100": 100, "COW-101": 101, "COW-200": 200},
        animal_farms={100: 10, 101: 10, 200: 20},
    )


def timescaledb_or_skip(conn):
    with conn.cursor() as cur:
        if not db.extension_available(cur, timeseries.EXTENSION):
            pytest.skip("the PostgreSQL server does not offer the timescaledb extension")
    if not timeseries.timescaledb_enabled(conn):
        pytest.skip("the timescaledb extension cannot be created in this database")


@pytest.fixture(params=["plain", "timescaledb"])
def store(request, scratch_dsn):
    """(connection, plain) with the whole store created on one backend."""
    conn = db.connect(scratch_dsn)
    plain = request.param == "plain"
    if not plain:
        timescaledb_or_skip(conn)
        conn.commit()
    kind = storage.ensure_storage(conn, storage.StorageSettings(background_jobs=False), plain)
    conn.commit()
    assert kind == request.param
    yield conn, plain
    conn.close()


@pytest.fixture
def maintenance_conn(scratch_dsn, store):
    conn = db.connect(scratch_dsn, autocommit=True)
    yield conn
    conn.close()
