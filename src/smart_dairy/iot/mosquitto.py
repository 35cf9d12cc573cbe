"""Mosquitto password file and ACL from the device registry.

Each device (or farm gateway) may publish only to ``dairy/<farm>/<device>/readings``
and ``.../milkings``; the subscriber's own user may read them all. A device's
MQTT password is its token: the addon stores :func:`password_hash` of it at
creation (never the token), and :func:`password_file` writes those hashes.
"""

import base64
import dataclasses
import hashlib
import os

ITERATIONS = 101  # mosquitto_passwd's own default for $7$ (PBKDF2-SHA512)
KINDS = ("readings", "milkings")


@dataclasses.dataclass(frozen=True)
class BrokerAccount:
    username: str  # the device identifier
    farm: str  # the farm's code in topics
    password_hash: str  # from password_hash()


def password_hash(token, salt=None, iterations=ITERATIONS):
    """Mosquitto's ``$7$`` hash of a password."""
    salt = salt or os.urandom(12)
    digest = hashlib.pbkdf2_hmac("sha512", token.encode(), salt, iterations)
    encoded_salt = base64.b64encode(salt).decode()
    return f"$7${iterations}${encoded_salt}${base64.b64encode(digest).decode()}"


def _check_name(value, what):
    if not value or any(c in value for c in "/+#:\n\r\t ") or value.startswith("$"):
        raise ValueError(f"{what} {value!r} cannot be used in an MQTT topic or password file")


def topics(account):
    return [f"dairy/{account.farm}/{account.username}/{kind}" for kind in KINDS]


def password_file(accounts, subscriber=None):
    """The password file text; ``subscriber`` is (username, password_hash) of the ingester."""
    lines = []
    for account in accounts:
        _check_name(account.username, "device identifier")
        lines.append(f"{account.username}:{account.password_hash}")
    if subscriber:
        lines.append(f"{subscriber[0]}:{subscriber[1]}")
    return "\n".join(lines) + "\n"


def acl_file(accounts, subscriber_user=None, topic="dairy/#"):
    """The ACL text: each device writes only its own topics; the subscriber reads all."""
    blocks = []
    for account in accounts:
        _check_name(account.username, "device identifier")
        _check_name(account.farm, "farm code")
        lines = [f"user {account.username}"] + [f"topic write {t}" for t in topics(account)]
        blocks.append("\n".join(lines))
    if subscriber_user:
        blocks.append(f"user {subscriber_user}\ntopic read {topic}\ntopic read $share/#")
    return "\n\n".join(blocks) + "\n"
