"""The MQTT subscriber: QoS 1 messages in, batched exactly-once writes, acks after commit.

Messages on ``dairy/<farm>/<device>/readings`` or ``.../milkings`` (one object
or a JSON array) are queued by paho's network thread; the main loop takes a
batch (``batch_rows`` rows, or whatever came within ``batch_delay`` seconds),
validates it with the HTTP intake's code, writes it in one transaction and
only then acknowledges its messages (paho manual ack). A crash before the
commit leaves the messages unacknowledged, so the broker sends them again
(persistent session); a crash after it makes the broker resend rows that are
already stored, which the unique indexes skip. A lost database is retried
with backoff, holding the batch.
"""

import contextlib
import datetime as dt
import json
import logging
import queue
import threading
import time

import paho.mqtt.client as mqtt
import psycopg2
from paho.mqtt.enums import CallbackAPIVersion
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties
from paho.mqtt.subscribeoptions import SubscribeOptions
from smart_dairy import db

from . import events, intake, quarantine, registry_store, storage, validation

_logger = logging.getLogger(__name__)
KINDS = {"readings": "reading", "milkings": "milking"}
UTC = dt.timezone.utc


class Subscriber:
    """One subscriber process; :meth:`run` blocks until :meth:`stop`."""

    def __init__(self, settings, policy=validation.DEFAULT_POLICY):
        self.settings = settings
        self.policy = policy
        self.messages = queue.Queue()
        self.stopping = threading.Event()
        self.generation = 0  # bumped on each connection: stale mids are never acked
        self.stored = 0
        self._conn = None
        self._plain = None
        self._registry = None
        self._registry_at = 0.0
        self.client = self._client()

    def _client(self):
        s = self.settings
        client = mqtt.Client(
            CallbackAPIVersion.VERSION2,
            client_id=s.client_id,
            protocol=mqtt.MQTTv5,
            manual_ack=True,
        )
        if s.username:
            client.username_pw_set(s.username, s.password)
        client.reconnect_delay_set(min_delay=1, max_delay=30)
        client.on_connect = self._on_connect
        client.on_disconnect = self._on_disconnect
        client.on_message = self._on_message
        client.on_subscribe = self._on_subscribe
        return client

    def _on_connect(self, client, _userdata, _flags, reason_code, _properties):
        if reason_code.is_failure:
            _logger.warning("broker refused the connection: %s", reason_code)
            return
        self.generation += 1
        client.subscribe(self.settings.subscription, options=SubscribeOptions(qos=1))

    def _on_subscribe(self, _client, _userdata, _mid, reason_codes, _properties):
        if any(code.is_failure for code in reason_codes):
            _logger.error(
                "subscription to %s refused: %s", self.settings.subscription, reason_codes
            )
            return
        _logger.info("subscribed to %s", self.settings.subscription)

    def _on_disconnect(self, _client, _userdata, _flags, reason_code, _properties):
        _logger.warning("disconnected from the broker (%s); reconnecting", reason_code)

    def _on_message(self, _client, _userdata, message):
        self.messages.put((self.generation, message))

    # database side

    def _cursor(self):
        if self._conn is None or self._conn.closed:
            self._conn = db.connect(self.settings.dsn, application_name="smart-dairy-mqtt")
            self._plain = storage.backend(self._conn) == "plain"
            self._conn.commit()
        return self._conn.cursor()

    def _drop_connection(self):
        if self._conn is not None:
            with contextlib.suppress(psycopg2.Error):
                self._conn.close()
        self._conn = None

    def _registry_now(self, cur, force=False):
        stale = time.monotonic() - self._registry_at > self.settings.registry_refresh
        if self._registry is None or stale or force:
            self._registry = registry_store.load(cur)
            self._registry_at = time.monotonic()
        return self._registry

    def _write(self, batch):
        """Write one batch in one transaction; return the rows stored."""
        now = dt.datetime.now(UTC)
        with self._cursor() as cur:
            registry = self._registry_now(cur)
            groups = {"reading": [], "milking": []}
            broken = []
            for _generation, message in batch:
                parts = message.topic.split("/")
                kind = KINDS.get(parts[-1]) if len(parts) == 4 else None
                sender = registry.devices.get(parts[2]) if kind else None
                if sender is None and kind and parts[2] not in registry.devices:
                    registry = self._registry_now(
                        cur, force=time.monotonic() - self._registry_at > 1
                    )
                    sender = registry.devices.get(parts[2])
                try:
                    rows = json.loads(message.payload)
                except ValueError as exc:
                    broken.append(
                        (kind or "reading", parts, message.payload, f"malformed JSON: {exc}")
                    )
                    continue
                if kind is None or sender is None:
                    reason = "unknown topic" if kind is None else f"unknown device {parts[2]!r}"
                    broken.append((kind or "reading", parts, rows, reason))
                    continue
                if isinstance(rows, list) and len(rows) > self.policy.max_batch:
                    reason = f"a batch of {len(rows)} rows is over the limit"
                    broken.append((kind, parts, rows, reason))
                    continue
                groups[kind].append((sender, rows))
            stored = 0
            for kind, messages in groups.items():
                if messages:
                    result = intake.take(
                        cur, kind, messages, registry, now, self._plain, self.policy, source="mqtt"
                    )
                    events.record(cur, result, now)
                    stored += result.accepted
            for kind, parts, payload, reason in broken:
                text = payload.decode(errors="replace") if isinstance(payload, bytes) else payload
                quarantine.store(
                    cur,
                    kind,
                    "mqtt",
                    parts[2] if len(parts) > 2 else None,
                    [validation.Rejection(0, reason, text)],
                    now,
                )
        self._conn.commit()
        return stored

    def _commit_batch(self, batch):
        """Write a batch, retrying while the database is away; then acknowledge it.

        A batch the database refuses for another reason is written message by
        message, and a message it still refuses is quarantined with the error,
        so one bad message never blocks the stream.
        """
        delay = 0.5
        while True:
            try:
                stored = self._write(batch)
                break
            except (psycopg2.OperationalError, psycopg2.InterfaceError) as exc:
                _logger.warning("database unavailable (%s); retrying in %.1f s", exc, delay)
                self._drop_connection()
                if self.stopping.wait(delay):
                    return False
                delay = min(delay * 2, 10.0)
            except psycopg2.Error as exc:
                self._conn.rollback()
                if len(batch) > 1:
                    return all(self._commit_batch([item]) for item in batch)
                _logger.error("message on %s refused by the database: %s", batch[0][1].topic, exc)
                stored = self._refuse(batch[0][1], exc)
                break
        for generation, message in batch:
            if message.qos and generation == self.generation:
                self.client.ack(message.mid, message.qos)
        self.stored += stored
        return True

    def _refuse(self, message, error):
        parts = message.topic.split("/")
        with self._cursor() as cur:
            quarantine.store(
                cur,
                KINDS.get(parts[-1], "reading"),
                "mqtt",
                parts[2] if len(parts) > 2 else None,
                [
                    validation.Rejection(
                        0,
                        f"refused by the database: {error}".strip(),
                        message.payload.decode(errors="replace"),
                    )
                ],
                dt.datetime.now(UTC),
            )
        self._conn.commit()
        return 0

    def _next_batch(self):
        batch, rows = [], 0
        deadline = None
        while rows < self.settings.batch_rows:
            timeout = 0.5 if deadline is None else deadline - time.monotonic()
            if timeout <= 0:
                break
            try:
                item = self.messages.get(timeout=timeout)
            except queue.Empty:
                if deadline is None:
                    return batch
                break
            if deadline is None:
                deadline = time.monotonic() + self.settings.batch_delay
            batch.append(item)
            rows += item[1].payload.count(b"{") or 1
        return batch

    def start(self):
        s = self.settings
        properties = Properties(PacketTypes.CONNECT)
        properties.SessionExpiryInterval = s.session_expiry
        properties.ReceiveMaximum = s.receive_maximum
        self.client.connect_async(
            s.host, s.port, keepalive=30, clean_start=False, properties=properties
        )
        self.client.loop_start()

    def run(self):
        """Take batches until :meth:`stop`; the current batch is finished first."""
        self.start()
        try:
            while not self.stopping.is_set():
                batch = self._next_batch()
                if batch and not self._commit_batch(batch):
                    break
        finally:
            self.client.disconnect()
            self.client.loop_stop()
            self._drop_connection()
            _logger.info("stopped after storing %d rows", self.stored)

    def stop(self):
        self.stopping.set()
