"""The MQTT subscriber against a real mosquitto broker, a real publisher and PostgreSQL.

Each test starts its own broker on a free loopback port (with persistence, so a
restart keeps the subscriber's session) and the subscriber as a separate
process (``python -m smart_dairy.iot.cli``), then counts the rows stored:
nothing lost, nothing duplicated.
"""

import datetime as dt
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time

import paho.mqtt.client as mqtt
import pytest
from paho.mqtt.enums import CallbackAPIVersion
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties
from smart_dairy import db
from smart_dairy.iot import devices, mosquitto, registry_store, storage

MOSQUITTO = shutil.which("mosquitto") or (
    "/usr/sbin/mosquitto" if os.path.exists("/usr/sbin/mosquitto") else None
)
pytestmark = pytest.mark.skipif(not MOSQUITTO, reason="mosquitto is not installed")
UTC = dt.timezone.utc
FARM = "F10"
DEVICES = [
    devices.Device(1, "collar-1", "collar", farm_id=10, company_id=1),
    devices.Device(2, "collar-2", "collar", farm_id=10, company_id=1),
]


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Broker:
    def __init__(self, folder, extra=""):
        self.folder = folder
        self.port = _free_port()
        self.conf = folder / "mosquitto.conf"
        user = "user root\n" if os.geteuid() == 0 else ""
        self.conf.write_text(
            f"listener {self.port} 127.0.0.1\npersistence true\n"
            f"persistence_location {folder}/\nautosave_interval 1\n{user}{extra}"
            + ("" if "password_file" in extra else "allow_anonymous true\n")
        )
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            [MOSQUITTO, "-c", str(self.conf)],
            stdout=subprocess.DEVNULL,
            stderr=open(self.folder / "broker.log", "a"),  # noqa: SIM115
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("mosquitto did not start")

    def stop(self):
        self.process.terminate()
        self.process.wait(10)


@pytest.fixture
def broker(tmp_path):
    b = Broker(tmp_path)
    b.start()
    yield b
    if b.process.poll() is None:
        b.stop()


@pytest.fixture
def mqtt_store(scratch_dsn):
    conn = db.connect(scratch_dsn)
    storage.ensure_storage(conn, storage.StorageSettings(background_jobs=False))
    with conn.cursor() as cur:
        registry_store.sync(cur, DEVICES, [])
    conn.commit()
    yield scratch_dsn, conn
    conn.close()


def _subscriber(
    tmp_path, dsn, port, client_id="ingest-1", batch_rows=500, delay=0.3, auth="", group=None
):
    conf = tmp_path / f"odoo-{client_id}.conf"
    conf.write_text(
        "[options]\n"
        f"smart_dairy_mqtt_url = mqtt://{auth}127.0.0.1:{port}\n"
        "smart_dairy_mqtt_topic = dairy/+/+/+\n"
        + (f"smart_dairy_mqtt_group = {group}\n" if group else "")
        + f"smart_dairy_timescale_dsn = {dsn}\n"
    )
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "smart_dairy.iot.cli",
            "-c",
            str(conf),
            "--client-id",
            client_id,
            "--batch-rows",
            str(batch_rows),
            "--batch-delay",
            str(delay),
            "--log-level",
            "INFO",
        ],
        stderr=open(tmp_path / f"{client_id}.log", "a"),
    )


def _subscribed(tmp_path, client_id, times=1, timeout=30):
    """Wait until the subscriber's log says it subscribed (``times`` times in all)."""
    log = tmp_path / f"{client_id}.log"
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if log.exists() and log.read_text().count("subscribed to") >= times:
            return
        time.sleep(0.05)
    raise TimeoutError(f"{client_id} did not subscribe: {log.read_text()}")


def _start_subscriber(tmp_path, dsn, port, client_id="ingest-1", **options):
    log = tmp_path / f"{client_id}.log"
    before = log.read_text().count("subscribed to") if log.exists() else 0
    process = _subscriber(tmp_path, dsn, port, client_id, **options)
    _subscribed(tmp_path, client_id, before + 1)
    return process


class Publisher:
    """A QoS 1 publisher that waits for each PUBACK and sends again after a broker outage."""

    def __init__(self, port, client_id="publisher", auth=None):
        self.client = mqtt.Client(
            CallbackAPIVersion.VERSION2, client_id=client_id, protocol=mqtt.MQTTv5
        )
        if auth:
            self.client.username_pw_set(*auth)
        self.client.reconnect_delay_set(0.2, 1)
        properties = Properties(PacketTypes.CONNECT)
        properties.SessionExpiryInterval = 3600
        self.client.connect_async("127.0.0.1", port, clean_start=False, properties=properties)
        self.client.loop_start()

    def send(self, topic, payload, timeout=60):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            while not self.client.is_connected() and time.monotonic() < deadline:
                time.sleep(0.05)
            info = self.client.publish(topic, json.dumps(payload), qos=1)
            wait = time.monotonic() + 3
            while time.monotonic() < wait:
                if info.is_published():
                    return info
                time.sleep(0.005)
        raise TimeoutError(f"could not publish to {topic}")

    def close(self):
        self.client.disconnect()
        self.client.loop_stop()


def _messages(count, size, start):
    """``count`` messages of ``size`` distinct readings, alternating the two collars."""
    for m in range(count):
        device = DEVICES[m % 2].identifier
        rows = [
            {
                "metric": "activity",
                "value": float((m * size + i) % 900),
                "time": (start + dt.timedelta(seconds=m * size + i)).isoformat(),
            }
            for i in range(size)
        ]
        yield f"dairy/{FARM}/{device}/readings", rows


def _counts(conn):
    with conn.cursor() as cur:
        cur.execute(
            "SELECT count(*), count(DISTINCT (device_id, metric, time)) FROM smart_dairy_ts.reading"
        )
        result = cur.fetchone()
    conn.commit()
    return result


def _wait_for(conn, expected, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if _counts(conn)[0] >= expected:
            break
        time.sleep(0.2)
    time.sleep(0.5)  # anything extra (a duplicate) would show now
    return _counts(conn)


def _stop(process):
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        process.wait(20)


def test_broker_restart_loses_and_duplicates_nothing(tmp_path, broker, mqtt_store):
    dsn, conn = mqtt_store
    sub = _start_subscriber(tmp_path, dsn, broker.port)
    publisher = Publisher(broker.port)
    start = dt.datetime.now(UTC) - dt.timedelta(hours=2)
    try:
        for number, (topic, rows) in enumerate(_messages(40, 50, start)):
            if number == 20:
                broker.stop()
                broker.start()
            publisher.send(topic, rows)
        assert _wait_for(conn, 2000) == (2000, 2000)
    finally:
        publisher.close()
        _stop(sub)


def test_subscriber_killed_mid_batch_loses_and_duplicates_nothing(tmp_path, broker, mqtt_store):
    dsn, conn = mqtt_store
    # a long batch window: the kill lands while messages are received but not committed
    sub = _start_subscriber(tmp_path, dsn, broker.port, batch_rows=100_000, delay=1.5)
    publisher = Publisher(broker.port)
    start = dt.datetime.now(UTC) - dt.timedelta(hours=2)
    try:
        messages = list(_messages(60, 50, start))
        for topic, rows in messages[:30]:
            publisher.send(topic, rows)
        sub.send_signal(signal.SIGKILL)
        sub.wait(10)
        killed_at = _counts(conn)[0]
        for topic, rows in messages[30:]:
            publisher.send(topic, rows)
        sub = _start_subscriber(tmp_path, dsn, broker.port)
        assert _wait_for(conn, 3000) == (3000, 3000)
        assert killed_at < 1500  # received but uncommitted messages were redelivered
    finally:
        publisher.close()
        _stop(sub)


def test_database_unavailable_for_seconds_loses_and_duplicates_nothing(
    tmp_path, broker, mqtt_store, admin_conn
):
    dsn, conn = mqtt_store
    name = conn.get_dsn_parameters()["dbname"]
    sub = _start_subscriber(tmp_path, dsn, broker.port)
    publisher = Publisher(broker.port)
    start = dt.datetime.now(UTC) - dt.timedelta(hours=2)
    messages = list(_messages(40, 50, start))
    try:
        for topic, rows in messages[:10]:
            publisher.send(topic, rows)
        with admin_conn.cursor() as cur:
            cur.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS false')
            cur.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = %s AND application_name = 'smart-dairy-mqtt'",
                [name],
            )
        for topic, rows in messages[10:30]:
            publisher.send(topic, rows)
        time.sleep(3)
        with admin_conn.cursor() as cur:
            cur.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
        for topic, rows in messages[30:]:
            publisher.send(topic, rows)
        assert _wait_for(conn, 2000) == (2000, 2000)
        assert "database unavailable" in (tmp_path / "ingest-1.log").read_text()
    finally:
        with admin_conn.cursor() as cur:
            cur.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS true')
        publisher.close()
        _stop(sub)


def test_shared_subscription_splits_messages_between_subscribers(tmp_path, broker, mqtt_store):
    dsn, conn = mqtt_store
    subs = [
        _subscriber(tmp_path, dsn, broker.port, client_id, delay=0.1, group="ingest")
        for client_id in ("ingest-a", "ingest-b")
    ]
    for client_id in ("ingest-a", "ingest-b"):
        _subscribed(tmp_path, client_id)
    publisher = Publisher(broker.port)
    try:
        for topic, rows in _messages(40, 10, dt.datetime.now(UTC) - dt.timedelta(hours=1)):
            publisher.send(topic, rows)
        assert _wait_for(conn, 400) == (400, 400)
    finally:
        publisher.close()
        for sub in subs:
            _stop(sub)


def test_a_device_cannot_publish_under_another_devices_topic(tmp_path, mqtt_store):
    dsn, conn = mqtt_store
    accounts = [
        mosquitto.BrokerAccount("collar-1", FARM, mosquitto.password_hash("token-1")),
        mosquitto.BrokerAccount("collar-2", FARM, mosquitto.password_hash("token-2")),
    ]
    (tmp_path / "passwd").write_text(
        mosquitto.password_file(accounts, ("ingest", mosquitto.password_hash("ingest-pw")))
    )
    (tmp_path / "acl").write_text(mosquitto.acl_file(accounts, "ingest"))
    b = Broker(
        tmp_path,
        f"allow_anonymous false\npassword_file {tmp_path}/passwd\nacl_file {tmp_path}/acl\n",
    )
    b.start()
    sub = _start_subscriber(tmp_path, dsn, b.port, auth="ingest:ingest-pw@")
    device = Publisher(b.port, "collar-1-pub", auth=("collar-1", "token-1"))
    now = dt.datetime.now(UTC) - dt.timedelta(minutes=5)
    reading = {"metric": "activity", "value": 10.0, "time": now.isoformat()}
    try:
        time.sleep(1.0)
        forged = device.client.publish(
            f"dairy/{FARM}/collar-2/readings", json.dumps({**reading, "device": "collar-2"}), qos=1
        )
        device.send(f"dairy/{FARM}/collar-1/readings", reading)
        forged.wait_for_publish(5)
        assert _wait_for(conn, 1, timeout=20) == (1, 1)
        with conn.cursor() as cur:
            cur.execute("SELECT device_id FROM smart_dairy_ts.reading")
            assert cur.fetchall() == [(1,)]
            cur.execute("SELECT count(*) FROM smart_dairy_ts.quarantine")
            assert cur.fetchone()[0] == 0  # the forged message never reached the subscriber
    finally:
        device.close()
        _stop(sub)
        b.stop()


def test_bad_messages_are_quarantined_and_good_ones_stored(tmp_path, broker, mqtt_store):
    dsn, conn = mqtt_store
    sub = _start_subscriber(tmp_path, dsn, broker.port)
    publisher = Publisher(broker.port)
    now = dt.datetime.now(UTC) - dt.timedelta(minutes=10)
    good = {"metric": "activity", "value": 10.0, "time": now.isoformat()}
    try:
        publisher.client.publish(f"dairy/{FARM}/collar-1/readings", b"{not json", qos=1)
        publisher.send(f"dairy/{FARM}/ghost/readings", good)
        publisher.send(f"dairy/{FARM}/collar-1/other", good)
        publisher.send(f"dairy/{FARM}/collar-1/readings", {**good, "metric": "act\u0000"})
        publisher.send(f"dairy/{FARM}/collar-1/readings", [good, {**good, "value": -1}])
        assert _wait_for(conn, 1, timeout=20) == (1, 1)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            with conn.cursor() as cur:
                cur.execute("SELECT reason FROM smart_dairy_ts.quarantine ORDER BY reason")
                reasons = [row[0] for row in cur.fetchall()]
            conn.commit()
            if len(reasons) >= 5:
                break
            time.sleep(0.2)
        assert len(reasons) == 5
        assert reasons[0].startswith("malformed JSON")
        assert reasons[1:] == [
            "metric must be a non-empty string",
            "unknown device 'ghost'",
            "unknown topic",
            "value -1 is outside 0..1000",
        ]
        assert sub.poll() is None
    finally:
        publisher.close()
        _stop(sub)
