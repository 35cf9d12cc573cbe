from odoo import fields, models
from odoo.tools import SQL


class SmartDairyFactCustomer(models.Model):
    """One row per customer and company: first and last order, orders, revenue.
    Its date is the first order date, so counting rows per period counts new customers."""

    _name = "smart.dairy.fact.customer"
    _inherit = "smart.dairy.fact"
    _auto = False
    _order = "date desc"
    _description = "Customer Facts"
    _fact_sources = ("sale.order", "res.partner")
    _fact_dimensions = ("partner_id", "region_id", "team_id")
    _fact_measures = ("order_count", "revenue", "partner_id")

    partner_id = fields.Many2one("res.partner", "Customer", readonly=True)
    region_id = fields.Many2one("smart.dairy.region", readonly=True)
    team_id = fields.Many2one("crm.team", "First Sales Channel", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    first_order_date = fields.Date(readonly=True)
    last_order_date = fields.Date(readonly=True)
    order_count = fields.Integer("Orders", readonly=True)
    revenue = fields.Monetary(readonly=True)

    def _fact_query(self):
        rate = self._currency_rate(SQL("so.currency_rate"))
        return SQL(
            """
            SELECT (so.company_id::bigint << 32) + partner.commercial_partner_id AS id,
                   so.company_id AS company_id,
                   min(%(date)s) AS date,
                   max(so.write_date) AS changed_at,
                   partner.commercial_partner_id AS partner_id,
                   min(commercial.dairy_region_id) AS region_id,
                   (array_agg(so.team_id ORDER BY so.date_order, so.id))[1] AS team_id,
                   min(company.currency_id) AS currency_id,
                   min(%(date)s) AS first_order_date,
                   max(%(date)s) AS last_order_date,
                   count(*) AS order_count,
                   sum(so.amount_untaxed / %(rate)s) AS revenue
              FROM sale_order so
              JOIN res_company company ON company.id = so.company_id
              JOIN res_partner cp ON cp.id = company.partner_id
              JOIN res_partner partner ON partner.id = so.partner_id
              JOIN res_partner commercial ON commercial.id = partner.commercial_partner_id
             WHERE so.state = 'sale'
             GROUP BY so.company_id, partner.commercial_partner_id
            """,
            date=self._local_date(SQL("so.date_order"), SQL("cp.tz")),
            rate=rate,
        )
