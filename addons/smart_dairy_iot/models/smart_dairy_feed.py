import datetime as dt
import logging
from zoneinfo import ZoneInfo

from odoo import api, fields, models

from odoo.addons.smart_dairy_bi.models.smart_dairy_job_log import logged_job

_logger = logging.getLogger(__name__)
FEED_METRIC = "feed"
LOOKBACK_DAYS = 7  # late readings of the last week still correct their day


class SmartDairyFeed(models.Model):
    """Feed records made from dispenser readings: one per dispenser and day (in the
    company's time zone), the day's valid ``feed`` readings summed, at the feed's
    cost. A rerun, or readings arriving late, correct the same record."""

    _inherit = "smart.dairy.feed"

    _system_fields = frozenset({"iot_device_id"})

    iot_device_id = fields.Many2one(
        "smart.dairy.iot.device",
        string="Dispenser",
        readonly=True,
        ondelete="set null",
        help="Feed dispenser whose readings this record sums.",
    )

    _dispenser_day_unique = models.Constraint(
        "UNIQUE(iot_device_id, date)", "This dispenser already has a feed record for the day."
    )

    @api.model
    def _dispenser_totals(self, dispensers, now):
        """{(device_id, local day): kg} of the finished days of the last week."""
        self.env.cr.execute(
            """SELECT r.device_id, (r.time AT TIME ZONE t.tz)::date AS day, sum(r.value)
                 FROM smart_dairy_ts.reading r
                 JOIN unnest(%s::integer[], %s::text[]) AS t(device_id, tz)
                   ON t.device_id = r.device_id
                WHERE r.metric = %s AND r.valid AND r.time >= %s AND r.time < %s
                GROUP BY 1, 2""",
            [
                dispensers.ids,
                [d.company_id.partner_id.tz or "UTC" for d in dispensers],
                FEED_METRIC,
                now - dt.timedelta(days=LOOKBACK_DAYS + 1),
                now,
            ],
        )
        today = {
            d.id: now.astimezone(ZoneInfo(d.company_id.partner_id.tz or "UTC")).date()
            for d in dispensers
        }
        return {
            (device_id, day): kg
            for device_id, day, kg in self.env.cr.fetchall()
            if day < today[device_id]
        }

    @api.model
    @logged_job
    def _cron_sync_dispensers(self, now=None):
        """Create or correct the feed records of the dispensers' finished days.
        Returns (created, updated)."""
        now = now or fields.Datetime.now().replace(tzinfo=dt.UTC)
        Device = self.env["smart.dairy.iot.device"].sudo()
        dispensers = Device.search([("type", "=", "dispenser")])
        unassigned = dispensers.filtered(lambda d: not d.feed_product_id)
        if unassigned:
            _logger.info(
                "Dispenser feed: %s have no feed product set and are skipped",
                ", ".join(unassigned.mapped("identifier")),
            )
        dispensers -= unassigned
        totals = self._dispenser_totals(dispensers, now) if dispensers else {}
        Feed = self.sudo()
        existing = {
            (feed.iot_device_id.id, feed.date): feed
            for feed in Feed.search(
                [("iot_device_id", "in", dispensers.ids), ("date", "in", [d for _, d in totals])]
            )
        }
        created = []
        updated = 0
        for (device_id, day), kg in sorted(totals.items()):
            device = Device.browse(device_id)
            values = {
                "quantity": round(kg, 2),
                "cost": round(kg * device.feed_product_id.standard_price, 2),
            }
            feed = existing.get((device_id, day))
            if not feed:
                created.append(
                    {
                        **values,
                        "farm_id": device.farm_id.id,
                        "date": day,
                        "product_id": device.feed_product_id.id,
                        "iot_device_id": device_id,
                    }
                )
            elif feed.quantity != values["quantity"]:
                feed.write(values)
                updated += 1
        Feed.create(created)
        _logger.info("Dispenser feed: %s records created, %s corrected", len(created), updated)
        return len(created), updated
