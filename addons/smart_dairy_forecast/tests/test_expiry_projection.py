import datetime as dt

from odoo import Command
from odoo.tests import TransactionCase, new_test_user, tagged

DAY = dt.date(2025, 6, 30)


@tagged("post_install", "-at_install")
class TestExpiryProjection(TransactionCase):
    """Expected waste of lots with expiration dates (only with product_expiry, which
    the suite does not depend on), worked out by hand."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.has_expiry = "expiration_date" in cls.env["stock.lot"]._fields
        if not cls.has_expiry:
            return
        cls.company = cls.env["res.company"].create({"name": "Expiry Dairy"})
        cls.warehouse = cls.env["stock.warehouse"].search(
            [("company_id", "=", cls.company.id)], limit=1
        )
        cls.product = cls.env["product.product"].create(
            {
                "name": "Expiry Yoghurt",
                "is_storable": True,
                "tracking": "lot",
                "use_expiration_date": True,
                "standard_price": 7.0,  # the cost in the main company, not this one's
            }
        )
        cls.product.with_company(cls.company).standard_price = 2.0
        Lot = cls.env["stock.lot"]
        cls.soon = Lot.create(cls._lot("SOON", DAY + dt.timedelta(days=3)))
        cls.later = Lot.create(cls._lot("LATER", DAY + dt.timedelta(days=10)))
        Quant = cls.env["stock.quant"]
        stock = cls.warehouse.lot_stock_id
        Quant._update_available_quantity(cls.product, stock, 50.0, lot_id=cls.soon)
        Quant._update_available_quantity(cls.product, stock, 40.0, lot_id=cls.later)
        cls.planner = new_test_user(
            cls.env,
            "expiry_planner",
            groups="smart_dairy_base.group_smart_dairy_user",
            company_id=cls.company.id,
            company_ids=[Command.set(cls.company.ids)],
        )
        cls.config = cls.env["smart.dairy.forecast.config"].create(
            {
                "name": "Daily demand",
                "company_id": cls.company.id,
                "user_id": cls.planner.id,
                "target": "product_demand",
                "horizon": 14,
            }
        )
        cls.forecast_run = cls.config._queue_runs()
        cls.forecast_run.as_of = DAY
        cls.lines = cls.env["smart.dairy.forecast.line"].create(
            [
                {
                    "run_id": cls.forecast_run.id,
                    "config_id": cls.config.id,
                    "series_key": f"{cls.product.id}:{cls.warehouse.id}",
                    "product_id": cls.product.id,
                    "warehouse_id": cls.warehouse.id,
                    "date": DAY + dt.timedelta(days=i),
                    "forecast": 10.0,
                    "hi_95": 14.0,
                }
                for i in range(14)
            ]
        )

    @classmethod
    def _lot(cls, name, expiry):
        return {
            "name": name,
            "product_id": cls.product.id,
            "company_id": cls.company.id,
            "expiration_date": dt.datetime.combine(expiry, dt.time(12)),
        }

    def setUp(self):
        super().setUp()
        if not self.has_expiry:
            self.skipTest("lots have no expiration date without product_expiry")

    def project(self):
        Projection = self.env["smart.dairy.expiry.projection"]
        return Projection._project(self.forecast_run, self.lines)

    def test_first_expiry_first_out_by_hand(self):
        projections = self.project()
        by_lot = {p.lot_id: p for p in projections}
        # 10 a day from 30 June: SOON (50, expires 3 July) sells 30 on 30 June - 2 July
        # and wastes 20, worth 20 x 2.00 = 40.00; LATER (40, expires 10 July) sells out
        # from 3 July.
        soon, later = by_lot[self.soon], by_lot[self.later]
        self.assertEqual((soon.quantity, soon.expiring, soon.value), (50.0, 20.0, 40.0))
        self.assertEqual(soon.expiry, DAY + dt.timedelta(days=3))
        self.assertEqual((later.quantity, later.expiring, later.value), (40.0, 0.0, 0.0))

    def test_waste_raises_an_alert_that_a_rerun_without_waste_resolves(self):
        self.project()
        key = f"forecast:run:{self.config.id}:expiry:{self.product.id}:{self.warehouse.id}"
        Alert = self.env["smart.dairy.alert"]
        alert = Alert.search([("dedup_key", "=", key), ("state", "!=", "resolved")])
        self.assertEqual(
            (alert.source, alert.value, alert.company_id), ("forecast", 20.0, self.company)
        )
        self.assertIn("40.00", alert.message)
        # the product has no responsible here: the configuration's gets the to-do
        self.assertFalse(self.product.with_company(self.company).responsible_id)
        self.assertEqual(alert.user_id, self.planner)
        self.assertEqual(alert.activity_ids.user_id, self.planner)
        self.lines.write({"forecast": 20.0})
        projections = self.project()
        self.assertEqual(len(projections), 2, "a rerun replaces the projections")
        self.assertFalse(sum(projections.mapped("expiring")))
        self.assertEqual(alert.state, "resolved")
