import datetime as dt
import logging
from collections import Counter
from zoneinfo import ZoneInfo

from psycopg2 import IntegrityError
from smart_dairy.quality import MILK_KG_PER_LITRE

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

from odoo.addons.smart_dairy_bi.models.smart_dairy_job_log import logged_job

_logger = logging.getLogger(__name__)

SYNC_BATCH = 500


def session_of(hour):
    """Milking session of a local start hour, as the base addon's default session."""
    if hour < 11:
        return "morning"
    return "midday" if hour < 16 else "evening"


class SmartDairyMilking(models.Model):
    """Milking records made from milk-meter sessions keep their source.

    The cron reads the meter sessions of ``smart_dairy_ts.milking`` that no record
    links to yet (NOT EXISTS on device, session id and start), so a rerun creates
    nothing new. When an animal already has a record for the date and session
    (entered by hand or from an earlier meter session), the later meter session is
    skipped, not summed: a record links one session, and a second one for the same
    milking is more often a resend under a new id than a second milking."""

    _inherit = "smart.dairy.milking"

    _system_fields = frozenset({"iot_device_id", "meter_session_id", "meter_session_start"})

    iot_device_id = fields.Many2one(
        "smart.dairy.iot.device",
        string="Milk Meter",
        readonly=True,
        ondelete="set null",
        help="Milk meter whose session this record was made from.",
    )
    meter_session_id = fields.Char(readonly=True)
    meter_session_start = fields.Datetime(readonly=True)

    _meter_session_unique = models.Constraint(
        "UNIQUE(iot_device_id, meter_session_id, meter_session_start)",
        "This milk-meter session already has a milking record.",
    )

    def _unsynced_sessions_sql(self, after=None, limit=None):
        where = SQL(
            """NOT EXISTS (SELECT 1 FROM smart_dairy_milking r
                            WHERE r.iot_device_id = m.device_id
                              AND r.meter_session_id = m.session_id
                              AND r.meter_session_start = m.time AT TIME ZONE 'UTC')"""
        )
        if after:
            where = SQL("%s AND (m.time, m.device_id, m.session_id) > (%s, %s, %s)", where, *after)
        if limit is None:
            return SQL("SELECT count(*) FROM smart_dairy_ts.milking m WHERE %s", where)
        return SQL(
            """SELECT m.time, m.device_id, m.session_id, m.animal_id, m.yield_kg,
                      m.fat, m.protein, m.scc
                 FROM smart_dairy_ts.milking m
                WHERE %s
             ORDER BY m.time, m.device_id, m.session_id
                LIMIT %s""",
            where,
            limit,
        )

    @api.model
    @logged_job
    def _cron_sync_meter_sessions(self, batch_size=SYNC_BATCH, commit=True):
        """Turn the milk-meter sessions not synced yet into milking records.

        Returns the counts ``created`` and ``skipped`` and the ``reasons`` of the
        skipped sessions, {(device id, session id): reason}; skipped sessions are
        tried again on the next run (after a fix, e.g. a widened range)."""
        self = self.sudo()
        cron = self.env["ir.cron"]
        if commit:
            self.env.cr.execute(self._unsynced_sessions_sql())
            cron._commit_progress(remaining=self.env.cr.fetchone()[0])
        counts, reasons, after = Counter(), {}, None
        while True:
            self.env.cr.execute(self._unsynced_sessions_sql(after, batch_size))
            rows = self.env.cr.dictfetchall()
            if not rows:
                break
            after = (rows[-1]["time"], rows[-1]["device_id"], rows[-1]["session_id"])
            created, skipped = self._sync_meter_sessions(rows)
            counts["created"] += created
            reasons.update(skipped)
            if commit and cron._commit_progress(len(rows)) <= 0:
                break
        counts["skipped"] = len(reasons)
        for (device_id, session_id), reason in reasons.items():
            _logger.info("Meter session %s of device %s skipped: %s", session_id, device_id, reason)
        _logger.info(
            "Milk-meter sessions to milking records: %s created, %s skipped",
            counts["created"],
            counts["skipped"],
        )
        return {"created": counts["created"], "skipped": counts["skipped"], "reasons": reasons}

    def _sync_meter_sessions(self, rows):
        """Create the milking records of ``rows``; a batch at once, else one by one."""
        skipped, values = {}, []
        taken = self._taken_sessions(rows)
        for row in rows:
            key = (row["device_id"], row["session_id"])
            vals, reason = self._meter_session_values(row)
            if vals:
                slot = (vals["animal_id"], vals["date"], vals["session"])
                if slot in taken:
                    reason = self.env._(
                        "the animal already has a milking record for the %(session)s "
                        "session of %(date)s",
                        session=vals["session"],
                        date=fields.Date.to_string(vals["date"]),
                    )
                taken.add(slot)
            if reason:
                skipped[key] = reason
            else:
                values.append(vals)
        if not values:
            return 0, skipped
        try:
            with self.env.cr.savepoint():
                self._create_in_company_tz(values)
            return len(values), skipped
        except (ValidationError, UserError, IntegrityError) as exc:
            _logger.info("Meter sessions refused as a batch (%s), creating one by one", exc)
        created = 0
        for vals in values:
            try:
                with self.env.cr.savepoint():
                    self._create_in_company_tz([vals])
                created += 1
            except (ValidationError, UserError, IntegrityError) as exc:
                reason = exc.args[0] if isinstance(exc, (ValidationError, UserError)) else str(exc)
                skipped[(vals["iot_device_id"], vals["meter_session_id"])] = reason
        return created, skipped

    def _create_in_company_tz(self, values):
        """Create, checking "not after today" in each company's time zone."""
        animals = self.env["smart.dairy.animal"].browse({v["animal_id"] for v in values})
        zones = {a.id: a.farm_id.company_id.partner_id.tz or "UTC" for a in animals}
        for tz in set(zones.values()):
            batch = [v for v in values if zones[v["animal_id"]] == tz]
            self.with_context(tz=tz).create(batch)
        self.env.flush_all()

    def _taken_sessions(self, rows):
        """(animal, date, session) of the records that may clash with ``rows``."""
        days = {
            row["time"].date() + dt.timedelta(days=shift) for row in rows for shift in (-1, 0, 1)
        }
        existing = self.with_context(active_test=False).search_fetch(
            [
                ("animal_id", "in", list({row["animal_id"] for row in rows})),
                ("date", "in", list(days)),
            ],
            ["animal_id", "date", "session"],
        )
        return {(m.animal_id.id, m.date, m.session) for m in existing}

    def _meter_session_values(self, row):
        """Milking values of a meter session, or None and the reason it cannot be one."""
        device = self.env["smart.dairy.iot.device"].with_context(active_test=False)
        device = device.browse(row["device_id"]).exists()
        animal = self.env["smart.dairy.animal"].browse(row["animal_id"]).exists()
        if not device:
            return None, self.env._("the milk meter no longer exists")
        if not animal:
            return None, self.env._("the animal no longer exists")
        tz = ZoneInfo(animal.farm_id.company_id.partner_id.tz or "UTC")
        local = row["time"].astimezone(tz)
        return {
            "animal_id": animal.id,
            "date": local.date(),
            "session": session_of(local.hour),
            "volume": round(row["yield_kg"] / MILK_KG_PER_LITRE, 2),
            "fat_pct": row["fat"] or 0.0,
            "protein_pct": row["protein"] or 0.0,
            "scc": round(row["scc"] or 0),
            "iot_device_id": device.id,
            "meter_session_id": row["session_id"],
            "meter_session_start": row["time"].astimezone(dt.timezone.utc).replace(tzinfo=None),
        }, None
