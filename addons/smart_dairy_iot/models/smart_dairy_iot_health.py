import datetime as dt

from smart_dairy.iot import checks, stats

from odoo import api, fields, models


class SmartDairyIotHealth(models.Model):
    """The sensor fleet and store of a company as the last check of each day found them:
    devices by status, low batteries, intake and rejections of the last 24 hours, how far
    the aggregates lag, the store's size and compression. The alerts cron writes today's
    row each run; earlier days keep their last check. The IoT Operations dashboard reads
    them through :class:`SmartDairyFactIotHealth`."""

    _name = "smart.dairy.iot.health"
    _description = "Sensor Fleet Health (daily)"
    _order = "date desc, company_id"

    date = fields.Date(required=True, readonly=True, index=True)
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    checked_at = fields.Datetime(required=True, readonly=True)
    devices = fields.Integer(readonly=True, help="Active devices that have reported once.")
    online = fields.Integer(readonly=True)
    degraded = fields.Integer(readonly=True)
    offline = fields.Integer(readonly=True)
    low_battery = fields.Integer(readonly=True, help="Devices below the battery alert level.")
    readings_day = fields.Integer("Readings (24 h)", readonly=True)
    rejected_day = fields.Integer("Rejected Rows (24 h)", readonly=True)
    aggregate_lag = fields.Float(
        "Aggregate Lag (min)", readonly=True, help="Minutes the most lagging aggregate is behind."
    )
    store_mb = fields.Float("Store Size (MB)", readonly=True, help="Raw tables and aggregates.")
    compression_ratio = fields.Float(readonly=True, help="Raw readings; 0 when none compressed.")

    _company_day_unique = models.Constraint(
        "UNIQUE(company_id, date)", "A company has one health record a day."
    )

    @api.model
    def _record(self, now):
        """Write today's row of each company with devices; returns the rows written."""
        Device = self.env["smart.dairy.iot.device"].sudo().with_context(smart_dairy_iot_now=now)
        aware = now.replace(tzinfo=dt.UTC)
        store = stats.storage_stats(self.env.cr, aware)
        lags = [lag for lag in store["aggregate_lag"].values() if lag is not None]
        common = {
            "date": now.date(),
            "checked_at": now,
            "aggregate_lag": max(lags).total_seconds() / 60 if lags else 0.0,
            "store_mb": sum(item["bytes"] for item in store["relations"].values()) / 1_048_576,
            "compression_ratio": store["relations"]["reading"]["compression_ratio"] or 0.0,
        }
        written = self.browse()
        companies = Device.search([("active", "=", True)]).company_id
        for company in companies:
            seen = Device.search(
                [("company_id", "=", company.id), ("active", "=", True), ("last_seen", "!=", False)]
            )
            statuses = seen.mapped("status")
            senders = Device.with_context(active_test=False).search(
                [("company_id", "=", company.id)]
            )
            intake = stats.ingestion_stats(
                self.env.cr, aware, company_ids=company.ids, senders=senders.mapped("identifier")
            )
            values = {
                **common,
                "company_id": company.id,
                "devices": len(seen),
                "online": statuses.count("online"),
                "degraded": statuses.count("degraded"),
                "offline": statuses.count("offline"),
                "low_battery": self._low_batteries(seen),
                "readings_day": intake["readings_last_day"],
                "rejected_day": intake["rejected_last_day"],
            }
            row = self.sudo().search([("company_id", "=", company.id), ("date", "=", now.date())])
            if row:
                row.write(values)
            else:
                row = self.sudo().create(values)
            written |= row
        return written

    def _low_batteries(self, devices):
        """How many of ``devices`` last reported a battery under the alert level (a device
        that never reported its battery is not counted)."""
        devices.flush_recordset(["battery"])
        self.env.cr.execute(
            "SELECT count(*) FROM smart_dairy_iot_device WHERE id = ANY(%s) AND battery < %s",
            [devices.ids, checks.DEFAULT_LIMITS.battery_min],
        )
        return self.env.cr.fetchone()[0]
