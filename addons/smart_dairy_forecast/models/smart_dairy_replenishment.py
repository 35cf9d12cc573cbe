import datetime as dt

from smart_dairy import forecast as engine

from odoo import api, fields, models
from odoo.exceptions import AccessError

from .smart_dairy_forecast_config import PERIOD_DAYS

STOCK_USER_GROUP = "stock.group_stock_user"
STATES = [("proposed", "Proposed"), ("applied", "Applied")]
SERVICE_LEVEL = 95
REVIEW_PERIODS = 1.0


class SmartDairyReplenishment(models.Model):
    """A suggested minimum and maximum for a reordering rule, from the demand
    forecast over the rule's lead time plus safety stock from the 95 % interval
    (engine: ``suggest_min_max``); an Inventory user applies it in one click."""

    _name = "smart.dairy.replenishment"
    _description = "Replenishment Suggestion"
    _order = "state desc, id desc"
    _rec_name = "product_id"

    orderpoint_id = fields.Many2one(
        "stock.warehouse.orderpoint", "Reordering Rule", required=True, readonly=True,
        ondelete="cascade", index=True,
    )  # fmt: skip
    run_id = fields.Many2one("smart.dairy.forecast.run", readonly=True, ondelete="set null")
    config_id = fields.Many2one(
        "smart.dairy.forecast.config", required=True, readonly=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="orderpoint_id.company_id", store=True, index=True)
    product_id = fields.Many2one(related="orderpoint_id.product_id", store=True)
    warehouse_id = fields.Many2one(related="orderpoint_id.warehouse_id", store=True)
    lead_time_days = fields.Float("Lead Time (days)", readonly=True)
    lead_time_demand = fields.Float(digits=(16, 2), readonly=True)
    safety_stock = fields.Float(digits=(16, 2), readonly=True)
    current_min = fields.Float("Current Minimum", digits=(16, 2), readonly=True)
    current_max = fields.Float("Current Maximum", digits=(16, 2), readonly=True)
    suggested_min = fields.Float("Suggested Minimum", digits=(16, 2), readonly=True)
    suggested_max = fields.Float("Suggested Maximum", digits=(16, 2), readonly=True)
    state = fields.Selection(STATES, required=True, default="proposed", readonly=True)
    applied_by = fields.Many2one("res.users", readonly=True)
    applied_at = fields.Datetime(readonly=True)

    def action_apply(self):
        """Set the suggested minimum and maximum on the reordering rules (Inventory
        User, suggestions of their companies)."""
        if not self.env.user.has_group(STOCK_USER_GROUP):
            raise AccessError(self.env._("Only Inventory users may apply replenishment levels."))
        if self.exists() != self or not self.has_access("read"):
            raise AccessError(
                self.env._("These suggestions do not exist or are not yours to apply.")
            )
        self.orderpoint_id.check_access("read")
        for suggestion in self.sudo().filtered(lambda s: s.state == "proposed"):
            suggestion.orderpoint_id.write(
                {
                    "product_min_qty": suggestion.suggested_min,
                    "product_max_qty": suggestion.suggested_max,
                }
            )
            suggestion.write(
                {
                    "state": "applied",
                    "applied_by": self.env.uid,
                    "applied_at": fields.Datetime.now(),
                }
            )
        return True

    @api.model
    def _suggest(self, run, lines):
        """Replace the configuration's proposed suggestions with new ones for every
        active reordering rule whose product and warehouse the run forecast; a rule
        without lead time counts one day; one whose lead time is longer than the
        horizon gets none, as the run's errors say. A rule whose warehouse holds, with the
        receipts expected within the lead time, less than the forecast demand over it
        gets a stock-out alert (resolved once they cover it). Returns the suggestions."""
        config = run.config_id
        self.search([("config_id", "=", config.id), ("state", "=", "proposed")]).unlink()
        orderpoints = self.env["stock.warehouse.orderpoint"].search(
            [
                ("company_id", "=", config.company_id.id),
                ("product_id", "in", lines.product_id.ids),
                ("trigger", "=", "auto"),
            ]
        )
        Alert = self.env["smart.dairy.alert"]
        series = {}
        for line in lines.sorted("date"):
            series.setdefault((line.product_id, line.warehouse_id), []).append(line)
        period = PERIOD_DAYS[config.frequency]
        values, skipped = [], []
        for orderpoint in orderpoints:
            forecast = series.get((orderpoint.product_id, orderpoint.warehouse_id))
            if not forecast:
                continue
            lead_days = max(orderpoint.lead_days, 1.0)
            try:
                levels = engine.suggest_min_max(
                    [line.forecast for line in forecast],
                    [line.hi_95 for line in forecast],
                    lead_days / period,
                    review_period=REVIEW_PERIODS,
                    level=95,
                    service_level=SERVICE_LEVEL,
                )
            except engine.ForecastInputError:
                skipped.append(
                    self.env._(
                        "%(product)s in %(warehouse)s: no suggested minimum and maximum, the "
                        "%(days)g-day lead time is longer than the forecast horizon.",
                        product=orderpoint.product_id.display_name,
                        warehouse=orderpoint.warehouse_id.name,
                        days=lead_days,
                    )
                )
                continue
            key = f"forecast:run:{config.id}:stockout:{orderpoint.id}"
            product = orderpoint.product_id.with_context(
                warehouse_id=orderpoint.warehouse_id.id,
                to_date=fields.Datetime.now() + dt.timedelta(days=lead_days),
            )
            on_hand, incoming = product.qty_available, product.incoming_qty
            if on_hand + incoming < levels.lead_time_demand:
                alert = self._stockout_alert(orderpoint, on_hand, incoming, levels, lead_days)
                alert["user_id"] = config._responsible(product=orderpoint.product_id).id
                Alert._raise(key, alert)
            else:
                Alert._resolve(key, self.env._("The stock covers the lead time again."))
            values.append(
                {
                    "orderpoint_id": orderpoint.id,
                    "run_id": run.id,
                    "config_id": config.id,
                    "lead_time_days": lead_days,
                    "lead_time_demand": levels.lead_time_demand,
                    "safety_stock": levels.safety_stock,
                    "current_min": orderpoint.product_min_qty,
                    "current_max": orderpoint.product_max_qty,
                    "suggested_min": levels.minimum,
                    "suggested_max": levels.maximum,
                }
            )
        if skipped:
            run.errors = "\n".join(filter(None, [run.errors, *skipped]))
        return self.create(values)

    def _stockout_alert(self, orderpoint, on_hand, incoming, levels, lead_days):
        return {
            "name": self.env._(
                "Stock-out within the lead time: %(product)s",
                product=orderpoint.product_id.display_name,
            ),
            "source": "forecast",
            "company_id": orderpoint.company_id.id,
            "severity": "critical" if on_hand + incoming <= 0 else "warning",
            "value": on_hand + incoming,
            "expected": f">= {levels.lead_time_demand:.2f}",
            "message": self.env._(
                "%(warehouse)s holds %(on_hand).2f of %(product)s and expects %(incoming).2f "
                "within the %(days)g-day lead time, while forecast demand over it is "
                "%(demand).2f: it runs out before a new replenishment can arrive.",
                warehouse=orderpoint.warehouse_id.name,
                on_hand=on_hand,
                incoming=incoming,
                product=orderpoint.product_id.display_name,
                days=lead_days,
                demand=levels.lead_time_demand,
            ),
        }
