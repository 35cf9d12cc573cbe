import datetime as dt

from psycopg2 import sql
from smart_dairy import db, timeseries
from smart_dairy.iot import intake, quarantine, registry_store, storage

from odoo import fields, models

from odoo.addons.smart_dairy_base.models.smart_dairy_access_mixin import FARM_MANAGER_GROUP


def ensure_store(cr):
    """Create or update the engine's sensor store in Odoo's database (idempotent).

    TimescaleDB background policies are left off: on this platform they fail, and
    refresh, compression and retention are run from a session (maintenance cron).
    """
    storage.ensure_storage(
        db.raw_cursor(cr).connection, storage.StorageSettings(background_jobs=False)
    )


class SmartDairyIotQuarantine(models.Model):
    """The engine's quarantine table, read only: rejected rows with payload and reason."""

    _name = "smart.dairy.iot.quarantine"
    _inherit = ["smart.dairy.access.mixin"]
    _description = "Quarantined Sensor Row"
    _auto = False
    _order = "received_at desc, id desc"
    _rec_name = "reason"

    received_at = fields.Datetime(readonly=True)
    kind = fields.Selection([("reading", "Reading"), ("milking", "Milking")], readonly=True)
    source = fields.Char(readonly=True)
    sender = fields.Char(readonly=True)
    device_id = fields.Many2one("smart.dairy.iot.device", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    row_index = fields.Integer(readonly=True)
    payload = fields.Text(readonly=True)
    reason = fields.Char(readonly=True)
    replayed_at = fields.Datetime(readonly=True)
    outcome = fields.Char(readonly=True)

    def init(self):
        ensure_store(self.env.cr)
        self.env.cr.execute(
            sql.SQL(
                """CREATE OR REPLACE VIEW {view} AS
                   SELECT q.id, q.received_at AT TIME ZONE 'UTC' AS received_at, q.kind,
                          q.source, q.sender, d.id AS device_id, d.company_id, q.row_index,
                          q.payload::text AS payload, q.reason,
                          q.replayed_at AT TIME ZONE 'UTC' AS replayed_at, q.outcome
                     FROM {quarantine} q
                     LEFT JOIN {devices} d ON d.identifier = q.sender"""
            ).format(
                view=sql.Identifier(self._table),
                quarantine=sql.Identifier(timeseries.SCHEMA, quarantine.TABLE),
                devices=sql.Identifier(timeseries.SCHEMA, registry_store.DEVICES),
            )
        )

    def action_replay(self):
        """Validate these rows again (e.g. after a range was widened); store those now valid."""
        self._check_caller(FARM_MANAGER_GROUP, "read")
        Device = self.env["smart.dairy.iot.device"]
        registry = Device._intake_registry(self.company_id.ids)
        now = fields.Datetime.now().replace(tzinfo=dt.timezone.utc)
        stored = rejected = 0
        for kind in ("reading", "milking"):
            rows = self.filtered(lambda q, kind=kind: q.kind == kind and not q.replayed_at)
            if rows:
                done, still = intake.replay(
                    self.env.cr,
                    kind,
                    registry,
                    now,
                    Device._store_is_plain(),
                    Device._intake_policy(),
                    ids=rows.ids,
                )
                stored, rejected = stored + done, rejected + still
        self.invalidate_recordset()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "title": self.env._("Replay"),
                "message": self.env._(
                    "%(stored)s rows stored, %(rejected)s still rejected.",
                    stored=stored,
                    rejected=rejected,
                ),
                "type": "success" if not rejected else "warning",
                "next": {"type": "ir.actions.act_window_close"},
            },
        }
