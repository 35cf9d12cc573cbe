from smart_dairy import dataquality

from odoo import fields, models
from odoo.tools import SQL

from .smart_dairy_quality_check import AREAS


class SmartDairyFactQuality(models.Model):
    """One row per company, day and area of the data quality score history (the
    cron's daily scores): what the Data Quality dashboard charts."""

    _name = "smart.dairy.fact.quality"
    _inherit = "smart.dairy.fact"
    _auto = False
    _order = "date desc"
    _description = "Data Quality Facts"
    _fact_sources = ("smart.dairy.quality.score",)
    _fact_filter_columns = ("area",)
    _fact_change_tables = ("smart_dairy_quality_score",)
    _fact_measures = ("score", "check_count", "failed_count")

    area = fields.Selection([*AREAS, (dataquality.OVERALL, "Overall")], readonly=True)
    score = fields.Float(readonly=True, aggregator="avg")
    check_count = fields.Integer("Checks", readonly=True)
    failed_count = fields.Integer("Failed or Errored", readonly=True)

    def _fact_query(self):
        return SQL(
            """
            SELECT s.id AS id,
                   s.company_id AS company_id,
                   s.date AS date,
                   s.write_date AS changed_at,
                   s.area AS area,
                   s.score AS score,
                   s.check_count AS check_count,
                   s.failed_count AS failed_count
              FROM smart_dairy_quality_score s
            """
        )
