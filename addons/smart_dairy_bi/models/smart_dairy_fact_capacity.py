from odoo import fields, models
from odoo.tools import SQL


class SmartDairyFactCapacity(models.Model):
    """One row per farm and calendar day since its first milking: the litres it can
    take in. Against production, it gives capacity utilisation, idle days included."""

    _name = "smart.dairy.fact.capacity"
    _inherit = "smart.dairy.fact"
    _auto = False
    _order = "date desc"
    _description = "Farm Capacity Facts"
    _fact_sources = ("smart.dairy.farm", "smart.dairy.milking")
    _fact_dimensions = ("farm_id", "region_id")
    _fact_measures = ("capacity",)

    farm_id = fields.Many2one("smart.dairy.farm", readonly=True)
    region_id = fields.Many2one("smart.dairy.region", readonly=True)
    capacity = fields.Float("Capacity (L)", readonly=True)

    def _fact_query(self):
        return SQL(
            """
            SELECT (farm.id::bigint << 32) + (day::date - DATE '2000-01-01') AS id,
                   farm.company_id AS company_id,
                   day::date AS date,
                   farm.write_date AS changed_at,
                   farm.id AS farm_id,
                   farm.region_id AS region_id,
                   farm.daily_capacity AS capacity
              FROM smart_dairy_farm farm
             CROSS JOIN LATERAL generate_series(
                   (SELECT min(m.date) FROM smart_dairy_milking m WHERE m.farm_id = farm.id),
                   CURRENT_DATE, interval '1 day') AS day
             WHERE farm.active
            """
        )
