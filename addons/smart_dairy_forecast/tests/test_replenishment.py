import datetime as dt

from odoo import Command, fields
from odoo.exceptions import AccessError
from odoo.tests import TransactionCase, tagged

from .common import CompanyUserMixin

DAY = dt.date(2025, 6, 30)


@tagged("post_install", "-at_install")
class TestReplenishment(CompanyUserMixin, TransactionCase):
    """Suggested minimum and maximum of a reordering rule from forecast lines whose
    mean and 95 % bound are known, worked out by hand; applied by an Inventory user."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env["res.company"].create({"name": "Replenish Dairy"})
        cls.other = cls.env["res.company"].create({"name": "Other Replenish Dairy"})
        cls.warehouse = cls.env["stock.warehouse"].search(
            [("company_id", "=", cls.company.id)], limit=1
        )
        cls.product = cls.env["product.product"].create(
            {"name": "Replenish Yoghurt", "is_storable": True}
        )
        cls.orderpoint = cls.env["stock.warehouse.orderpoint"].create(
            {
                "product_id": cls.product.id,
                "warehouse_id": cls.warehouse.id,
                "location_id": cls.warehouse.lot_stock_id.id,
                "company_id": cls.company.id,
                "product_min_qty": 5.0,
                "product_max_qty": 20.0,
            }
        )
        cls.config = cls.env["smart.dairy.forecast.config"].create(
            {
                "name": "Daily demand",
                "company_id": cls.company.id,
                "target": "product_demand",
                "horizon": 7,
            }
        )
        cls.forecast_run = cls.config._queue_runs()
        key = f"{cls.product.id}:{cls.warehouse.id}"
        # 10 a day, 95 % bound 1.96 standard deviations (2 units) above.
        cls.lines = cls.env["smart.dairy.forecast.line"].create(
            [
                {
                    "run_id": cls.forecast_run.id,
                    "config_id": cls.config.id,
                    "series_key": key,
                    "product_id": cls.product.id,
                    "warehouse_id": cls.warehouse.id,
                    "date": DAY + dt.timedelta(days=i),
                    "forecast": 10.0,
                    "lo_95": 10.0 - 3.92,
                    "hi_95": 10.0 + 3.92,
                }
                for i in range(7)
            ]
        )
        cls.stock_user = cls._user(
            "rep_stock", "base.group_user,stock.group_stock_user", cls.company
        )
        cls.other_stock_user = cls._user(
            "rep_stock_other", "base.group_user,stock.group_stock_user", cls.other
        )
        cls.plain = cls._user("rep_plain", "base.group_user", cls.company)

    def suggest(self):
        # The rule's lead time comes from its routes: none here, so it counts one day.
        self.assertEqual(self.orderpoint.lead_days, 0.0)
        return self.env["smart.dairy.replenishment"]._suggest(self.forecast_run, self.lines)

    def test_levels_by_hand(self):
        suggestion = self.suggest()
        self.assertEqual(suggestion.orderpoint_id, self.orderpoint)
        # Lead time 1 day (no route delay): demand 10; sigma 2, safety 1.96 * 2 = 3.92;
        # minimum 13.92; maximum adds one day of demand: 23.92.
        self.assertEqual(suggestion.lead_time_days, 1.0)
        self.assertAlmostEqual(suggestion.lead_time_demand, 10.0, places=2)
        self.assertAlmostEqual(suggestion.safety_stock, 3.92, places=2)
        self.assertAlmostEqual(suggestion.suggested_min, 13.92, places=2)
        self.assertAlmostEqual(suggestion.suggested_max, 23.92, places=2)
        self.assertEqual((suggestion.current_min, suggestion.current_max), (5.0, 20.0))

    def test_a_new_run_replaces_proposed_suggestions_but_keeps_applied_ones(self):
        first = self.suggest()
        second = self.suggest()
        self.assertFalse(first.exists())
        second.with_user(self.stock_user).action_apply()
        third = self.suggest()
        self.assertTrue(second.exists())
        self.assertEqual(second.state, "applied")
        self.assertEqual(third.state, "proposed")

    def test_an_inventory_user_applies_in_one_click(self):
        suggestion = self.suggest()
        suggestion.with_user(self.stock_user).action_apply()
        self.assertEqual(
            (self.orderpoint.product_min_qty, self.orderpoint.product_max_qty),
            (suggestion.suggested_min, suggestion.suggested_max),
        )
        self.assertEqual((suggestion.state, suggestion.applied_by), ("applied", self.stock_user))

    def test_others_cannot_apply(self):
        suggestion = self.suggest()
        for user in (self.plain, self.other_stock_user):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                suggestion.with_user(user).action_apply()
        self.assertEqual(self.orderpoint.product_min_qty, 5.0)
        self.assertEqual(suggestion.state, "proposed")

    def test_a_lead_time_longer_than_the_horizon_is_reported_not_guessed(self):
        stock = self.warehouse.lot_stock_id
        route = self.env["stock.route"].create(
            {
                "name": "Slow supply",
                "product_selectable": True,
                "company_id": self.company.id,
                "rule_ids": [
                    Command.create(
                        {
                            "name": "Slow supply: 10 days",
                            "action": "pull",
                            "location_src_id": self.env.ref("stock.stock_location_suppliers").id,
                            "location_dest_id": stock.id,
                            "picking_type_id": self.warehouse.in_type_id.id,
                            "procure_method": "make_to_stock",
                            "company_id": self.company.id,
                            "delay": 10,
                        }
                    )
                ],
            }
        )
        self.orderpoint.route_id = route
        self.assertEqual(self.orderpoint.lead_days, 10.0)
        self.assertFalse(
            self.env["smart.dairy.replenishment"]._suggest(self.forecast_run, self.lines)
        )
        self.assertIn("Replenish Yoghurt in", self.forecast_run.errors or "", "the run says why")
        self.assertIn(
            "10-day lead time is longer than the forecast horizon", self.forecast_run.errors
        )

    def test_stock_out_within_the_lead_time_raises_an_alert_until_stock_covers_it(self):
        self.product.with_company(self.company).responsible_id = self.stock_user
        self.suggest()
        key = f"forecast:run:{self.config.id}:stockout:{self.orderpoint.id}"
        Alert = self.env["smart.dairy.alert"]
        alert = Alert.search([("dedup_key", "=", key), ("state", "!=", "resolved")])
        # Nothing on hand against 10 units of demand over the one-day lead time.
        self.assertEqual((alert.source, alert.severity, alert.value), ("forecast", "critical", 0.0))
        self.assertEqual(alert.company_id, self.company)
        # the product's responsible in this company gets the to-do
        self.assertEqual(alert.user_id, self.stock_user)
        self.assertEqual(alert.activity_ids.user_id, self.stock_user)
        # a receipt due after the lead time does not count; one within it does
        Move = self.env["stock.move"].with_company(self.company)
        receipt = {
            "product_id": self.product.id,
            "product_uom_qty": 12.0,
            "product_uom": self.product.uom_id.id,
            "location_id": self.env.ref("stock.stock_location_suppliers").id,
            "location_dest_id": self.warehouse.lot_stock_id.id,
            "company_id": self.company.id,
        }
        late = Move.create({**receipt, "date": fields.Datetime.now() + dt.timedelta(days=3)})
        late._action_confirm()
        self.suggest()
        self.assertEqual(alert.state, "open")
        self.assertIn("expects 0.00 within the 1-day lead time", alert.message)
        Move.create({**receipt, "date": fields.Datetime.now()})._action_confirm()
        self.suggest()
        self.assertEqual(alert.state, "resolved")
