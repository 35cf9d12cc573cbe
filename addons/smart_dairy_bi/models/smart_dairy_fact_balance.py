from odoo import fields, models
from odoo.tools import SQL

from .smart_dairy_fact_cost import cost_of_revenue_rows

# Days of flows (revenue, purchases, cost of revenue) behind DSO, DPO and DIO.
FLOW_WINDOW_DAYS = 90


class SmartDairyFactBalance(models.Model):
    """One row per company and day: closing receivable and payable balances from
    posted journal items, and stock on hand valued at today's standard cost, rebuilt
    from done stock moves; beside them the flows of the 90 days ending that day
    (invoiced revenue, vendor bills, cost of revenue). DSO, DPO and DIO divide the
    balances by the flows day by day, summed over the period: a month with few
    sales does not make them jump."""

    _name = "smart.dairy.fact.balance"
    _inherit = "smart.dairy.fact"
    _auto = False
    _order = "date desc"
    _description = "Daily Balance Facts"
    _fact_sources = (
        "account.move.line",
        "account.move",
        "account.account",
        "stock.move",
        "product.product",
    )
    _fact_dimensions = ()
    _fact_measures = (
        "receivable",
        "payable",
        "inventory_value",
        "revenue_trailing",
        "purchases_trailing",
        "cost_trailing",
    )

    currency_id = fields.Many2one("res.currency", readonly=True)
    receivable = fields.Monetary("Receivables", readonly=True, aggregator="avg")
    payable = fields.Monetary("Payables", readonly=True, aggregator="avg")
    inventory_value = fields.Monetary(readonly=True, aggregator="avg")
    revenue_trailing = fields.Monetary("Revenue (90 days)", readonly=True, aggregator="avg")
    purchases_trailing = fields.Monetary("Purchases (90 days)", readonly=True, aggregator="avg")
    cost_trailing = fields.Monetary("Cost of Revenue (90 days)", readonly=True, aggregator="avg")

    def _fact_query(self):
        return SQL(
            """
            WITH ledger AS (
                SELECT aml.company_id, aml.date,
                       sum(aml.balance) FILTER (WHERE account.account_type = 'asset_receivable')
                           AS receivable,
                       -sum(aml.balance) FILTER (WHERE account.account_type = 'liability_payable')
                           AS payable,
                       -sum(aml.balance) FILTER (WHERE account.account_type = 'income') AS revenue,
                       sum(aml.balance) FILTER (WHERE journal.type = 'purchase'
                                                  AND aml.display_type = 'product') AS purchases,
                       max(aml.write_date) AS changed_at
                  FROM account_move_line aml
                  JOIN account_account account ON account.id = aml.account_id
                  JOIN account_journal journal ON journal.id = aml.journal_id
                 WHERE aml.parent_state = 'posted'
                   AND (account.account_type IN ('asset_receivable', 'liability_payable', 'income')
                        OR (journal.type = 'purchase' AND aml.display_type = 'product'))
                 GROUP BY aml.company_id, aml.date
            ), cost AS (
                SELECT company_id, date, sum(amount) AS cost, max(changed_at) AS changed_at
                  FROM (%(cost_rows)s) cost_rows
                 GROUP BY company_id, date
            ), stock AS (
                SELECT sm.company_id, sm.date::date AS date,
                       sum(sm.product_qty * CASE WHEN dest.usage = 'internal' THEN 1 ELSE -1 END
                           * COALESCE((pp.standard_price ->> sm.company_id::text)::numeric, 0))
                           AS inventory_value,
                       max(sm.write_date) AS changed_at
                  FROM stock_move sm
                  JOIN stock_location src ON src.id = sm.location_id
                  JOIN stock_location dest ON dest.id = sm.location_dest_id
                  JOIN product_product pp ON pp.id = sm.product_id
                 WHERE sm.state = 'done' AND (src.usage = 'internal') <> (dest.usage = 'internal')
                 GROUP BY sm.company_id, sm.date::date
            ), deltas AS (
                SELECT company_id, date, sum(receivable) AS receivable, sum(payable) AS payable,
                       sum(inventory_value) AS inventory_value, sum(revenue) AS revenue,
                       sum(purchases) AS purchases, sum(cost) AS cost,
                       max(changed_at) AS changed_at
                  FROM (SELECT company_id, date, receivable, payable,
                               NULL::numeric AS inventory_value, revenue, purchases,
                               NULL::numeric AS cost, changed_at
                          FROM ledger
                        UNION ALL
                        SELECT company_id, date, NULL, NULL, inventory_value, NULL, NULL, NULL,
                               changed_at
                          FROM stock
                        UNION ALL
                        SELECT company_id, date, NULL, NULL, NULL, NULL, NULL, cost, changed_at
                          FROM cost
                       ) moves
                 GROUP BY company_id, date
            ), days AS (
                SELECT company_id, generate_series(min(date), CURRENT_DATE, interval '1 day')::date
                           AS date
                  FROM deltas
                 GROUP BY company_id
            )
            SELECT (days.company_id::bigint << 32) + (days.date - DATE '2000-01-01') AS id,
                   days.company_id AS company_id,
                   days.date AS date,
                   max(deltas.changed_at) OVER running AS changed_at,
                   company.currency_id AS currency_id,
                   COALESCE(sum(deltas.receivable) OVER running, 0) AS receivable,
                   COALESCE(sum(deltas.payable) OVER running, 0) AS payable,
                   COALESCE(sum(deltas.inventory_value) OVER running, 0) AS inventory_value,
                   COALESCE(sum(deltas.revenue) OVER last_days, 0) AS revenue_trailing,
                   COALESCE(sum(deltas.purchases) OVER last_days, 0) AS purchases_trailing,
                   COALESCE(sum(deltas.cost) OVER last_days, 0) AS cost_trailing
              FROM days
              JOIN res_company company ON company.id = days.company_id
              LEFT JOIN deltas ON deltas.company_id = days.company_id AND deltas.date = days.date
            WINDOW running AS (PARTITION BY days.company_id ORDER BY days.date),
                   last_days AS (PARTITION BY days.company_id ORDER BY days.date
                                ROWS BETWEEN %(preceding)s PRECEDING AND CURRENT ROW)
            """,
            cost_rows=cost_of_revenue_rows(),
            preceding=FLOW_WINDOW_DAYS - 1,
        )
