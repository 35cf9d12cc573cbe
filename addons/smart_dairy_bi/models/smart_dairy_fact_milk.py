from smart_dairy.quality import MILK_KG_PER_LITRE

from odoo import fields, models
from odoo.tools import SQL

from odoo.addons.smart_dairy_base.models.smart_dairy_animal import BREEDS
from odoo.addons.smart_dairy_base.models.smart_dairy_milking import GRADES, SESSIONS


class SmartDairyFactMilk(models.Model):
    """One row per milking record.

    A lab value not measured (blank, stored as 0 or NULL) is NULL here, so averages
    skip it; the ``*_measured`` measures and ``graded_volume`` count only the milk
    that has the value, as the denominators of the quality KPIs."""

    _name = "smart.dairy.fact.milk"
    _inherit = "smart.dairy.fact"
    _auto = False
    _order = "date desc"
    _description = "Milk Production Facts"
    _fact_sources = ("smart.dairy.milking", "smart.dairy.animal", "smart.dairy.farm")
    _fact_dimensions = ("farm_id", "region_id", "animal_id", "breed", "session", "quality_grade")
    _fact_change_tables = ("smart_dairy_milking",)
    _fact_measures = (
        "volume", "mass_kg", "fat_kg", "protein_kg", "scc", "scc_volume", "premium_volume",
        "fat_pct", "protein_pct", "cow_day", "is_premium", "graded_volume",
        "scc_measured_volume", "fat_measured_mass_kg", "protein_measured_mass_kg",
    )  # fmt: skip

    farm_id = fields.Many2one("smart.dairy.farm", readonly=True)
    region_id = fields.Many2one("smart.dairy.region", readonly=True)
    animal_id = fields.Many2one("smart.dairy.animal", readonly=True)
    breed = fields.Selection(BREEDS, readonly=True)
    session = fields.Selection(SESSIONS, readonly=True)
    quality_grade = fields.Selection(GRADES, "Grade", readonly=True)
    volume = fields.Float("Volume (L)", readonly=True)
    mass_kg = fields.Float("Mass (kg)", readonly=True)
    fat_pct = fields.Float("Fat %", readonly=True, aggregator="avg")
    protein_pct = fields.Float("Protein %", readonly=True, aggregator="avg")
    fat_kg = fields.Float("Fat (kg)", readonly=True)
    protein_kg = fields.Float("Protein (kg)", readonly=True)
    scc = fields.Float("SCC (cells/mL)", readonly=True, aggregator="avg")
    scc_volume = fields.Float("SCC x Volume", readonly=True)
    premium_volume = fields.Float("Premium Volume (L)", readonly=True)
    graded_volume = fields.Float(
        "Graded Volume (L)", readonly=True, help="Litres with a cell count, so with a grade."
    )
    scc_measured_volume = fields.Float("Volume with SCC (L)", readonly=True)
    fat_measured_mass_kg = fields.Float("Mass with Fat Measured (kg)", readonly=True)
    protein_measured_mass_kg = fields.Float("Mass with Protein Measured (kg)", readonly=True)
    is_premium = fields.Integer("Premium Milkings", readonly=True)
    cow_day = fields.Integer(
        "Cow Days",
        readonly=True,
        help="1 on the first milking of an animal on a day: sums to cow-days.",
    )

    def _fact_query(self):
        return SQL(
            """
            SELECT m.id AS id,
                   m.company_id AS company_id,
                   m.date AS date,
                   m.write_date AS changed_at,
                   m.farm_id AS farm_id,
                   farm.region_id AS region_id,
                   m.animal_id AS animal_id,
                   animal.breed AS breed,
                   m.session AS session,
                   m.quality_grade AS quality_grade,
                   m.volume AS volume,
                   m.volume * %(density)s AS mass_kg,
                   NULLIF(m.fat_pct, 0) AS fat_pct,
                   NULLIF(m.protein_pct, 0) AS protein_pct,
                   m.volume * %(density)s * NULLIF(m.fat_pct, 0) / 100.0 AS fat_kg,
                   m.volume * %(density)s * NULLIF(m.protein_pct, 0) / 100.0 AS protein_kg,
                   NULLIF(m.scc, 0) AS scc,
                   NULLIF(m.scc, 0)::float8 * m.volume AS scc_volume,
                   CASE WHEN m.quality_grade = 'premium' THEN m.volume ELSE 0 END AS premium_volume,
                   CASE WHEN m.quality_grade <> 'ungraded' THEN m.volume ELSE 0 END
                       AS graded_volume,
                   CASE WHEN m.scc > 0 THEN m.volume ELSE 0 END AS scc_measured_volume,
                   CASE WHEN m.fat_pct > 0 THEN m.volume * %(density)s ELSE 0 END
                       AS fat_measured_mass_kg,
                   CASE WHEN m.protein_pct > 0 THEN m.volume * %(density)s ELSE 0 END
                       AS protein_measured_mass_kg,
                   (m.quality_grade = 'premium')::int AS is_premium,
                   (NOT EXISTS (SELECT 1 FROM smart_dairy_milking earlier
                                 WHERE earlier.animal_id = m.animal_id AND earlier.date = m.date
                                   AND earlier.session < m.session))::int AS cow_day
              FROM smart_dairy_milking m
              JOIN smart_dairy_farm farm ON farm.id = m.farm_id
              JOIN smart_dairy_animal animal ON animal.id = m.animal_id
            """,
            density=MILK_KG_PER_LITRE,
        )
