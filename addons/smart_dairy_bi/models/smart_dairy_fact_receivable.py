from odoo import fields, models
from odoo.tools import SQL

AGEING = [
    ("not_due", "Not due"),
    ("1_30", "1-30 days"),
    ("31_60", "31-60 days"),
    ("61_90", "61-90 days"),
    ("over_90", "Over 90 days"),
]


class SmartDairyFactReceivable(models.Model):
    """A snapshot of open customer receivables: one row per posted receivable
    journal item not yet paid, dated today, in an ageing bucket by days overdue."""

    _name = "smart.dairy.fact.receivable"
    _inherit = "smart.dairy.fact"
    _auto = False
    _order = "date_maturity"
    _description = "Receivable Snapshot Facts"
    _fact_sources = ("account.move.line", "account.move", "res.partner")
    _fact_dimensions = ("partner_id", "ageing")
    _fact_measures = ("amount_due",)

    partner_id = fields.Many2one("res.partner", "Customer", readonly=True)
    move_id = fields.Many2one("account.move", "Journal Entry", readonly=True)
    date_maturity = fields.Date("Due Date", readonly=True)
    ageing = fields.Selection(AGEING, readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    amount_due = fields.Monetary(readonly=True)

    def _fact_query(self):
        return SQL(
            """
            SELECT aml.id AS id,
                   aml.company_id AS company_id,
                   CURRENT_DATE AS date,
                   aml.write_date AS changed_at,
                   COALESCE(partner.commercial_partner_id, aml.partner_id) AS partner_id,
                   aml.move_id AS move_id,
                   aml.date_maturity AS date_maturity,
                   CASE WHEN COALESCE(aml.date_maturity, aml.date) >= CURRENT_DATE THEN 'not_due'
                        WHEN CURRENT_DATE - COALESCE(aml.date_maturity, aml.date) <= 30 THEN '1_30'
                        WHEN CURRENT_DATE - COALESCE(aml.date_maturity, aml.date) <= 60 THEN '31_60'
                        WHEN CURRENT_DATE - COALESCE(aml.date_maturity, aml.date) <= 90 THEN '61_90'
                        ELSE 'over_90' END AS ageing,
                   company.currency_id AS currency_id,
                   aml.amount_residual AS amount_due
              FROM account_move_line aml
              JOIN account_account account ON account.id = aml.account_id
              JOIN res_company company ON company.id = aml.company_id
              LEFT JOIN res_partner partner ON partner.id = aml.partner_id
             WHERE aml.parent_state = 'posted'
               AND account.account_type = 'asset_receivable'
               AND aml.amount_residual <> 0
            """
        )
