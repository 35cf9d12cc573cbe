from odoo import fields, models


class SmartDairyForecastLine(models.Model):
    """One forecast period of one series (a product in a warehouse, or a farm's
    milk) with its 80 % and 95 % bounds and the model chosen for the series. A newer
    run archives the lines of earlier ones until their actuals are known and
    measured, then deletes them."""

    _name = "smart.dairy.forecast.line"
    _description = "Forecast Line"
    _order = "config_id, series_key, date"
    _rec_name = "series_key"

    active = fields.Boolean(default=True, readonly=True)
    run_id = fields.Many2one(
        "smart.dairy.forecast.run", required=True, readonly=True, ondelete="cascade", index=True
    )
    config_id = fields.Many2one(
        "smart.dairy.forecast.config", required=True, readonly=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="config_id.company_id", store=True, index=True)
    target = fields.Selection(related="config_id.target", store=True)
    series_key = fields.Char("Series", required=True, readonly=True)
    product_id = fields.Many2one("product.product", readonly=True, index="btree_not_null")
    warehouse_id = fields.Many2one("stock.warehouse", readonly=True)
    farm_id = fields.Many2one("smart.dairy.farm", readonly=True, index="btree_not_null")
    date = fields.Date("Period", required=True, readonly=True)
    forecast = fields.Float(digits=(16, 2), readonly=True)
    lo_80 = fields.Float("Low 80 %", digits=(16, 2), readonly=True)
    hi_80 = fields.Float("High 80 %", digits=(16, 2), readonly=True)
    lo_95 = fields.Float("Low 95 %", digits=(16, 2), readonly=True)
    hi_95 = fields.Float("High 95 %", digits=(16, 2), readonly=True)
    model = fields.Char(readonly=True)
    reason = fields.Char("Why This Model", readonly=True)
    backtest_mase = fields.Float("Backtest MASE", digits=(6, 3), readonly=True, aggregator="avg")
    backtest_wape = fields.Float("Backtest WAPE", digits=(6, 3), readonly=True, aggregator="avg")
    backtest_smape = fields.Float("Backtest sMAPE", digits=(6, 3), readonly=True, aggregator="avg")
    backtest_bias = fields.Float(
        digits=(6, 3),
        readonly=True,
        aggregator="avg",
        help="Forecast minus actual over the backtest, as a share of the actual volume: "
        "above zero the model forecast too much, below too little.",
    )
    intervals = fields.Char(
        readonly=True, help="How the bounds were made: by the model, or from backtest errors."
    )
