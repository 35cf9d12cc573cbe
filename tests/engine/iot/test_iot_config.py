"""Subscriber settings from odoo.conf, the registry snapshot, and the findings queue."""

import datetime as dt
import pathlib

import pytest
from psycopg2.extensions import parse_dsn
from smart_dairy.iot import config, devices, events, intake, mosquitto, registry_store

ROOT = pathlib.Path(__file__).resolve().parents[3]
UTC = dt.timezone.utc
NOW = dt.datetime(2026, 3, 10, 12, tzinfo=UTC)


def test_the_repositorys_odoo_conf_configures_the_subscriber():
    settings = config.from_odoo_conf(ROOT / "odoo.conf")
    assert (settings.host, settings.port, settings.username) == ("mosquitto", 1883, None)
    assert settings.topic == "dairy/+/+/+" and settings.subscription == "dairy/+/+/+"
    assert parse_dsn(settings.dsn) == {
        "host": "timescaledb",
        "port": "5432",
        "user": "odoo",
        "password": "odoo",
        "dbname": "smart_dairy",
    }


def test_odoo_conf_keys_and_overrides(tmp_path):
    conf = tmp_path / "odoo.conf"
    conf.write_text(
        "[options]\nsmart_dairy_mqtt_url = mqtt://ingest:p%40ss@broker:1884\n"
        "smart_dairy_timescale_dsn = host=ts dbname=sensors\nsmart_dairy_mqtt_group = g1\n"
    )
    settings = config.from_odoo_conf(conf, client_id="ingest-7", batch_rows=None)
    assert (settings.host, settings.port, settings.username, settings.password) == (
        "broker",
        1884,
        "ingest",
        "p@ss",
    )
    assert settings.dsn == "host=ts dbname=sensors" and settings.client_id == "ingest-7"
    assert settings.subscription == "$share/g1/dairy/+/+/+"
    conf.write_text("[options]\nsmart_dairy_mqtt_url =\n")
    with pytest.raises(ValueError, match="MQTT intake is off"):
        config.from_odoo_conf(conf)
    with pytest.raises(ValueError, match="unsupported broker URL"):
        config.broker("http://x")


def test_acl_gives_each_device_its_own_topics_only():
    accounts = [mosquitto.BrokerAccount("collar-1", "F10", mosquitto.password_hash("t"))]
    acl = mosquitto.acl_file(accounts, "ingest")
    assert acl == (
        "user collar-1\ntopic write dairy/F10/collar-1/readings\n"
        "topic write dairy/F10/collar-1/milkings\n\n"
        "user ingest\ntopic read dairy/#\ntopic read $share/#\n"
    )
    assert mosquitto.password_file(accounts).startswith("collar-1:$7$101$")
    with pytest.raises(ValueError, match="cannot be used"):
        mosquitto.acl_file([mosquitto.BrokerAccount("a/#", "F10", "x")])


def test_registry_snapshot_round_trips(store, registry):
    conn, _plain = store
    fleet = list(registry.devices.values())
    with conn.cursor() as cur:
        registry_store.sync(cur, fleet, [(100, "COW-100", 10), (200, "COW-200", 20)])
        loaded = registry_store.load(cur)
    assert loaded.devices == registry.devices
    assert loaded.animals == {"COW-100": 100, "COW-200": 200}
    assert loaded.animal_farms == {100: 10, 200: 20}


def test_findings_and_devices_seen_are_queued_for_the_addon(store, registry):
    conn, plain = store
    rows = [
        {"device": "tank-1", "metric": "temperature", "value": 4.0, "time": "2026-03-10T11:00Z"},
        {"device": "tank-1", "metric": "temperature", "value": 30.0, "time": "2026-03-10T11:01Z",
         "battery": 12},
    ]  # fmt: skip
    with conn.cursor() as cur:
        result = intake.readings(cur, rows, registry, NOW, plain)
        events.record(cur, result, NOW)
        events.record(cur, result, NOW)
        cur.execute("SELECT device_id, last_time, battery FROM smart_dairy_ts.device_seen")
        assert cur.fetchall() == [(2, dt.datetime(2026, 3, 10, 11, 1, tzinfo=UTC), 12.0)]
        taken = events.take_findings(cur)
        assert [(d, c, cleared) for d, c, _t, _v, _l, _m, cleared in taken] == [
            (2, "rate:temperature", False),
            (2, "battery", False),
        ] * 2
        assert events.take_findings(cur) == []
    assert devices.status(dt.datetime(2026, 3, 10, 11, 1, tzinfo=UTC), NOW) == "degraded"
