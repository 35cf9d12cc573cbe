from smart_dairy import forecast as engine

from odoo import api, fields, models

from .smart_dairy_forecast_config import PERIOD_DAYS


class SmartDairyExpiryProjection(models.Model):
    """Expected waste of an on-hand lot: what forecast demand will not have consumed
    (first-expiry-first-out) when the lot expires, in quantity and at unit cost.
    Computed by product demand runs when lots carry expiration dates (Odoo's
    product_expiry; without it there is nothing to project)."""

    _name = "smart.dairy.expiry.projection"
    _description = "Expiry Projection"
    _order = "expiry, id"
    _rec_name = "lot_id"

    run_id = fields.Many2one("smart.dairy.forecast.run", readonly=True, ondelete="set null")
    config_id = fields.Many2one(
        "smart.dairy.forecast.config", required=True, readonly=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="config_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    product_id = fields.Many2one("product.product", required=True, readonly=True)
    warehouse_id = fields.Many2one("stock.warehouse", required=True, readonly=True)
    lot_id = fields.Many2one("stock.lot", required=True, readonly=True, ondelete="cascade")
    expiry = fields.Date("Expires On", readonly=True)
    quantity = fields.Float("On Hand", digits=(16, 2), readonly=True)
    expiring = fields.Float("Expected Waste", digits=(16, 2), readonly=True)
    value = fields.Monetary("Expected Waste Value", readonly=True)

    @api.model
    def _project(self, run, lines):
        """Replace the configuration's projections with those of ``run``; alert per
        product and warehouse with expected waste. Returns the projections."""
        config = run.config_id
        self.search([("config_id", "=", config.id)]).unlink()
        if "expiration_date" not in self.env["stock.lot"]._fields:
            return self
        series = {}
        for line in lines.sorted("date"):
            series.setdefault((line.product_id, line.warehouse_id), []).append(line)
        values = []
        for (product, warehouse), forecast in series.items():
            lots = self._lots(product, warehouse)
            if not lots:
                continue
            demand = [(line.date, line.forecast) for line in forecast]
            for waste in engine.project_expiry(
                lots, demand, run.as_of, period_days=PERIOD_DAYS[config.frequency]
            ):
                values.append(
                    {
                        "run_id": run.id,
                        "config_id": config.id,
                        "product_id": product.id,
                        "warehouse_id": warehouse.id,
                        "lot_id": waste.lot_id,
                        "expiry": waste.expiry,
                        "quantity": waste.quantity,
                        "expiring": waste.expiring,
                        "value": waste.value,
                    }
                )
        projections = self.create(values)
        raised = projections._alert(run)
        for product, warehouse in series:
            key = _alert_key(run, product, warehouse)
            if key not in raised:
                self.env["smart.dairy.alert"]._resolve(
                    key, self.env._("No stock is expected to expire unsold any more.")
                )
        return projections

    def _lots(self, product, warehouse):
        """The product's on-hand lots with an expiration date in the warehouse."""
        quants = self.env["stock.quant"].search(
            [
                ("product_id", "=", product.id),
                ("location_id", "child_of", warehouse.view_location_id.id),
                ("location_id.usage", "=", "internal"),
                ("lot_id.expiration_date", "!=", False),
                ("quantity", ">", 0),
            ]
        )
        on_hand = {}
        for quant in quants:
            on_hand[quant.lot_id] = on_hand.get(quant.lot_id, 0.0) + quant.quantity
        return [
            engine.Lot(
                lot.id,
                quantity,
                fields.Datetime.context_timestamp(lot, lot.expiration_date).date(),
                product.with_company(warehouse.company_id).standard_price,
            )
            for lot, quantity in on_hand.items()
        ]

    def _alert(self, run):
        """An alert per product and warehouse with expected waste; returns their keys."""
        Alert = self.env["smart.dairy.alert"]
        wasted = self.filtered(lambda p: p.expiring > 0)
        groups = {}
        for projection in wasted:
            groups.setdefault((projection.product_id, projection.warehouse_id), []).append(
                projection
            )
        for (product, warehouse), projections in groups.items():
            first = min(projections, key=lambda p: p.expiry)
            quantity = sum(p.expiring for p in projections)
            value = sum(p.value for p in projections)
            Alert._raise(
                _alert_key(run, product, warehouse),
                {
                    "name": self.env._(
                        "Stock expiring unsold: %(product)s", product=product.display_name
                    ),
                    "source": "forecast",
                    "company_id": run.company_id.id,
                    "user_id": run.config_id._responsible(product=product).id,
                    "severity": "warning",
                    "period_start": first.expiry,
                    "value": quantity,
                    "message": self.env._(
                        "%(quantity).2f of %(product)s in %(warehouse)s will expire before "
                        "forecast demand uses it (worth %(value).2f %(currency)s), the first "
                        "lot on %(day)s.",
                        quantity=quantity,
                        product=product.display_name,
                        warehouse=warehouse.name,
                        value=value,
                        currency=run.company_id.currency_id.name,
                        day=first.expiry,
                    ),
                },
            )
        return {_alert_key(run, product, warehouse) for product, warehouse in groups}


def _alert_key(run, product, warehouse):
    return f"forecast:run:{run.config_id.id}:expiry:{product.id}:{warehouse.id}"
