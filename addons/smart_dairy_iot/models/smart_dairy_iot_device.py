import binascii
import collections
import datetime as dt
import os

from smart_dairy import db, timeseries
from smart_dairy.iot import devices, mosquitto, query, registry_store, validation

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.fields import Domain

from odoo.addons.base.models.res_users import KEY_CRYPT_CONTEXT
from odoo.addons.smart_dairy_base.models.smart_dairy_access_mixin import FARM_MANAGER_GROUP

from .res_config_settings import get_setting

TOKEN_BYTES = 20
TOKEN_INDEX = 8  # leading characters of a token kept in clear to find its device
SEEN_STEP = dt.timedelta(seconds=30)  # last seen moves by at least this (see _record_seen)
LATEST_MARGIN = dt.timedelta(days=1)  # the newest reading is searched from last seen less this
DEVICE_TYPES = [
    ("milk_meter", "Milk Meter"),
    ("collar", "Collar"),
    ("temp_sensor", "Temperature Sensor"),
    ("humidity_sensor", "Humidity Sensor"),
    ("dispenser", "Feed Dispenser"),
    ("gateway", "Gateway"),
    ("other", "Other"),
]
STATUSES = [("online", "Online"), ("degraded", "Degraded"), ("offline", "Offline")]
# Fields the intake's registry snapshot holds: a change resyncs it.
REGISTRY_FIELDS = {"identifier", "type", "farm_id", "animal_id", "zone", "active", "metric_ids"}


def default_metric_lines(device_type):
    """One2many commands of the engine's default metrics of a device type."""
    return [
        fields.Command.create({"metric": name, "unit": lim.unit, "low": lim.low, "high": lim.high})
        for name, lim in sorted(devices.DEFAULT_METRICS.get(device_type, {}).items())
    ]


class SmartDairyIotDevice(models.Model):
    _name = "smart.dairy.iot.device"
    _inherit = [
        "smart.dairy.access.mixin",
        "smart.dairy.iot.registry.sync",
        "smart.dairy.iot.device.readings",
    ]
    _registry_fields = REGISTRY_FIELDS
    _description = "IoT Device"
    _order = "farm_id, identifier"
    _rec_name = "identifier"
    _check_company_auto = True
    _system_fields = frozenset(
        (
            "last_seen",
            "battery",
            "signal",
            "token_index",
            "token_hash",
            "mqtt_password_hash",
            "token_state",
        )
    )

    identifier = fields.Char(
        required=True, index=True, copy=False, help="The name the device sends its data under."
    )
    name = fields.Char(string="Description")
    type = fields.Selection(DEVICE_TYPES, required=True, default="temp_sensor")
    farm_id = fields.Many2one("smart.dairy.farm", required=True, index=True)
    company_id = fields.Many2one(related="farm_id.company_id", store=True, precompute=True)
    animal_id = fields.Many2one(
        "smart.dairy.animal",
        check_company=True,
        domain="[('farm_id', '=', farm_id)]",
        help="The cow wearing the collar or milked by the meter.",
    )
    zone = fields.Char(help="Where the device is, e.g. a barn, pen or tank.")
    metric_ids = fields.One2many(
        "smart.dairy.iot.metric",
        "device_id",
        string="Metrics",
        copy=True,
        help="The metrics the device may send, with unit and valid range.",
    )
    feed_product_id = fields.Many2one(
        "product.product",
        string="Feed",
        check_company=True,
        help="The feed a dispenser gives: its readings become feed records of this product.",
    )
    active = fields.Boolean(default=True)
    last_seen = fields.Datetime(readonly=True)
    battery = fields.Float(string="Battery (%)", readonly=True, digits=(5, 1))
    signal = fields.Float(string="Signal (dBm)", readonly=True, digits=(6, 1))
    firmware = fields.Char()
    status = fields.Selection(STATUSES, compute="_compute_status", search="_search_status")
    last_reading = fields.Char(compute="_compute_last_reading")
    token_index = fields.Char(readonly=True, copy=False, index=True, groups="base.group_system")
    token_hash = fields.Char(readonly=True, copy=False, groups="base.group_system")
    mqtt_password_hash = fields.Char(
        readonly=True,
        copy=False,
        groups="base.group_system",
        help="Mosquitto's hash of the token, for the broker's password file.",
    )
    token_state = fields.Selection(
        [("none", "No Token"), ("active", "Active"), ("revoked", "Revoked")],
        default="none",
        required=True,
        readonly=True,
        copy=False,
    )

    _identifier_unique = models.Constraint(
        "UNIQUE (identifier)", "Another device already has this identifier."
    )

    @api.model
    def _status_thresholds(self):
        return devices.StatusThresholds(
            online=dt.timedelta(minutes=get_setting(self.env, "online_minutes")),
            degraded=dt.timedelta(minutes=get_setting(self.env, "degraded_minutes")),
        )

    @api.model
    def _now(self):
        """The time statuses are computed at: the context's ``smart_dairy_iot_now`` or now."""
        return self.env.context.get("smart_dairy_iot_now") or fields.Datetime.now()

    @api.depends("last_seen")
    @api.depends_context("smart_dairy_iot_now")
    def _compute_status(self):
        now, thresholds = self._now(), self._status_thresholds()
        for device in self:
            device.status = devices.status(device.last_seen or None, now, thresholds)

    def _search_status(self, operator, value):
        if operator not in ("in", "not in"):
            return NotImplemented
        now, thresholds = self._now(), self._status_thresholds()
        online_since = now - thresholds.online
        degraded_since = now - thresholds.degraded
        by_status = {
            "online": Domain("last_seen", ">=", online_since),
            "degraded": Domain("last_seen", "<", online_since)
            & Domain("last_seen", ">=", degraded_since),
            "offline": Domain("last_seen", "=", False) | Domain("last_seen", "<", degraded_since),
        }
        domain = Domain.OR(by_status[status] for status in value if status in by_status)
        return domain if operator == "in" else ~domain

    def _latest_readings(self):
        """query.latest of these devices, each searched from a day before it was last
        seen, so the store reads recent chunks only."""
        ids = [device.id for device in self if isinstance(device.id, int)]
        since = {
            device.id: (device.last_seen - LATEST_MARGIN).replace(tzinfo=dt.UTC)
            for device in self
            if isinstance(device.id, int) and device.last_seen
        }
        return query.latest(self.env.cr, ids, since)

    def _compute_last_reading(self):
        latest = self._latest_readings()
        for device in self:
            reading = latest.get(device.id)
            device.last_reading = f"{reading[1]} {reading[2]:g}" if reading else False

    @api.onchange("type")
    def _onchange_type(self):
        self.metric_ids = [fields.Command.clear(), *default_metric_lines(self.type)]

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if "metric_ids" not in vals:
                vals["metric_ids"] = default_metric_lines(vals.get("type") or "temp_sensor")
        return super().create(vals_list)

    # Intake, registry snapshot and tokens

    @api.model
    def _intake_policy(self):
        """The engine's validation policy with the limits of Settings (readings older
        than the raw retention are refused: the store would drop them)."""
        return validation.IntakePolicy(
            future_tolerance=dt.timedelta(minutes=get_setting(self.env, "future_minutes")),
            raw_retention=self._storage_settings().raw_retention,
            max_batch=get_setting(self.env, "max_batch"),
        )

    @api.model
    def _store_is_plain(self):
        """Whether the sensor store is plain PostgreSQL (no TimescaleDB hypertables)."""
        return not timeseries.is_hypertable(db.raw_cursor(self.env.cr).connection)

    def _engine_device(self):
        self.ensure_one()
        return devices.Device(
            id=self.id,
            identifier=self.identifier,
            type=self.type,
            farm_id=self.farm_id.id,
            company_id=self.company_id.id,
            animal_id=self.animal_id.id or None,
            zone=self.zone or None,
            active=self.active,
            metrics={
                line.metric: devices.MetricLimit(line.unit, line.low, line.high)
                for line in self.metric_ids
            },
        )

    @api.model
    def _intake_registry(self, company_ids):
        """The engine's Registry of some companies' devices and animals, read from the ORM's
        tables (ear tags are unique within a company only, so never across companies)."""
        self.env.flush_all()
        cr = self.env.cr
        cr.execute(
            """SELECT device_id, metric, unit, low, high FROM smart_dairy_iot_metric
                WHERE company_id = ANY(%s)""",
            [list(company_ids)],
        )
        metrics = {}
        for device_id, metric, unit, low, high in cr.fetchall():
            metrics.setdefault(device_id, {})[metric] = devices.MetricLimit(unit, low, high)
        cr.execute(
            """SELECT id, identifier, type, farm_id, company_id, animal_id, zone, active
                 FROM smart_dairy_iot_device WHERE company_id = ANY(%s)""",
            [list(company_ids)],
        )
        fleet = [
            devices.Device(*row[:6], zone=row[6], active=row[7], metrics=metrics.get(row[0], {}))
            for row in cr.fetchall()
        ]
        cr.execute(
            """SELECT id, ear_tag, farm_id FROM smart_dairy_animal
                WHERE company_id = ANY(%s) AND active""",
            [list(company_ids)],
        )
        animals = cr.fetchall()
        return devices.Registry.of(
            fleet,
            animals={tag: animal_id for animal_id, tag, _farm in animals},
            animal_farms={animal_id: farm for animal_id, _tag, farm in animals},
        )

    @api.model
    def _sync_registry(self):
        """Rewrite the engine's registry snapshot (for the MQTT subscriber) from the ORM.

        The snapshot knows animals by ear tag alone: a tag used in several companies is
        left out of it (the subscriber then rejects readings naming it).
        """
        self.env.flush_all()
        sudo = self.sudo().with_context(active_test=False)
        animals = self.env["smart.dairy.animal"].sudo().search_read([], ["ear_tag", "farm_id"])
        tags = collections.Counter(animal["ear_tag"] for animal in animals)
        registry_store.sync(
            self.env.cr,
            [device._engine_device() for device in sudo.search([])],
            [
                (animal["id"], animal["ear_tag"], animal["farm_id"][0])
                for animal in animals
                if tags[animal["ear_tag"]] == 1
            ],
        )

    @api.model
    def _record_seen(self, seen):
        """Newest time, battery and signal of each device a batch spoke for
        ({device_id: validation.DeviceSeen}), in one statement. A device is updated
        when the batch is newer by SEEN_STEP: concurrent batches of the same devices
        then rarely write the same rows (which fails one of them under Odoo's
        repeatable-read transactions) and statuses, counted in minutes, stay exact."""
        if not seen:
            return
        self.flush_model(["last_seen", "battery", "signal"])
        items = sorted(seen.items())
        self.env.cr.execute(
            """UPDATE smart_dairy_iot_device d
                  SET last_seen = v.seen, battery = coalesce(v.battery, d.battery),
                      signal = coalesce(v.signal, d.signal)
                 FROM unnest(%s::integer[], %s::timestamp[], %s::float8[], %s::float8[])
                      AS v(id, seen, battery, signal)
                WHERE d.id = v.id AND (d.last_seen IS NULL OR d.last_seen <= v.seen - %s)""",
            [
                [device_id for device_id, _ in items],
                [item.last_time.astimezone(dt.UTC).replace(tzinfo=None) for _, item in items],
                [item.battery for _, item in items],
                [item.signal for _, item in items],
                SEEN_STEP,
            ],
        )
        self.invalidate_model(["last_seen", "battery", "signal"])

    def _issue_token(self):
        """A new secret for each device; only its hashes are kept (Odoo's API key hash
        for HTTP, mosquitto's for the broker). Returns {device: token}."""
        tokens = {}
        for device in self:
            token = binascii.hexlify(os.urandom(TOKEN_BYTES)).decode()
            device.sudo().write(
                {
                    "token_index": token[:TOKEN_INDEX],
                    "token_hash": KEY_CRYPT_CONTEXT.hash(token),
                    "mqtt_password_hash": mosquitto.password_hash(token),
                    "token_state": "active",
                }
            )
            tokens[device] = token
        return tokens

    @api.model
    def _authenticate(self, token):
        """The device holding ``token`` (active or revoked, active or archived), or empty."""
        if not token or len(token) < TOKEN_INDEX:
            return self.browse()
        candidates = (
            self.sudo()
            .with_context(active_test=False)
            .search([("token_index", "=", token[:TOKEN_INDEX]), ("token_state", "!=", "none")])
        )
        for device in candidates:
            if KEY_CRYPT_CONTEXT.verify(token, device.token_hash):
                return device
        return self.browse()

    def action_generate_token(self):
        """Issue a new secret (the old one stops working) and show it once."""
        self._check_caller(FARM_MANAGER_GROUP, "write")
        self.ensure_one()
        token = self._issue_token()[self]
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Device Token"),
            "res_model": "smart.dairy.iot.token",
            "views": [(False, "form")],
            "target": "new",
            "context": {"default_token": token, "default_identifier": self.identifier},
        }

    def action_revoke_token(self):
        """The device's token stops working: its requests are refused (403)."""
        self._check_caller(FARM_MANAGER_GROUP, "write")
        if any(device.token_state != "active" for device in self):
            raise UserError(self.env._("Only an active token can be revoked."))
        self.sudo().write({"token_state": "revoked", "mqtt_password_hash": False})
        return True
