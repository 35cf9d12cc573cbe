from odoo import fields, models
from odoo.tools import SQL


class SmartDairyFactIotHealth(models.Model):
    """One row per company and day of :class:`SmartDairyIotHealth`: the fleet and store
    figures of the IoT Operations dashboard (each day as its last check found it)."""

    _name = "smart.dairy.fact.iot.health"
    _inherit = "smart.dairy.fact"
    _auto = False
    _order = "date desc"
    _description = "Sensor Fleet Health Facts"
    _fact_sources = ("smart.dairy.iot.health",)
    _fact_measures = (
        "devices",
        "online",
        "degraded",
        "offline",
        "low_battery",
        "readings_day",
        "rejected_day",
        "received_day",
        "aggregate_lag",
        "store_mb",
        "compression_ratio",
    )

    devices = fields.Integer(readonly=True)
    online = fields.Integer(readonly=True)
    degraded = fields.Integer(readonly=True)
    offline = fields.Integer(readonly=True)
    low_battery = fields.Integer(readonly=True)
    readings_day = fields.Integer("Readings (24 h)", readonly=True)
    rejected_day = fields.Integer("Rejected Rows (24 h)", readonly=True)
    received_day = fields.Integer("Rows Received (24 h)", readonly=True)
    aggregate_lag = fields.Float("Aggregate Lag (min)", readonly=True)
    store_mb = fields.Float("Store Size (MB)", readonly=True)
    compression_ratio = fields.Float(readonly=True)

    def _fact_query(self):
        return SQL(
            """
            SELECT h.id, h.company_id, h.date, h.write_date AS changed_at,
                   h.devices, h.online, h.degraded, h.offline, h.low_battery,
                   h.readings_day, h.rejected_day, h.readings_day + h.rejected_day AS received_day,
                   h.aggregate_lag, h.store_mb, h.compression_ratio
              FROM smart_dairy_iot_health h
            """
        )  # fmt: skip
