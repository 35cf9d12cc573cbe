from odoo import fields, models
from odoo.tools import SQL

from odoo.addons.smart_dairy_bi.models.smart_dairy_fact import SENSOR_STORE

from .smart_dairy_iot_device import DEVICE_TYPES
from .smart_dairy_iot_quarantine import ensure_store


class SmartDairyFactSensor(models.Model):
    """One row per device and UTC day of readings, from the sensor store's daily
    aggregate: what the IoT Operations dashboard counts. Days appear as the
    maintenance cron refreshes the aggregates."""

    _name = "smart.dairy.fact.sensor"
    _inherit = "smart.dairy.fact"
    _auto = False
    _order = "date desc"
    _description = "Sensor Facts"
    _fact_sources = (SENSOR_STORE, "smart.dairy.iot.device", "smart.dairy.farm")
    _fact_dimensions = ("farm_id", "region_id", "device_id", "device_type")
    _fact_measures = ("readings", "valid_readings", "flagged_readings")

    farm_id = fields.Many2one("smart.dairy.farm", readonly=True)
    region_id = fields.Many2one("smart.dairy.region", readonly=True)
    device_id = fields.Many2one("smart.dairy.iot.device", readonly=True)
    device_type = fields.Selection(DEVICE_TYPES, readonly=True)
    readings = fields.Integer(readonly=True)
    valid_readings = fields.Integer(readonly=True)
    flagged_readings = fields.Integer(
        readonly=True, help="Readings stored but flagged by the range and rate checks."
    )

    def _fact_query(self):
        # one id per device and day (days since 2000 stay below 40,000 until 2109)
        return SQL(
            """
            SELECT r.device_id::bigint * 40000
                       + ((r.bucket AT TIME ZONE 'UTC')::date - DATE '2000-01-01') AS id,
                   r.company_id AS company_id,
                   (r.bucket AT TIME ZONE 'UTC')::date AS date,
                   (r.bucket AT TIME ZONE 'UTC') + INTERVAL '1 day' AS changed_at,
                   r.farm_id AS farm_id,
                   farm.region_id AS region_id,
                   r.device_id AS device_id,
                   r.device_type AS device_type,
                   sum(r.n)::integer AS readings,
                   sum(r.valid_n)::integer AS valid_readings,
                   (sum(r.n) - sum(r.valid_n))::integer AS flagged_readings
              FROM smart_dairy_ts.reading_1d r
              JOIN smart_dairy_farm farm ON farm.id = r.farm_id
             GROUP BY r.device_id, r.bucket, r.company_id, r.farm_id, farm.region_id,
                      r.device_type
            """
        )  # fmt: skip

    def init(self):
        ensure_store(self.env.cr)
        return super().init()
