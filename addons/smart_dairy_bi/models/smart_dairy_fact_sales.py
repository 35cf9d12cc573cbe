from odoo import fields, models
from odoo.tools import SQL

from odoo.addons.smart_dairy_base.models.res_partner import CUSTOMER_SEGMENTS


class SmartDairyFactSales(models.Model):
    """One row per confirmed sale order line, amounts in company currency, quantity
    and cost in the product's unit of measure."""

    _name = "smart.dairy.fact.sales"
    _inherit = "smart.dairy.fact"
    _auto = False
    _order = "date desc"
    _description = "Sales Facts"
    _fact_sources = ("sale.order.line", "sale.order", "res.partner", "product.product")
    _fact_dimensions = (
        "partner_id", "region_id", "product_id", "categ_id", "team_id", "user_id",
        "customer_segment",
    )  # fmt: skip
    _fact_change_tables = ("sale_order_line",)
    _fact_timestamp_column = "date_order"
    _fact_measures = (
        "quantity", "gross_amount", "discount_amount", "net_amount", "tax_amount",
        "total_amount", "cost_amount", "margin", "on_time", "in_full", "otif",
    )  # fmt: skip

    order_id = fields.Many2one("sale.order", readonly=True)
    partner_id = fields.Many2one("res.partner", "Customer", readonly=True)
    region_id = fields.Many2one("smart.dairy.region", readonly=True)
    product_id = fields.Many2one("product.product", readonly=True)
    categ_id = fields.Many2one("product.category", "Product Category", readonly=True)
    team_id = fields.Many2one("crm.team", "Sales Channel", readonly=True)
    user_id = fields.Many2one("res.users", "Salesperson", readonly=True)
    customer_segment = fields.Selection(
        CUSTOMER_SEGMENTS, readonly=True, help="The customer's current segment in the company."
    )
    currency_id = fields.Many2one("res.currency", readonly=True)
    quantity = fields.Float(readonly=True)
    gross_amount = fields.Monetary("Gross", readonly=True)
    discount_amount = fields.Monetary("Discount", readonly=True)
    net_amount = fields.Monetary("Net (Untaxed)", readonly=True)
    tax_amount = fields.Monetary("Tax", readonly=True)
    total_amount = fields.Monetary("Total", readonly=True)
    cost_amount = fields.Monetary("Cost of Goods", readonly=True)
    margin = fields.Monetary(readonly=True)
    on_time = fields.Integer(readonly=True, aggregator="sum")
    in_full = fields.Integer(readonly=True, aggregator="sum")
    otif = fields.Integer("On Time In Full", readonly=True, aggregator="sum")

    def _fact_query(self):
        rate = self._currency_rate(SQL("so.currency_rate"))
        promised = SQL(
            "COALESCE(so.commitment_date, so.date_order + sol.customer_lead * interval '1 day')"
        )
        delivered_on_time = SQL(
            "so.effective_date IS NOT NULL AND %s <= %s",
            self._local_date(SQL("so.effective_date"), SQL("cp.tz")),
            self._local_date(promised, SQL("cp.tz")),
        )
        return SQL(
            """
            SELECT sol.id AS id,
                   sol.company_id AS company_id,
                   %(date)s AS date,
                   sol.write_date AS changed_at,
                   so.id AS order_id,
                   so.date_order AS date_order,
                   partner.commercial_partner_id AS partner_id,
                   commercial.dairy_region_id AS region_id,
                   sol.product_id AS product_id,
                   tmpl.categ_id AS categ_id,
                   so.team_id AS team_id,
                   so.user_id AS user_id,
                   commercial.dairy_segment ->> sol.company_id::text AS customer_segment,
                   company.currency_id AS currency_id,
                   %(quantity)s AS quantity,
                   sol.product_uom_qty * sol.price_unit / %(rate)s AS gross_amount,
                   sol.product_uom_qty * sol.price_unit * COALESCE(sol.discount, 0) / 100.0
                       / %(rate)s AS discount_amount,
                   sol.price_subtotal / %(rate)s AS net_amount,
                   sol.price_tax / %(rate)s AS tax_amount,
                   sol.price_total / %(rate)s AS total_amount,
                   %(quantity)s * %(unit_cost)s AS cost_amount,
                   sol.price_subtotal / %(rate)s - %(quantity)s * %(unit_cost)s AS margin,
                   (%(on_time)s)::int AS on_time,
                   (sol.qty_delivered >= sol.product_uom_qty)::int AS in_full,
                   (%(on_time)s AND sol.qty_delivered >= sol.product_uom_qty)::int AS otif
              FROM sale_order_line sol
              JOIN sale_order so ON so.id = sol.order_id
              JOIN res_company company ON company.id = sol.company_id
              JOIN res_partner cp ON cp.id = company.partner_id
              JOIN res_partner partner ON partner.id = so.partner_id
              JOIN res_partner commercial ON commercial.id = partner.commercial_partner_id
              JOIN product_product pp ON pp.id = sol.product_id
              JOIN product_template tmpl ON tmpl.id = pp.product_tmpl_id
              LEFT JOIN uom_uom line_uom ON line_uom.id = sol.product_uom_id
              LEFT JOIN uom_uom product_uom ON product_uom.id = tmpl.uom_id
             WHERE so.state = 'sale' AND sol.display_type IS NULL AND sol.is_downpayment IS NOT TRUE
            """,
            date=self._local_date(SQL("so.date_order"), SQL("cp.tz")),
            rate=rate,
            unit_cost=SQL("COALESCE((pp.standard_price ->> sol.company_id::text)::numeric, 0)"),
            # in the product's unit, as its cost is (a line may sell dozens of units)
            quantity=SQL("sol.product_uom_qty * COALESCE(line_uom.factor / product_uom.factor, 1)"),
            on_time=delivered_on_time,
        )
