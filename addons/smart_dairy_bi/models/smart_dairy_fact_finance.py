from odoo import fields, models
from odoo.tools import SQL

ACCOUNT_GROUPS = [
    ("asset", "Assets"),
    ("liability", "Liabilities"),
    ("equity", "Equity"),
    ("income", "Income"),
    ("expense", "Expenses"),
    ("off", "Off Balance"),
]


class SmartDairyFactFinance(models.Model):
    """One row per posted journal item, in company currency."""

    _name = "smart.dairy.fact.finance"
    _inherit = "smart.dairy.fact"
    _auto = False
    _order = "date desc"
    _description = "Finance Facts"
    _fact_sources = ("account.move.line", "account.move", "account.account", "product.product")
    _fact_dimensions = ("account_id", "account_type", "account_group", "journal_id", "partner_id")
    _fact_change_tables = ("account_move_line",)
    _fact_measures = ("debit", "credit", "balance", "amount", "amount_residual")
    _fact_filter_columns = ("journal_type", "display_type", "stock_cost")

    account_id = fields.Many2one("account.account", readonly=True)
    account_type = fields.Char(readonly=True)
    account_group = fields.Selection(ACCOUNT_GROUPS, readonly=True)
    journal_id = fields.Many2one("account.journal", readonly=True)
    journal_type = fields.Char(readonly=True)
    display_type = fields.Char(
        "Line Type",
        readonly=True,
        help="product: an invoice or bill line; cogs: cost of goods sold",
    )
    stock_cost = fields.Boolean(
        "Cost of Goods",
        readonly=True,
        help="Cost of goods sold posted at invoicing (perpetual valuation), or goods "
        "bought into stock on a vendor bill: Cost of Revenue counts them, when they are "
        "sold, so Operating Expenses leave them out.",
    )
    partner_id = fields.Many2one("res.partner", readonly=True)
    move_id = fields.Many2one("account.move", "Journal Entry", readonly=True)
    date_maturity = fields.Date("Due Date", readonly=True)
    currency_id = fields.Many2one("res.currency", readonly=True)
    debit = fields.Monetary(readonly=True)
    credit = fields.Monetary(readonly=True)
    balance = fields.Monetary(readonly=True)
    amount = fields.Monetary(
        readonly=True,
        help="Balance in the account's natural sign: income and liabilities positive.",
    )
    amount_residual = fields.Monetary("Amount Due", readonly=True)

    def _fact_query(self):
        return SQL(
            """
            SELECT aml.id AS id,
                   aml.company_id AS company_id,
                   aml.date AS date,
                   aml.write_date AS changed_at,
                   aml.account_id AS account_id,
                   account.account_type AS account_type,
                   split_part(account.account_type, '_', 1) AS account_group,
                   aml.journal_id AS journal_id,
                   journal.type AS journal_type,
                   aml.display_type AS display_type,
                   (aml.display_type = 'cogs'
                    OR (journal.type = 'purchase' AND COALESCE(tmpl.is_storable, FALSE)))
                       AS stock_cost,
                   aml.partner_id AS partner_id,
                   aml.move_id AS move_id,
                   aml.date_maturity AS date_maturity,
                   company.currency_id AS currency_id,
                   aml.debit AS debit,
                   aml.credit AS credit,
                   aml.balance AS balance,
                   CASE WHEN split_part(account.account_type, '_', 1)
                             IN ('income', 'liability', 'equity')
                        THEN -aml.balance ELSE aml.balance END AS amount,
                   aml.amount_residual AS amount_residual
              FROM account_move_line aml
              JOIN account_account account ON account.id = aml.account_id
              JOIN account_journal journal ON journal.id = aml.journal_id
              LEFT JOIN product_product product ON product.id = aml.product_id
              LEFT JOIN product_template tmpl ON tmpl.id = product.product_tmpl_id
              JOIN res_company company ON company.id = aml.company_id
             WHERE aml.parent_state = 'posted'
            """
        )
