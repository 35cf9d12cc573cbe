from odoo import api, fields, models
from odoo.exceptions import ValidationError


class SmartDairyFeed(models.Model):
    _name = "smart.dairy.feed"
    _inherit = ["smart.dairy.access.mixin"]
    _description = "Feed Record"
    _order = "date desc, farm_id"
    _check_company_auto = True

    farm_id = fields.Many2one("smart.dairy.farm", required=True)
    company_id = fields.Many2one(related="farm_id.company_id", store=True, precompute=True)
    date = fields.Date(required=True, index=True, default=fields.Date.context_today)
    product_id = fields.Many2one(
        "product.product", string="Feed", required=True, check_company=True
    )
    quantity = fields.Float(string="Quantity (kg)", digits=(12, 2))
    cost = fields.Monetary(currency_field="currency_id", help="Total cost of this feed.")
    currency_id = fields.Many2one(related="company_id.currency_id")
    cost_per_kg = fields.Monetary(
        string="Cost per kg", currency_field="currency_id", compute="_compute_cost_per_kg"
    )

    _farm_date_idx = models.Index("(farm_id, date)")
    _company_date_idx = models.Index("(company_id, date)")

    @api.depends("product_id", "date")
    def _compute_display_name(self):
        for feed in self:
            feed.display_name = " · ".join(
                part
                for part in (
                    feed.product_id.display_name,
                    feed.date and fields.Date.to_string(feed.date),
                )
                if part
            )

    @api.depends("quantity", "cost")
    def _compute_cost_per_kg(self):
        for feed in self:
            feed.cost_per_kg = feed.cost / feed.quantity if feed.quantity else 0.0

    @api.constrains("quantity", "cost")
    def _check_amounts(self):
        for feed in self:
            if feed.quantity < 0:
                raise ValidationError(self.env._("The feed quantity cannot be negative."))
            if feed.cost < 0:
                raise ValidationError(self.env._("The feed cost cannot be negative."))
