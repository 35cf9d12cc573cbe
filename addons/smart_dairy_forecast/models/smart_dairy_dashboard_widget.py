from odoo import api, fields, models
from odoo.exceptions import ValidationError

FORECAST_VIEWS = [
    ("forecast", "Forecast against actual"),
    ("error", "Error trend"),
]


class SmartDairyDashboardWidget(models.Model):
    """The forecast widget type: one configuration's latest forecast with its bands
    against the actuals, or the realised error of its past runs."""

    _inherit = "smart.dairy.dashboard.widget"

    widget_type = fields.Selection(
        selection_add=[("forecast", "Forecast")], ondelete={"forecast": "cascade"}
    )
    forecast_config_id = fields.Many2one(
        "smart.dairy.forecast.config",
        "Forecast",
        ondelete="cascade",
        index="btree_not_null",
        help="The forecast configuration the widget shows.",
    )
    forecast_view = fields.Selection(
        FORECAST_VIEWS,
        default="forecast",
        help="Forecast against actual: recent actuals and the latest run's forecast with "
        "its 80 % and 95 % bands. Error trend: the realised WAPE of past runs against "
        "their backtest WAPE.",
    )
    forecast_farm_id = fields.Many2one(
        "smart.dairy.farm", help="One farm's series (empty: all farms)."
    )
    forecast_product_id = fields.Many2one(
        "product.product",
        help="One product's series, all warehouses (empty: all products).",
    )

    @api.constrains(
        "widget_type",
        "forecast_config_id",
        "forecast_view",
        "forecast_farm_id",
        "forecast_product_id",
        "kpi_ids",
        "breakdown_id",
    )
    def _check_forecast(self):
        for widget in self.filtered(lambda w: w.widget_type == "forecast"):
            config = widget.forecast_config_id
            if not config or not widget.forecast_view:
                raise ValidationError(
                    self.env._(
                        "Forecast widget %(title)s needs a forecast configuration and a view.",
                        title=widget.title,
                    )
                )
            if widget.kpi_ids or widget.breakdown_id:
                raise ValidationError(
                    self.env._(
                        "Forecast widget %(title)s shows its configuration's forecast: remove "
                        "its KPIs and breakdown.",
                        title=widget.title,
                    )
                )
            if widget.forecast_farm_id and config.target != "farm_milk":
                raise ValidationError(
                    self.env._(
                        "Forecast widget %(title)s picks a farm, but %(config)s forecasts "
                        "product demand: pick a product, or a milk forecast.",
                        title=widget.title,
                        config=config.name,
                    )
                )
            if widget.forecast_product_id and config.target != "product_demand":
                raise ValidationError(
                    self.env._(
                        "Forecast widget %(title)s picks a product, but %(config)s forecasts "
                        "milk per farm: pick a farm, or a demand forecast.",
                        title=widget.title,
                        config=config.name,
                    )
                )

    @api.private
    def _extension_shown(self, env):
        """A forecast widget shows to those who may read its configuration in the
        companies they work in (the configuration's record rules)."""
        if self.widget_type != "forecast":
            return super()._extension_shown(env)
        Config = env["smart.dairy.forecast.config"]
        return bool(
            Config.has_access("read")
            and Config.search_count([("id", "=", self.forecast_config_id.id)], limit=1)
        )

    @api.private
    def _extension_payload(self, env, filters):
        if self.widget_type != "forecast":
            return super()._extension_payload(env, filters)
        config = env["smart.dairy.forecast.config"].browse(self.forecast_config_id.id)
        if self.forecast_view == "error":
            return config._error_trend_payload()
        return config._forecast_chart_payload(
            self.forecast_farm_id, self.forecast_product_id, filters
        )
