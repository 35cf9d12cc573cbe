from odoo import fields, models

# RFM segments of customers (scored by smart_dairy_forecast; the rules are the engine's).
CUSTOMER_SEGMENTS = [
    ("champions", "Champions"),
    ("loyal", "Loyal Customers"),
    ("potential", "Potential Loyalists"),
    ("new", "New Customers"),
    ("at_risk", "At Risk"),
    ("cannot_lose", "Cannot Lose Them"),
    ("hibernating", "Hibernating"),
    ("lost", "Lost"),
]


class ResPartner(models.Model):
    _inherit = "res.partner"

    dairy_region_id = fields.Many2one(
        "smart.dairy.region",
        index="btree_not_null",
        help="Dairy region used to analyse sales and supply by area.",
    )
    dairy_segment = fields.Selection(
        CUSTOMER_SEGMENTS,
        "Customer Segment",
        company_dependent=True,
        readonly=True,
        help="RFM segment of the customer's latest score in this company, written by the "
        "customer scoring of Smart Dairy Forecast; sales analysis breaks revenue down by it.",
    )
