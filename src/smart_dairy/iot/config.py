"""Settings of the MQTT subscriber, read from odoo.conf (section ``[options]``)."""

import configparser
import dataclasses
import urllib.parse

from psycopg2.extensions import make_dsn

DEFAULT_TOPIC = "dairy/+/+/+"


@dataclasses.dataclass(frozen=True)
class SubscriberSettings:
    """Where to read from and write to, and how to batch.

    ``group``: an MQTT 5 shared subscription group (``$share/<group>/<topic>``),
    so several subscriber processes split the messages between them.
    """

    dsn: str
    host: str = "localhost"
    port: int = 1883
    username: str | None = None
    password: str | None = None
    topic: str = DEFAULT_TOPIC
    group: str | None = None
    client_id: str = "smart-dairy-ingest"
    batch_rows: int = 5_000
    batch_delay: float = 0.2
    receive_maximum: int = 1_000
    session_expiry: int = 7 * 24 * 3600
    registry_refresh: float = 30.0

    @property
    def subscription(self):
        return f"$share/{self.group}/{self.topic}" if self.group else self.topic


def broker(url):
    """(host, port, username, password) of an ``mqtt://user:pass@host:port`` URL."""
    parsed = urllib.parse.urlsplit(url)
    if parsed.scheme not in ("mqtt", "tcp", ""):
        raise ValueError(f"unsupported broker URL scheme {parsed.scheme!r}: use mqtt://")
    return (
        parsed.hostname or "localhost",
        parsed.port or 1883,
        urllib.parse.unquote(parsed.username) if parsed.username else None,
        urllib.parse.unquote(parsed.password) if parsed.password else None,
    )


def from_odoo_conf(path, **overrides):
    """Subscriber settings from odoo.conf: ``smart_dairy_mqtt_url``, ``smart_dairy_mqtt_topic``,
    ``smart_dairy_mqtt_group``, and ``smart_dairy_timescale_dsn`` or Odoo's own db_* keys."""
    parser = configparser.ConfigParser(interpolation=None)
    if not parser.read(path):
        raise ValueError(f"cannot read {path}")
    options = parser["options"] if parser.has_section("options") else {}

    def get(key, default=None):
        value = options.get(key, "").strip()
        return value or default

    url = get("smart_dairy_mqtt_url")
    if not url:
        raise ValueError(f"{path}: smart_dairy_mqtt_url is empty (MQTT intake is off)")
    dsn = get("smart_dairy_timescale_dsn")
    if not dsn:
        params = {
            "host": get("db_host"),
            "port": get("db_port"),
            "user": get("db_user"),
            "password": get("db_password"),
            "dbname": get("db_name"),
        }
        if not params["dbname"] or "," in params["dbname"]:
            raise ValueError(f"{path}: set db_name (one database) or smart_dairy_timescale_dsn")
        dsn = make_dsn(**{k: v for k, v in params.items() if v and v != "False"})
    host, port, username, password = broker(url)
    values = {
        "dsn": dsn,
        "host": host,
        "port": port,
        "username": username,
        "password": password,
        "topic": get("smart_dairy_mqtt_topic", DEFAULT_TOPIC),
        "group": get("smart_dairy_mqtt_group"),
    }
    values.update({k: v for k, v in overrides.items() if v is not None})
    return SubscriberSettings(**values)
