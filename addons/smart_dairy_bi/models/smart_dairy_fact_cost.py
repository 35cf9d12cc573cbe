from odoo import fields, models
from odoo.tools import SQL

COST_SOURCES = [
    ("valuation", "Stock valuation entries (perpetual)"),
    ("standard", "Goods delivered at cost (periodic)"),
]


def cost_of_revenue_rows():
    """Cost of revenue, one row per source item, in company currency:

    - products with perpetual valuation: the cost of goods sold Odoo posts on the
      customer invoice (the ``cogs`` journal item on the expense account; credit
      notes reverse it), on the accounting date;
    - products with periodic valuation: goods delivered to customers at the value
      of their stock move (standard cost for the standard method), less returns,
      on the delivery date.

    A product counts in one branch only: Odoo posts ``cogs`` items for perpetual
    products alone, and the delivery branch takes periodic products alone.
    """
    return SQL(
        """
        SELECT aml.id * 2 AS id,
               aml.company_id AS company_id,
               aml.date AS date,
               aml.write_date AS changed_at,
               aml.product_id AS product_id,
               aml.move_id AS move_id,
               NULL::integer AS stock_move_id,
               'valuation' AS cost_source,
               aml.balance AS amount
          FROM account_move_line aml
          JOIN account_account account ON account.id = aml.account_id
         WHERE aml.parent_state = 'posted'
           AND aml.display_type = 'cogs'
           AND account.account_type LIKE 'expense%%'
        UNION ALL
        SELECT sm.id * 2 + 1,
               sm.company_id,
               sm.date::date,
               sm.write_date,
               sm.product_id,
               NULL::integer,
               sm.id,
               'standard',
               CASE WHEN dest.usage = 'customer' THEN 1 ELSE -1 END * sm.value
          FROM stock_move sm
          JOIN stock_location src ON src.id = sm.location_id
          JOIN stock_location dest ON dest.id = sm.location_dest_id
          JOIN product_product pp ON pp.id = sm.product_id
          JOIN product_template tmpl ON tmpl.id = pp.product_tmpl_id
          LEFT JOIN product_category categ ON categ.id = tmpl.categ_id
          JOIN res_company company ON company.id = sm.company_id
         WHERE sm.state = 'done'
           AND ((src.usage = 'internal' AND dest.usage = 'customer')
                OR (src.usage = 'customer' AND dest.usage = 'internal'))
           AND COALESCE(categ.property_valuation ->> sm.company_id::text,
                        company.inventory_valuation, 'periodic') <> 'real_time'
        """
    )


class SmartDairyFactCost(models.Model):
    """Cost of revenue: from the stock valuation entries for products valued in
    perpetual (real-time) valuation, from the goods delivered at cost for
    products in periodic valuation; ``cost_source`` says which."""

    _name = "smart.dairy.fact.cost"
    _inherit = "smart.dairy.fact"
    _auto = False
    _order = "date desc"
    _description = "Cost of Revenue Facts"
    _fact_sources = ("account.move.line", "account.move", "stock.move", "product.product")
    _fact_dimensions = ("product_id", "cost_source")
    _fact_change_tables = ("account_move_line", "stock_move")
    _fact_measures = ("amount",)

    product_id = fields.Many2one("product.product", readonly=True)
    move_id = fields.Many2one("account.move", "Invoice", readonly=True)
    stock_move_id = fields.Many2one("stock.move", "Delivery", readonly=True)
    cost_source = fields.Selection(COST_SOURCES, "Source", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    amount = fields.Monetary("Cost", readonly=True)

    def _fact_query(self):
        return SQL(
            """
            SELECT cost.*, company.currency_id AS currency_id
              FROM (%s) cost
              JOIN res_company company ON company.id = cost.company_id
            """,
            cost_of_revenue_rows(),
        )
