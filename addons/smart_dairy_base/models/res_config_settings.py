from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    dairy_premium_max_scc = fields.Integer(
        related="company_id.dairy_premium_max_scc", readonly=False
    )
    dairy_premium_min_fat = fields.Float(related="company_id.dairy_premium_min_fat", readonly=False)
    dairy_premium_min_protein = fields.Float(
        related="company_id.dairy_premium_min_protein", readonly=False
    )
    dairy_grade_a_max_scc = fields.Integer(
        related="company_id.dairy_grade_a_max_scc", readonly=False
    )
    dairy_grade_b_max_scc = fields.Integer(
        related="company_id.dairy_grade_b_max_scc", readonly=False
    )
    dairy_min_fat_pct = fields.Float(related="company_id.dairy_min_fat_pct", readonly=False)
    dairy_max_fat_pct = fields.Float(related="company_id.dairy_max_fat_pct", readonly=False)
    dairy_min_protein_pct = fields.Float(related="company_id.dairy_min_protein_pct", readonly=False)
    dairy_max_protein_pct = fields.Float(related="company_id.dairy_max_protein_pct", readonly=False)
    dairy_max_volume = fields.Float(related="company_id.dairy_max_volume", readonly=False)
