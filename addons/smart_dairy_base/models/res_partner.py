from odoo import fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    dairy_region_id = fields.Many2one(
        "smart.dairy.region",
        index="btree_not_null",
        help="Dairy region used to analyse sales and supply by area.",
    )
