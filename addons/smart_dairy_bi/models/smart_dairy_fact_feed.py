from odoo import fields, models
from odoo.tools import SQL


class SmartDairyFactFeed(models.Model):
    """One row per feed record."""

    _name = "smart.dairy.fact.feed"
    _inherit = "smart.dairy.fact"
    _auto = False
    _order = "date desc"
    _description = "Feed Facts"
    _fact_sources = ("smart.dairy.feed", "smart.dairy.farm", "product.product")
    _fact_dimensions = ("farm_id", "region_id", "product_id", "categ_id")
    _fact_change_tables = ("smart_dairy_feed",)
    _fact_measures = ("quantity", "cost")
    _fact_filter_columns = ("categ_name",)

    farm_id = fields.Many2one("smart.dairy.farm", readonly=True)
    region_id = fields.Many2one("smart.dairy.region", readonly=True)
    product_id = fields.Many2one("product.product", "Feed", readonly=True)
    categ_id = fields.Many2one("product.category", "Feed Category", readonly=True)
    categ_name = fields.Char("Feed Category Name", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    quantity = fields.Float("Quantity (kg)", readonly=True)
    cost = fields.Monetary(readonly=True)

    def _fact_query(self):
        return SQL(
            """
            SELECT f.id AS id,
                   f.company_id AS company_id,
                   f.date AS date,
                   f.write_date AS changed_at,
                   f.farm_id AS farm_id,
                   farm.region_id AS region_id,
                   f.product_id AS product_id,
                   tmpl.categ_id AS categ_id,
                   categ.name AS categ_name,
                   company.currency_id AS currency_id,
                   f.quantity AS quantity,
                   f.cost AS cost
              FROM smart_dairy_feed f
              JOIN smart_dairy_farm farm ON farm.id = f.farm_id
              JOIN res_company company ON company.id = f.company_id
              JOIN product_product pp ON pp.id = f.product_id
              JOIN product_template tmpl ON tmpl.id = pp.product_tmpl_id
              JOIN product_category categ ON categ.id = tmpl.categ_id
            """
        )
