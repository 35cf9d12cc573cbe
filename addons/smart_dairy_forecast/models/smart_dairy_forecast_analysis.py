from odoo import fields, models
from odoo.tools import SQL

from .smart_dairy_forecast_config import TARGETS

FIGURES = [("actual", "Actual"), ("forecast", "Forecast")]
# Actual periods shown before each configuration's forecast: this many horizons, at
# least MIN_ACTUALS periods (as the dashboard's forecast widget does).
ACTUAL_HORIZONS, MIN_ACTUALS = 3, 8


class SmartDairyForecastAnalysis(models.Model):
    """The latest forecast of each configuration beside the actuals of its series,
    one row per series, period and figure: the recent periods before the forecast and
    the forecast periods already under way, read live from milkings and sales, in the
    periods of the configuration (days, weeks from Monday or months). A period before
    the forecast without a sale is a demand of zero; one without milk recorded has no
    actual (not recorded is not zero)."""

    _name = "smart.dairy.forecast.analysis"
    _description = "Forecast Analysis"
    _auto = False
    _order = "config_id, series_key, date, figure"
    # flushed before the query reads them
    _depends = {
        "smart.dairy.forecast.line": [
            "active", "config_id", "series_key", "product_id", "warehouse_id", "farm_id",
            "date", "forecast", "lo_95", "hi_95",
        ],
        "smart.dairy.forecast.config": ["company_id", "target", "frequency", "horizon"],
        "smart.dairy.milking": ["company_id", "farm_id", "date", "volume"],
        "sale.order": ["company_id", "date_order", "state", "warehouse_id"],
        "sale.order.line": [
            "company_id", "order_id", "product_id", "product_uom_qty", "display_type",
            "is_downpayment",
        ],
    }  # fmt: skip

    config_id = fields.Many2one("smart.dairy.forecast.config", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    target = fields.Selection(TARGETS, readonly=True)
    series_key = fields.Char("Series", readonly=True)
    product_id = fields.Many2one("product.product", readonly=True)
    warehouse_id = fields.Many2one("stock.warehouse", readonly=True)
    farm_id = fields.Many2one("smart.dairy.farm", readonly=True)
    date = fields.Date("Period", readonly=True)
    figure = fields.Selection(FIGURES, readonly=True)
    quantity = fields.Float(digits=(16, 2), readonly=True)
    actual = fields.Float(digits=(16, 2), readonly=True, help="The quantity of actual rows.")
    forecast = fields.Float(digits=(16, 2), readonly=True, help="The quantity of forecast rows.")
    lo_95 = fields.Float("Low 95 %", digits=(16, 2), readonly=True)
    hi_95 = fields.Float("High 95 %", digits=(16, 2), readonly=True)

    @property
    def _table_query(self):
        period = SQL(
            """CASE c.frequency WHEN 'D' THEN src.date
                                WHEN 'W' THEN date_trunc('week', src.date)::date
                                ELSE date_trunc('month', src.date)::date END"""
        )
        return SQL(
            """
            WITH series AS (
                SELECT config_id, series_key, min(product_id) AS product_id,
                       min(warehouse_id) AS warehouse_id, min(farm_id) AS farm_id
                  FROM smart_dairy_forecast_line
                 WHERE active
                 GROUP BY config_id, series_key
            ), steps AS (
                SELECT c.id, c.company_id, c.target, c.frequency, min(l.date) AS first_forecast,
                       max(l.date) AS last_date,
                       GREATEST(%(horizons)s * c.horizon, %(minimum)s) AS lookback,
                       CASE c.frequency WHEN 'D' THEN interval '1 day'
                                        WHEN 'W' THEN interval '1 week'
                                        ELSE interval '1 month' END AS step
                  FROM smart_dairy_forecast_config c
                  JOIN smart_dairy_forecast_line l ON l.config_id = c.id AND l.active
                 GROUP BY c.id
            ), configs AS (
                SELECT *, (first_forecast - lookback * step)::date AS first_date FROM steps
            ), recorded AS (
                SELECT c.id AS config_id, 'farm:' || src.farm_id AS series_key,
                       %(period)s AS date, sum(src.volume) AS quantity
                  FROM configs c
                  JOIN smart_dairy_milking src
                    ON src.company_id = c.company_id
                   AND src.date >= c.first_date
                   AND src.date <= c.last_date + interval '1 month'
                 WHERE c.target = 'farm_milk'
                 GROUP BY 1, 2, 3
                 UNION ALL
                SELECT c.id, src.product_id || ':' || so.warehouse_id, %(period)s,
                       sum(src.quantity)
                  FROM configs c
                  JOIN smart_dairy_fact_sales src
                    ON src.company_id = c.company_id
                   AND src.date >= c.first_date
                   AND src.date <= c.last_date + interval '1 month'
                  JOIN sale_order so ON so.id = src.order_id AND so.warehouse_id IS NOT NULL
                 WHERE c.target = 'product_demand'
                 GROUP BY 1, 2, 3
            ), no_sale AS (
                SELECT c.id AS config_id, s.series_key, day::date AS date, 0.0 AS quantity
                  FROM configs c
                  JOIN series s ON s.config_id = c.id
                 CROSS JOIN generate_series(
                       c.first_date::timestamp, c.first_forecast - c.step, c.step) AS day
                 WHERE c.target = 'product_demand'
                   AND NOT EXISTS (SELECT 1 FROM recorded r
                                    WHERE r.config_id = c.id AND r.series_key = s.series_key
                                      AND r.date = day::date)
            ), actual AS (
                SELECT * FROM recorded UNION ALL SELECT * FROM no_sale
            )
            SELECT l.id, l.config_id, c.company_id, c.target, l.series_key, l.product_id,
                   l.warehouse_id, l.farm_id, l.date, 'forecast' AS figure,
                   l.forecast AS quantity, NULL AS actual, l.forecast, l.lo_95, l.hi_95
              FROM smart_dairy_forecast_line l
              JOIN configs c ON c.id = l.config_id
             WHERE l.active
             UNION ALL
            SELECT -row_number() OVER (ORDER BY a.config_id, a.series_key, a.date),
                   a.config_id, c.company_id, c.target, a.series_key, s.product_id,
                   s.warehouse_id, s.farm_id, a.date, 'actual', a.quantity, a.quantity, NULL,
                   NULL, NULL
              FROM actual a
              JOIN series s USING (config_id, series_key)
              JOIN configs c ON c.id = a.config_id
             WHERE a.date <= c.last_date
            """,
            horizons=ACTUAL_HORIZONS,
            minimum=MIN_ACTUALS,
            period=period,
        )
