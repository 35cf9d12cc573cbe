from odoo import fields, models
from odoo.tools import SQL


class SmartDairyFactOrder(models.Model):
    """One row per confirmed sale order, amounts in company currency: orders add
    up over days and companies, so order counts and averages roll up exactly."""

    _name = "smart.dairy.fact.order"
    _inherit = "smart.dairy.fact"
    _auto = False
    _order = "date desc"
    _description = "Order Facts"
    _fact_sources = ("sale.order", "sale.order.line", "res.partner")
    _fact_dimensions = ("partner_id", "region_id", "team_id", "user_id")
    _fact_change_tables = ("sale_order",)
    _fact_timestamp_column = "date_order"
    _fact_measures = ("net_amount", "total_amount", "line_count")

    order_id = fields.Many2one("sale.order", readonly=True)
    partner_id = fields.Many2one("res.partner", "Customer", readonly=True)
    region_id = fields.Many2one("smart.dairy.region", readonly=True)
    team_id = fields.Many2one("crm.team", "Sales Channel", readonly=True)
    user_id = fields.Many2one("res.users", "Salesperson", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    net_amount = fields.Monetary("Net (Untaxed)", readonly=True)
    total_amount = fields.Monetary("Total", readonly=True)
    line_count = fields.Integer("Lines", readonly=True)

    def _fact_query(self):
        return SQL(
            """
            SELECT so.id AS id,
                   so.company_id AS company_id,
                   %(date)s AS date,
                   so.write_date AS changed_at,
                   so.id AS order_id,
                   so.date_order AS date_order,
                   partner.commercial_partner_id AS partner_id,
                   commercial.dairy_region_id AS region_id,
                   so.team_id AS team_id,
                   so.user_id AS user_id,
                   company.currency_id AS currency_id,
                   so.amount_untaxed / %(rate)s AS net_amount,
                   so.amount_total / %(rate)s AS total_amount,
                   (SELECT count(*) FROM sale_order_line sol
                     WHERE sol.order_id = so.id AND sol.display_type IS NULL) AS line_count
              FROM sale_order so
              JOIN res_company company ON company.id = so.company_id
              JOIN res_partner cp ON cp.id = company.partner_id
              JOIN res_partner partner ON partner.id = so.partner_id
              JOIN res_partner commercial ON commercial.id = partner.commercial_partner_id
             WHERE so.state = 'sale'
            """,
            date=self._local_date(SQL("so.date_order"), SQL("cp.tz")),
            rate=self._currency_rate(SQL("so.currency_rate")),
        )
