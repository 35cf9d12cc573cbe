"""HTTP intake of sensor readings and milk-meter sessions, over the engine's intake.

Each request is one batch written in the request's transaction: the answer
counts accepted, duplicate and rejected rows; errors are JSON bodies with a
status, never an HTML page.
"""

import datetime as dt
import json
import logging

import psycopg2
from psycopg2 import errors as pg_errors
from smart_dairy import db
from smart_dairy.iot import events, intake, validation

from odoo import SUPERUSER_ID, fields, http
from odoo.http import request

from ..models.res_config_settings import get_setting

_logger = logging.getLogger(__name__)
RETRY_AFTER = 5  # seconds a client waits after a 503
# Errors meaning the database is unavailable or overloaded, not that the batch is bad.
UNAVAILABLE = (
    pg_errors.LockNotAvailable,
    pg_errors.QueryCanceled,
    pg_errors.TooManyConnections,
    pg_errors.AdminShutdown,
    pg_errors.CannotConnectNow,
    psycopg2.InterfaceError,
)


def _answer(status, body, headers=None):
    return request.make_json_response(body, headers=headers, status=status)


def _error(status, error, message, headers=None):
    return _answer(status, {"error": error, "message": message}, headers)


class SmartDairyIotIntake(http.Controller):
    @http.route(
        "/smart_dairy/iot/v1/readings",
        type="http",
        auth="none",
        csrf=False,
        readonly=False,
        save_session=False,
    )
    def readings(self):
        return self._take("reading")

    @http.route(
        "/smart_dairy/iot/v1/milkings",
        type="http",
        auth="none",
        csrf=False,
        readonly=False,
        save_session=False,
    )
    def milkings(self):
        return self._take("milking")

    def _take(self, kind):
        env = request.env(user=SUPERUSER_ID)
        if request.httprequest.method != "POST":
            return _error(
                405,
                "method_not_allowed",
                f"send the batch with POST, not {request.httprequest.method}",
                headers=[("Allow", "POST")],
            )
        content_type = request.httprequest.mimetype
        if content_type != "application/json":
            return _error(
                415,
                "unsupported_media_type",
                f"send the batch as application/json, not {content_type or 'no content type'}",
            )
        scheme, _space, token = request.httprequest.headers.get("Authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return _error(401, "unauthorized", "an Authorization: Bearer <device token> is needed")
        device = env["smart.dairy.iot.device"]._authenticate(token.strip())
        if not device:
            return _error(401, "unauthorized", "the device token is wrong")
        if device.token_state == "revoked":
            return _error(403, "forbidden", f"the token of device {device.identifier} is revoked")
        if not device.active:
            return _error(403, "forbidden", f"device {device.identifier} is inactive")
        try:
            payload = json.loads(request.httprequest.get_data(as_text=True))
        except ValueError as exc:
            return _error(400, "malformed_json", f"the body is not valid JSON: {exc}")
        if not isinstance(payload, (dict, list)):
            return _error(400, "malformed_json", "the body must be a JSON object or array")
        policy = env["smart.dairy.iot.device"]._intake_policy()
        try:
            result = self._store(env, kind, payload, device, policy)
        except validation.BatchTooLarge as exc:
            return _error(413, "batch_too_large", str(exc))
        except UNAVAILABLE as exc:
            env.cr.rollback()
            _logger.info("IoT intake of %s: database unavailable (%s)", device.identifier, exc)
            return _error(
                503,
                "unavailable",
                "the database is unavailable or overloaded; nothing was stored, send again",
                headers=[("Retry-After", str(RETRY_AFTER))],
            )
        return _answer(200, result.summary())

    def _store(self, env, kind, payload, sender_device, policy):
        cr = env.cr
        db.raw_cursor(cr).execute(
            "SET LOCAL lock_timeout = %s", [f"{get_setting(env, 'lock_timeout_ms')}ms"]
        )
        registry = env["smart.dairy.iot.device"]._intake_registry(sender_device.company_id.ids)
        sender = registry.devices[sender_device.identifier]
        plain = env["smart.dairy.iot.device"]._store_is_plain()
        now = fields.Datetime.now().replace(tzinfo=dt.timezone.utc)
        result = intake.take(
            cr, kind, [(sender, payload)], registry, now, plain, policy=policy, source="http"
        )
        events.record(cr, result, now, seen=False)  # findings, turned into alerts by a cron
        env["smart.dairy.iot.device"]._record_seen(result.seen)
        env.flush_all()
        return result
