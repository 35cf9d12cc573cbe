from odoo import api, fields, models
from odoo.tools import format_amount
from odoo.tools.misc import get_lang


class SmartDairyCustomerCluster(models.Model):
    """One cluster of a customer clustering: its size and the mean recency, orders,
    revenue and health of its customers. Cluster 1 is the healthiest."""

    _name = "smart.dairy.customer.cluster"
    _description = "Customer Cluster"
    _order = "clustering_id, number"

    clustering_id = fields.Many2one(
        "smart.dairy.customer.clustering",
        required=True,
        readonly=True,
        index=True,
        ondelete="cascade",
    )
    company_id = fields.Many2one(related="clustering_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    number = fields.Integer("Cluster", readonly=True)
    size = fields.Integer("Customers", readonly=True)
    share = fields.Float("Share of Customers", readonly=True)
    recency_days = fields.Float("Mean Recency (days)", digits=(16, 1), readonly=True)
    frequency = fields.Float("Mean Orders", digits=(16, 1), readonly=True)
    monetary = fields.Monetary("Mean Revenue", readonly=True)
    health = fields.Float("Mean Health Score", digits=(5, 1), readonly=True)
    description = fields.Char(compute="_compute_description")

    @api.depends("recency_days", "frequency", "monetary", "currency_id")
    @api.depends_context("lang")
    def _compute_description(self):
        lang = self.env["res.lang"].browse(get_lang(self.env).id)
        for cluster in self:
            orders = lang.format("%.1f", cluster.frequency, grouping=True)
            cluster.description = self.env._(
                "ordered %(days)s days ago, %(orders)s orders, %(amount)s spent on average",
                days=lang.format("%.0f", cluster.recency_days, grouping=True),
                orders=orders.removesuffix(f"{lang.decimal_point}0"),
                amount=format_amount(
                    self.env, round(cluster.monetary), cluster.currency_id, trailing_zeroes=False
                ),
            )

    @api.depends("number", "description")
    @api.depends_context("lang")
    def _compute_display_name(self):
        for cluster in self:
            cluster.display_name = self.env._(
                "Cluster %(number)s: %(description)s",
                number=cluster.number,
                description=cluster.description,
            )
