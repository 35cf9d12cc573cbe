from odoo import fields, models
from odoo.tools import SQL

# Days of sales history behind "days of supply".
SALES_WINDOW_DAYS = 30


class SmartDairyFactInventory(models.Model):
    """Stock on hand today per product and warehouse, valued at standard cost,
    with days of supply from the last 30 days of deliveries."""

    _name = "smart.dairy.fact.inventory"
    _inherit = "smart.dairy.fact"
    _auto = False
    _order = "date desc"
    _description = "Inventory Facts"
    _fact_sources = ("stock.quant", "stock.move", "product.product")
    _fact_dimensions = ("product_id", "categ_id", "warehouse_id")
    _fact_measures = ("quantity", "value", "daily_sales", "days_of_supply")

    product_id = fields.Many2one("product.product", readonly=True)
    categ_id = fields.Many2one("product.category", "Product Category", readonly=True)
    warehouse_id = fields.Many2one("stock.warehouse", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    quantity = fields.Float("On Hand", readonly=True)
    value = fields.Monetary(readonly=True)
    daily_sales = fields.Float("Daily Sales (30 days)", readonly=True)
    days_of_supply = fields.Float("Days of Supply", readonly=True, aggregator="avg")

    def _fact_query(self):
        return SQL(
            """
            WITH on_hand AS (
                SELECT q.company_id, q.product_id, loc.warehouse_id,
                       sum(q.quantity) AS quantity, max(q.write_date) AS changed_at
                  FROM stock_quant q
                  JOIN stock_location loc ON loc.id = q.location_id
                 WHERE loc.usage = 'internal' AND loc.warehouse_id IS NOT NULL
                 GROUP BY q.company_id, q.product_id, loc.warehouse_id
            ), shipped AS (
                SELECT sm.company_id, sm.product_id, sm.warehouse_id,
                       sum(sm.product_qty) / %(window)s AS daily_sales
                  FROM stock_move sm
                  JOIN stock_location dest ON dest.id = sm.location_dest_id
                 WHERE sm.state = 'done' AND dest.usage = 'customer'
                   AND sm.date >= now() - %(window)s * interval '1 day'
                 GROUP BY sm.company_id, sm.product_id, sm.warehouse_id
            )
            SELECT (on_hand.product_id::bigint << 20) + on_hand.warehouse_id AS id,
                   on_hand.company_id AS company_id,
                   CURRENT_DATE AS date,
                   on_hand.changed_at AS changed_at,
                   on_hand.product_id AS product_id,
                   tmpl.categ_id AS categ_id,
                   on_hand.warehouse_id AS warehouse_id,
                   company.currency_id AS currency_id,
                   on_hand.quantity AS quantity,
                   on_hand.quantity * COALESCE(
                       (pp.standard_price ->> on_hand.company_id::text)::numeric, 0) AS value,
                   COALESCE(shipped.daily_sales, 0) AS daily_sales,
                   on_hand.quantity / NULLIF(shipped.daily_sales, 0) AS days_of_supply
              FROM on_hand
              JOIN product_product pp ON pp.id = on_hand.product_id
              JOIN product_template tmpl ON tmpl.id = pp.product_tmpl_id
              JOIN res_company company ON company.id = on_hand.company_id
              LEFT JOIN shipped ON shipped.company_id = on_hand.company_id
                               AND shipped.product_id = on_hand.product_id
                               AND shipped.warehouse_id = on_hand.warehouse_id
            """,
            window=SALES_WINDOW_DAYS,
        )
