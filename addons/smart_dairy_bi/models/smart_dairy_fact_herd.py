from odoo import fields, models
from odoo.tools import SQL

from odoo.addons.smart_dairy_base.models.smart_dairy_animal import BREEDS, STATUSES


class SmartDairyFactHerd(models.Model):
    """A snapshot of the herd: one row per active animal, dated today, with its
    status. Past days keep no rows; KPI values exist for the current period only."""

    _name = "smart.dairy.fact.herd"
    _inherit = "smart.dairy.fact"
    _auto = False
    _order = "farm_id, status"
    _description = "Herd Snapshot Facts"
    _fact_sources = ("smart.dairy.animal", "smart.dairy.farm")
    _fact_dimensions = ("farm_id", "region_id", "breed", "status")
    _fact_measures = ("animal_count",)

    animal_id = fields.Many2one("smart.dairy.animal", readonly=True)
    farm_id = fields.Many2one("smart.dairy.farm", readonly=True)
    region_id = fields.Many2one("smart.dairy.region", readonly=True)
    breed = fields.Selection(BREEDS, readonly=True)
    status = fields.Selection(STATUSES, readonly=True)
    animal_count = fields.Integer("Animals", readonly=True)

    def _fact_query(self):
        return SQL(
            """
            SELECT animal.id AS id,
                   animal.company_id AS company_id,
                   CURRENT_DATE AS date,
                   animal.write_date AS changed_at,
                   animal.id AS animal_id,
                   animal.farm_id AS farm_id,
                   farm.region_id AS region_id,
                   animal.breed AS breed,
                   animal.status AS status,
                   1 AS animal_count
              FROM smart_dairy_animal animal
              JOIN smart_dairy_farm farm ON farm.id = animal.farm_id
             WHERE animal.active
            """
        )
