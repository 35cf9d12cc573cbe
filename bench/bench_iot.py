"""Benchmark of the IoT engine: intake paths, MQTT, queries and compression.

Creates a scratch database and prints, in one run:

1. the raw COPY ceiling into ``smart_dairy_ts.reading`` against the validated path
   (JSON parse, validation, stream checks, COPY into staging, INSERT ... ON CONFLICT),
   each sustained for ``--seconds``, and their ratio;
2. MQTT intake through a real mosquitto (started here on a free port) and the
   ``smart-dairy-mqtt`` subscriber process: arrays of 100 readings published at QoS 1
   for ``--seconds``, rows/s stored and publish-to-queryable latency (p50, p95);
3. queries on ``--rows`` readings from the scale generator (latest reading per
   device, 24 h raw range of a device, 30-day hourly farm aggregate), then the
   compression ratio of that telemetry (TimescaleDB only).

    SMART_DAIRY_TEST_DSN="host=127.0.0.1 port=55432 user=odoo password=odoo dbname=postgres" \
        .venv/bin/python bench/bench_iot.py [--seconds 60] [--rows 5000000] [--keep]
"""

import argparse
import datetime as dt
import json
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid

import numpy as np
import paho.mqtt.client as mqtt
import psycopg2
from paho.mqtt.enums import CallbackAPIVersion
from psycopg2 import sql
from smart_dairy import db
from smart_dairy.iot import (
    aggregates,
    devices,
    intake,
    maintenance,
    query,
    registry_store,
    stats,
    storage,
    validation,
    writer,
)
from smart_dairy.scale import bulk, sensors

DSN = os.environ.get(
    "SMART_DAIRY_TEST_DSN", "host=127.0.0.1 port=55432 user=odoo password=odoo dbname=postgres"
)
UTC = dt.timezone.utc
BATCH = 5_000
DEVICES_PER_PHASE = 200
MQTT_MESSAGE_ROWS = 100


def _fleet(first_id, count, farm_id=1):
    return [
        devices.Device(first_id + i, f"dev-{first_id + i}", "collar", farm_id, 1)
        for i in range(count)
    ]


def _payloads(fleet, start, batch):
    """Endless batches of reading dicts: every device in turn, a second apart."""
    step = 0
    while True:
        rows = []
        for _ in range(batch // len(fleet)):
            when = (start + dt.timedelta(seconds=step)).isoformat()
            rows.extend(
                {
                    "device": d.identifier,
                    "metric": "activity",
                    "value": 100.0 + step % 50,
                    "time": when,
                }
                for d in fleet
            )
            step += 1
        yield rows


def raw_copy_ceiling(conn, plain, seconds, now):
    """COPY of ready tuples straight into the table; only the COPY and commit are timed."""
    fleet = _fleet(100_000, DEVICES_PER_PHASE)
    registry = devices.Registry.of(fleet)
    batches = _payloads(fleet, now - dt.timedelta(days=3), BATCH)
    rows, spent = 0, 0.0
    with conn.cursor() as cur:
        while spent < seconds:
            ready = validation.validate_readings(next(batches), registry, now).rows
            t0 = time.perf_counter()
            rows += writer.copy_raw(cur, ready, plain)
            conn.commit()
            spent += time.perf_counter() - t0
    return rows / spent


def staged_path(conn, plain, seconds, now):
    """The HTTP intake's engine work per request body: parse, validate, check, stage, insert,
    commit (timed); making the request bodies is not."""
    fleet = _fleet(200_000, DEVICES_PER_PHASE)
    registry = devices.Registry.of(fleet)
    batches = _payloads(fleet, now - dt.timedelta(days=3), BATCH)
    rows, spent = 0, 0.0
    with conn.cursor() as cur:
        while spent < seconds:
            body = json.dumps(next(batches)).encode()
            t0 = time.perf_counter()
            result = intake.readings(cur, json.loads(body), registry, now, plain)
            conn.commit()
            spent += time.perf_counter() - t0
            rows += result.accepted
    return rows / spent


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _Sampler:
    """Watches sampled readings appear in the table: latency and the stored frontier."""

    def __init__(self, dsn):
        self.samples, self.latencies, self.frontier = {}, [], 0
        self.lock = threading.Lock()
        self.stop = threading.Event()
        self.thread = threading.Thread(target=self._poll, args=(dsn,))
        self.thread.start()

    def add(self, key, position):
        with self.lock:
            self.samples[key] = (time.perf_counter(), position)

    def _poll(self, dsn):
        watch = db.connect(dsn, autocommit=True)
        with watch.cursor() as cur:
            while not self.stop.is_set():
                with self.lock:
                    pending = dict(self.samples)
                if pending:
                    cur.execute(
                        """SELECT device_id, time FROM smart_dairy_ts.reading
                            WHERE (device_id, metric, time) IN (SELECT * FROM
                                  unnest(%s::int[], %s::text[], %s::timestamptz[]))""",
                        [
                            [k[0] for k in pending],
                            ["activity"] * len(pending),
                            [k[1] for k in pending],
                        ],
                    )
                    seen = time.perf_counter()
                    with self.lock:
                        for key in cur.fetchall():
                            sent, position = self.samples.pop(key)
                            self.latencies.append(seen - sent)
                            self.frontier = max(self.frontier, position)
                time.sleep(0.02)
        watch.close()

    def close(self):
        self.stop.set()
        self.thread.join(30)


def _publish_phase(client, sampler, fleet, seconds, start, rate=None, backlog=20_000):
    """Publish arrays of readings for ``seconds``: paced at ``rate`` rows/s, or as fast as
    the subscriber stores them (at most ``backlog`` rows published but not yet stored)."""
    published, message, infos = 0, 0, []
    began = time.perf_counter()
    while time.perf_counter() - began < seconds:
        if rate is not None:
            ahead = published / rate - (time.perf_counter() - began)
            if ahead > 0:
                time.sleep(ahead)
        else:
            while published - sampler.frontier > backlog:
                time.sleep(0.005)
        device = fleet[message % len(fleet)]
        base = start + dt.timedelta(seconds=(message // len(fleet)) * MQTT_MESSAGE_ROWS)
        rows = [
            {
                "metric": "activity",
                "value": float(i % 90),
                "time": (base + dt.timedelta(seconds=i)).isoformat(),
            }
            for i in range(MQTT_MESSAGE_ROWS)
        ]
        infos.append(
            client.publish(f"dairy/F1/{device.identifier}/readings", json.dumps(rows), qos=1)
        )
        published += MQTT_MESSAGE_ROWS
        if message % 20 == 0:
            sampler.add((device.id, base), published)
        message += 1
        if len(infos) >= 200:
            for info in infos:
                info.wait_for_publish(30)
            infos.clear()
    for info in infos:
        info.wait_for_publish(30)
    return published, time.perf_counter() - began


def _count_from(conn, first_id):
    with conn.cursor() as cur:
        cur.execute("SELECT count(*) FROM smart_dairy_ts.reading WHERE device_id >= %s", [first_id])
        count = cur.fetchone()[0]
    conn.commit()
    return count


def mqtt_intake(dsn, conn, seconds, folder):
    """Sustained MQTT intake, then latency at half that rate, through a real broker."""
    mosquitto = shutil.which("mosquitto") or "/usr/sbin/mosquitto"
    port = _free_port()
    conf = os.path.join(folder, "mosquitto.conf")
    with open(conf, "w") as f:
        f.write(f"listener {port} 127.0.0.1\nallow_anonymous true\nmax_queued_messages 0\n")
        if os.geteuid() == 0:
            f.write("user root\n")
    broker = subprocess.Popen([mosquitto, "-c", conf], stderr=subprocess.DEVNULL)
    time.sleep(0.5)
    throughput_fleet, latency_fleet = _fleet(300_000, 50), _fleet(400_000, 50)
    with conn.cursor() as cur:
        registry_store.sync(cur, throughput_fleet + latency_fleet, [])
    conn.commit()
    odoo_conf = os.path.join(folder, "odoo.conf")
    with open(odoo_conf, "w") as f:
        f.write(f"[options]\nsmart_dairy_mqtt_url = mqtt://127.0.0.1:{port}\n")
        f.write(f"smart_dairy_timescale_dsn = {dsn}\n")
    log_name = os.path.join(folder, "subscriber.log")
    with open(log_name, "w") as log:
        subscriber = subprocess.Popen(
            [sys.executable, "-m", "smart_dairy.iot.cli", "-c", odoo_conf, "--client-id",
             "bench", "--batch-rows", "5000", "--batch-delay", "0.1", "--log-level", "INFO"],
            stderr=log,
        )  # fmt: skip
    while True:
        with open(log_name) as text:
            if "subscribed to" in text.read():
                break
        time.sleep(0.1)
    client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id="bench-pub", protocol=mqtt.MQTTv5)
    client.max_inflight_messages_set(1000)
    client.max_queued_messages_set(0)
    client.connect("127.0.0.1", port)
    client.loop_start()
    start = dt.datetime.now(UTC) - dt.timedelta(days=1)
    figures = {}
    try:
        sampler = _Sampler(dsn)
        published, spent = _publish_phase(client, sampler, throughput_fleet, seconds, start)
        deadline = time.perf_counter() + 120
        while _count_from(conn, 300_000) < published and time.perf_counter() < deadline:
            time.sleep(0.1)
        stored = _count_from(conn, 300_000)
        sampler.close()
        figures["throughput"] = (published, stored, stored / max(spent, 1e-9))
        rate = 0.5 * figures["throughput"][2]
        sampler = _Sampler(dsn)
        published, spent = _publish_phase(
            client, sampler, latency_fleet, seconds / 2, start, rate=rate
        )
        time.sleep(3)
        sampler.close()
        found = sorted(sampler.latencies)
        figures["latency"] = (
            rate,
            published,
            _count_from(conn, 400_000),
            statistics.median(found) if found else None,
            statistics.quantiles(found, n=20)[18] if len(found) >= 20 else None,
            len(found),
        )
    finally:
        client.disconnect()
        client.loop_stop()
        subscriber.terminate()
        subscriber.wait(30)
        broker.terminate()
        broker.wait(10)
    return figures


def _ms(seconds):
    """Seconds as whole milliseconds, or n/a (too few samples for the figure)."""
    return "n/a" if seconds is None else f"{seconds * 1000:,.0f} ms"


def _timed(function, repeat=20):
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        function()
        times.append((time.perf_counter() - t0) * 1000)
    return statistics.median(times)


def queries_and_compression(dsn, conn, rows, plain):
    """Load ``rows`` generated readings (5 farms, 200 collars, 14 days: a reading every
    minute or two per series, as sensors send); time the queries, then compress."""
    animals = 200
    farms = 5
    plan = sensors.SensorPlan(
        seed=42,
        readings=rows,
        start=np.datetime64("2024-02-01"),
        end=np.datetime64("2024-02-14"),
        farm_companies=np.ones(farms, dtype=np.int64),
        animal_companies=np.ones(animals, dtype=np.int64),
        farm_capacity=np.full(farms, 7000.0),
        first_device_id=1,
        farm_ids=np.arange(1, farms + 1),
        animal_ids=np.arange(1, animals + 1),
        animal_farms=np.arange(animals) % farms,
    )
    report = bulk.LoadReport(out=open(os.devnull, "w"))  # noqa: SIM115
    t0 = time.perf_counter()
    sensors.load(lambda: db.connect(dsn), plan, report, plain=plain)
    load_rate = rows / (time.perf_counter() - t0)
    auto = db.connect(dsn, autocommit=True)
    now = dt.datetime(2024, 3, 1, tzinfo=UTC)  # every chunk is older than 7 days
    settings = storage.StorageSettings(background_jobs=False)
    t0 = time.perf_counter()
    aggregates.refresh(auto, not plain, now, start=dt.datetime(2023, 12, 1, tzinfo=UTC))
    refresh_s = time.perf_counter() - t0
    with auto.cursor() as cur:
        cur.execute("ANALYZE smart_dairy_ts.reading")
    ids = list(range(1, 2 * farms + animals + 1))
    collar = 2 * farms + 17
    day = dt.datetime(2024, 2, 10, tzinfo=UTC)
    figures = {"rows": rows, "load_rate": load_rate, "refresh_s": refresh_s}

    def measure(label):
        with auto.cursor() as cur:
            figures[f"latest_{label}"] = _timed(lambda: query.latest(cur, ids[:100]))
            # bounded by each device's last-seen time less a day, as the addon asks
            seen = query.latest(cur, ids[:100])
            since = {d: item[0] - dt.timedelta(days=1) for d, item in seen.items()}
            figures[f"latest_seen_{label}"] = _timed(lambda: query.latest(cur, ids[:100], since))
            figures[f"raw24_{label}"] = _timed(
                lambda: query.series(
                    cur,
                    day,
                    day + dt.timedelta(days=1),
                    "activity",
                    device_id=collar,
                    resolution="raw",
                )
            )
            figures[f"farm30_{label}"] = _timed(
                lambda: query.series(
                    cur, day - dt.timedelta(days=30), day, "activity", farm_id=7, resolution="1h"
                )
            )

    measure("uncompressed")
    # what autovacuum does after such inserts: the visibility map lets a device's raw
    # range read the covering unique index alone
    with auto.cursor() as cur:
        cur.execute("VACUUM ANALYZE smart_dairy_ts.reading")
    measure("vacuumed")
    if not plain:
        t0 = time.perf_counter()
        figures["compressed_chunks"] = maintenance.compress(auto, settings, now)
        figures["compress_s"] = time.perf_counter() - t0
        measure("compressed")
        with auto.cursor() as cur:
            figures["ratio"] = stats.storage_stats(cur, now)["relations"]["reading"][
                "compression_ratio"
            ]
    auto.close()
    return figures


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--seconds", type=float, default=60)
    p.add_argument("--rows", type=int, default=5_000_000)
    p.add_argument("--plain", action="store_true", help="plain PostgreSQL even with TimescaleDB")
    p.add_argument("--keep", action="store_true")
    args = p.parse_args()
    admin = db.connect(DSN, autocommit=True)
    name = f"sd_bench_iot_{uuid.uuid4().hex[:8]}"
    with admin.cursor() as cur:
        cur.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    params = admin.get_dsn_parameters()
    password = psycopg2.extensions.parse_dsn(DSN).get("password")
    dsn = " ".join(f"{k}={params[k]}" for k in ("host", "port", "user")) + f" dbname={name}"
    dsn += f" password={password}" if password else ""
    try:
        conn = db.connect(dsn)
        backend = storage.ensure_storage(
            conn, storage.StorageSettings(background_jobs=False), plain=args.plain
        )
        conn.commit()
        plain = backend == "plain"
        now = dt.datetime.now(UTC)
        print(
            f"backend: {backend}; each intake phase sustained {args.seconds:.0f} s, "
            f"batches of {BATCH} readings"
        )
        ceiling = raw_copy_ceiling(conn, plain, args.seconds, now)
        print(f"raw COPY ceiling (validated tuples, no dedup):  {ceiling:12,.0f} readings/s")
        staged = staged_path(conn, plain, args.seconds, now)
        print(f"validated staging path (JSON, checks, dedup):   {staged:12,.0f} readings/s")
        print(f"ratio staged / ceiling:                         {staged / ceiling:12.2f}")
        with tempfile.TemporaryDirectory() as folder:
            m = mqtt_intake(dsn, conn, args.seconds, folder)
        published, stored, rate = m["throughput"]
        print(
            f"MQTT intake, arrays of {MQTT_MESSAGE_ROWS} at QoS 1 (published {published:,}, "
            f"stored {stored:,}): {rate:,.0f} readings/s"
        )
        pace, published, stored, p50, p95, samples = m["latency"]
        print(
            f"MQTT at {pace:,.0f} readings/s (published {published:,}, stored {stored:,}): "
            f"publish-to-queryable p50 {_ms(p50)}, p95 {_ms(p95)} ({samples} samples)"
        )
        conn.close()
        # a fresh database for the generated telemetry
        with admin.cursor() as cur:
            cur.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))
            cur.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        conn = db.connect(dsn)
        storage.ensure_storage(conn, storage.StorageSettings(background_jobs=False), plain)
        conn.commit()
        q = queries_and_compression(dsn, conn, args.rows, plain)
        conn.close()
        print(
            f"generated telemetry: {q['rows']:,} readings loaded at {q['load_rate']:,.0f}/s; "
            f"aggregates refreshed in {q['refresh_s']:.1f} s"
        )
        for label in ("uncompressed", "vacuumed", "compressed"):
            if f"latest_{label}" in q:
                print(
                    f"queries ({label}, median of 20): latest of 100 devices "
                    f"{q[f'latest_{label}']:.1f} ms (from last seen less a day "
                    f"{q[f'latest_seen_{label}']:.1f} ms), 24 h raw range of a device "
                    f"{q[f'raw24_{label}']:.1f} ms, 30-day hourly farm aggregate "
                    f"{q[f'farm30_{label}']:.1f} ms"
                )
        if "ratio" in q:
            print(
                f"compression: {q['compressed_chunks']} chunks in {q['compress_s']:.1f} s, "
                f"ratio {q['ratio']:.1f}:1"
            )
    finally:
        if not args.keep:
            with admin.cursor() as cur:
                cur.execute(
                    sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
                )
        admin.close()


if __name__ == "__main__":
    main()
