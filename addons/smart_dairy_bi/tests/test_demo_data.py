from collections import Counter
from datetime import timedelta

from smart_dairy.demo import load_settings
from smart_dairy.quality import grade

from odoo import fields
from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestDemoData(TransactionCase):
    """Sanity of the generated demo data, in databases installed with demo data."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.settings = load_settings()
        cls.farms = cls.env["smart.dairy.farm"].search(
            [("code", "in", [farm["code"] for farm in cls.settings["farm"]["farms"]])]
        )
        cls.today = fields.Date.context_today(cls.env["smart.dairy.farm"])
        cls.products = cls.env["product.product"].search(
            [("default_code", "in", [p["code"] for p in cls.settings["erp"]["products"]])]
        )
        cls.orders = cls.env["sale.order"].search(
            [
                ("client_order_ref", "=like", "PO-%"),
                ("order_line.product_id", "in", cls.products.ids),
            ]
        )

    def setUp(self):
        super().setUp()
        if not self.farms or not self.orders:
            self.skipTest(
                "The Smart Dairy demo data is not installed (database without demo data)."
            )

    def test_farms_and_herd(self):
        self.assertGreaterEqual(len(self.farms), 3)
        self.assertEqual(len(self.farms.region_id), len(self.farms), "one region per farm")
        animals = self.env["smart.dairy.animal"].search([("farm_id", "in", self.farms.ids)])
        self.assertGreaterEqual(len(animals), 150)
        statuses = Counter(animals.mapped("status"))
        self.assertGreater(statuses["lactating"], len(animals) / 2)
        self.assertTrue(statuses["dry"] and statuses["heifer"] and statuses["sold"])
        for farm in self.farms:
            herd = farm.animal_ids.filtered(lambda a: a.status in ("lactating", "dry", "heifer"))
            self.assertEqual(farm.herd_size, len(herd))
            self.assertTrue(herd)

    def test_milkings_cover_the_last_twelve_months(self):
        Milking = self.env["smart.dairy.milking"]
        domain = [("farm_id", "in", self.farms.ids)]
        [(count, first, last)] = Milking._read_group(
            domain, aggregates=["__count", "date:min", "date:max"]
        )
        self.assertGreaterEqual(count, 85000)
        self.assertLessEqual(last, self.today, "no milking in the future")
        self.assertGreaterEqual(last, self.today - timedelta(days=1))
        self.assertGreaterEqual(first, self.today - timedelta(days=366))
        self.assertLessEqual(first, self.today - timedelta(days=360))
        sessions = dict(Milking._read_group(domain, ["session"], ["__count"]))
        self.assertEqual(set(sessions), {"morning", "evening"})
        lactating = self.farms.animal_ids.filtered(lambda a: a.status == "lactating")
        milked_today = Milking.search([("date", "=", self.today), *domain]).animal_id
        self.assertEqual(milked_today, lactating)

    def test_quality_grades_follow_company_thresholds(self):
        Milking = self.env["smart.dairy.milking"]
        domain = [("farm_id", "in", self.farms.ids)]
        grades = dict(Milking._read_group(domain, ["quality_grade"], ["__count"]))
        total = sum(grades.values())
        self.assertLess(grades.get("rejected", 0), total / 10)
        self.assertGreater(grades.get("premium", 0) + grades.get("a", 0), total * 0.8)
        self.assertTrue(grades.get("b"))
        thresholds = self.env.company._get_dairy_grade_thresholds()
        for milking in Milking.search(domain, limit=500, order="scc desc"):
            expected = grade(milking.scc, milking.fat_pct, milking.protein_pct, thresholds)
            self.assertEqual(milking.quality_grade, expected)

    def test_feed_records(self):
        feeds = self.env["smart.dairy.feed"].search([("farm_id", "in", self.farms.ids)])
        self.assertEqual(feeds.farm_id, self.farms)
        self.assertGreaterEqual(len(feeds.product_id), 4)
        self.assertTrue(all(feed.cost > 0 and feed.quantity > 0 for feed in feeds))
        self.assertLessEqual(max(feeds.mapped("date")), self.today)

    def test_catalogue(self):
        per_category = Counter(product.categ_id.name for product in self.products)
        self.assertEqual(set(per_category), set(self.settings["erp"]["categories"]))
        self.assertEqual(len(per_category), 6)
        self.assertGreaterEqual(min(per_category.values()), 3)
        for product in self.products:
            self.assertTrue(product.is_storable)
            self.assertGreater(product.list_price, product.standard_price)
            self.assertGreater(product.qty_available, 0, product.display_name)

    def test_customers_regions_and_channels(self):
        customers = self.orders.partner_id
        self.assertGreaterEqual(len(customers), 50)
        self.assertTrue(all(customers.mapped("is_company")))
        self.assertEqual(len(customers.dairy_region_id), 5)
        teams = self.orders.team_id
        self.assertEqual(
            set(teams.mapped("name")),
            {spec["team"] for spec in self.settings["erp"]["channels"].values()},
        )

    def test_orders_delivered_over_twelve_months(self):
        self.assertGreaterEqual(len(self.orders), 1000)
        self.assertEqual(set(self.orders.mapped("state")), {"sale"})
        dates = self.orders.mapped("date_order")
        self.assertLessEqual(max(dates), fields.Datetime.now())
        self.assertGreaterEqual((max(dates) - min(dates)).days, 350)
        self.assertGreaterEqual(min(dates).date(), self.today - timedelta(days=366))
        weekdays = Counter(date.weekday() for date in dates)
        self.assertEqual(weekdays[6], 0, "no orders on Sundays")
        pickings = self.orders.picking_ids
        self.assertEqual(set(pickings.mapped("state")), {"done"})
        self.assertGreaterEqual(min(pickings.mapped("date_done")).date(), min(dates).date())
        for line in self.orders.order_line:
            self.assertEqual(line.qty_delivered, line.product_uom_qty)
        self.assertTrue(self.orders.order_line.filtered(lambda line: line.discount >= 8))

    def test_invoices_mostly_paid_some_overdue(self):
        invoices = self.orders.invoice_ids
        self.assertEqual(set(self.orders.mapped("invoice_status")), {"invoiced"})
        self.assertGreaterEqual(len(invoices), 11 * 40, "monthly invoices of each customer")
        self.assertEqual(set(invoices.mapped("state")), {"posted"})
        states = Counter(invoices.mapped("payment_state"))
        self.assertGreater(states["paid"], len(invoices) * 0.8)
        unpaid = invoices.filtered(lambda inv: inv.payment_state == "not_paid")
        self.assertTrue(unpaid.filtered(lambda inv: inv.invoice_date_due < self.today))
        self.assertTrue(unpaid.filtered(lambda inv: inv.invoice_date_due >= self.today))
        for invoice in invoices[:200]:
            self.assertEqual(invoice.invoice_date, invoice.date)
            self.assertLessEqual(invoice.invoice_date, self.today)

    def test_vendor_bills_mostly_paid(self):
        vendors = self.env["res.partner"].search(
            [("name", "in", [v["name"] for v in self.settings["erp"]["vendors"]])]
        )
        bills = self.env["account.move"].search(
            [("move_type", "=", "in_invoice"), ("partner_id", "in", vendors.ids)]
        )
        self.assertGreaterEqual(len(bills), 40)
        paid = bills.filtered(lambda bill: bill.payment_state == "paid")
        self.assertGreater(len(paid), len(bills) * 0.8)
        self.assertTrue(
            bills.invoice_line_ids.product_id.filtered(lambda p: p.default_code == "FEED-CON")
        )
