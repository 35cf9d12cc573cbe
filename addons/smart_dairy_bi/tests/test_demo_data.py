from collections import Counter
from datetime import timedelta

from smart_dairy.demo import generate_erp_demo, generate_farm_demo, load_settings
from smart_dairy.quality import grade

from odoo import fields
from odoo.tests import TransactionCase, tagged

from odoo.addons.smart_dairy_base.tests.demo import demo_company_and_day


@tagged("post_install", "-at_install")
class TestDemoData(TransactionCase):
    """The demo database holds exactly what the seeded generators give for the day
    the demo was generated, in the demo company only: every figure here is true
    by construction, whatever day the demo was installed or the tests run."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company, cls.day = demo_company_and_day(cls.env)
        if not cls.company or not cls.day:
            return
        cls.settings = load_settings()
        cls.farm_demo = generate_farm_demo(cls.day)
        cls.erp_demo = generate_erp_demo(cls.day)
        cls.farms = cls.env["smart.dairy.farm"].search([("company_id", "=", cls.company.id)])
        cls.products = cls.env["product.product"].search(
            [
                ("default_code", "in", [p.code for p in cls.erp_demo.products]),
                ("company_id", "=", cls.company.id),
            ]
        )
        cls.orders = cls.env["sale.order"].search([("company_id", "=", cls.company.id)])

    def setUp(self):
        super().setUp()
        if not self.day:
            self.skipTest("The Smart Dairy demo data is not installed (database without demo).")

    def test_demo_lives_in_its_own_company(self):
        admin = self.env.ref("base.user_admin")
        self.assertEqual(admin.company_id, self.company)
        self.assertIn(self.env.ref("base.main_company"), admin.company_ids)
        self.assertFalse(
            self.env["smart.dairy.farm"].search([("company_id", "!=", self.company.id)])
        )
        self.assertEqual(
            set(self.orders.mapped("client_order_ref")), {o.ref for o in self.erp_demo.orders}
        )
        self.assertEqual(self.orders.order_line.product_id, self.products)
        customers = self.orders.partner_id
        self.assertEqual(set(customers.mapped("company_id")), {self.company})
        self.assertEqual(len(customers.dairy_region_id), len(self.settings["regions"]))

    def test_farms_and_herd(self):
        demo = self.farm_demo
        self.assertEqual(sorted(self.farms.mapped("code")), sorted(f.code for f in demo.farms))
        animals = self.env["smart.dairy.animal"].search([("farm_id", "in", self.farms.ids)])
        self.assertEqual(Counter(animals.mapped("status")), Counter(a.status for a in demo.animals))
        for farm in self.farms:
            herd = farm.animal_ids.filtered(lambda a: a.status in ("lactating", "dry", "heifer"))
            self.assertEqual(farm.herd_size, len(herd))
            self.assertTrue(herd)

    def test_milkings_cover_two_years_up_to_the_demo_day(self):
        Milking = self.env["smart.dairy.milking"]
        domain = [("farm_id", "in", self.farms.ids)]
        [(count, first, last)] = Milking._read_group(
            domain, aggregates=["__count", "date:min", "date:max"]
        )
        self.assertEqual(count, len(self.farm_demo.milkings))
        self.assertEqual(first, self.day - timedelta(days=self.settings["history_days"] - 1))
        self.assertEqual(last, self.day)
        lactating = self.farms.animal_ids.filtered(lambda a: a.status == "lactating")
        milked = Milking.search([("date", "=", self.day), *domain]).animal_id
        self.assertEqual(milked, lactating)
        feeds = self.env["smart.dairy.feed"].search_count([("farm_id", "in", self.farms.ids)])
        self.assertEqual(feeds, len(self.farm_demo.feeds))

    def test_quality_grades_follow_company_thresholds(self):
        Milking = self.env["smart.dairy.milking"]
        thresholds = self.company._get_dairy_grade_thresholds()
        domain = [("farm_id", "in", self.farms.ids)]
        for milking in Milking.search(domain, limit=500, order="scc desc"):
            expected = grade(milking.scc, milking.fat_pct, milking.protein_pct, thresholds)
            self.assertEqual(milking.quality_grade, expected)

    def test_catalogue(self):
        self.assertEqual(len(self.products), len(self.erp_demo.products))
        self.assertEqual(set(self.products.categ_id.mapped("name")), set(self.erp_demo.categories))
        for product in self.products:
            self.assertTrue(product.is_storable)
            self.assertGreater(product.qty_available, 0, product.display_name)

    def test_orders_delivered_over_two_years(self):
        demo = self.erp_demo
        self.assertEqual(len(self.orders), len(demo.orders))
        self.assertEqual(set(self.orders.mapped("state")), {"sale"})
        dates = self.orders.mapped("date_order")
        self.assertGreaterEqual(min(dates).date(), demo.start - timedelta(days=1))
        self.assertLessEqual(max(dates), fields.Datetime.now())
        pickings = self.orders.picking_ids
        self.assertEqual(set(pickings.mapped("state")), {"done"})
        self.assertEqual(len(pickings), len(self.orders))
        for line in self.orders.order_line:
            self.assertEqual(line.qty_delivered, line.product_uom_qty)
        self.assertEqual(
            len(self.orders.order_line), sum(len(order.lines) for order in demo.orders)
        )

    def test_invoices_and_payments_as_generated(self):
        demo = self.erp_demo
        invoices = self.orders.invoice_ids
        self.assertEqual(set(self.orders.mapped("invoice_status")), {"invoiced"})
        self.assertEqual(len(invoices), len(demo.invoices))
        self.assertEqual(set(invoices.mapped("state")), {"posted"})
        paid = invoices.filtered(lambda inv: inv.payment_state in ("paid", "in_payment"))
        self.assertEqual(len(paid), sum(1 for i in demo.invoices if i.payment_date))
        self.assertEqual(
            sorted(invoices.mapped("invoice_date")), sorted(i.invoice_date for i in demo.invoices)
        )
        for invoice in invoices[:200]:
            self.assertEqual(invoice.invoice_date, invoice.date)

    def test_copied_documents_hold_when_the_orm_recomputes_them(self):
        """The demo's history is written as SQL copies of ORM-made documents: a
        sample of orders spread over the two years, with their lines, deliveries,
        invoices, journal items and payments, and of vendor bills, keeps every stored computed value
        when the ORM computes it again."""
        orders = self.orders.sorted("id")[1::97]
        invoices = orders.invoice_ids
        bills = self.env["account.move"].search(
            [("move_type", "=", "in_invoice"), ("company_id", "=", self.company.id)], order="id"
        )[1::13]
        items = (invoices | bills).line_ids | (
            invoices | bills
        ).matched_payment_ids.move_id.line_ids
        sample = {
            orders: (
                "amount_untaxed",
                "amount_tax",
                "amount_total",
                "invoice_status",
                "delivery_status",
            ),
            orders.order_line: (
                "price_subtotal",
                "price_tax",
                "price_total",
                "price_reduce_taxexcl",
                "qty_delivered",
                "qty_invoiced",
                "qty_to_invoice",
                "invoice_status",
                "untaxed_amount_invoiced",
                "untaxed_amount_to_invoice",
            ),
            orders.picking_ids: ("state",),
            orders.picking_ids.move_ids: ("product_qty", "reference"),
            invoices: (
                "amount_untaxed",
                "amount_tax",
                "amount_total",
                "amount_residual",
                "payment_state",
                "invoice_partner_display_name",
            ),
            bills: (
                "date",
                "invoice_date_due",
                "fiscal_position_id",
                "invoice_payment_term_id",
                "amount_untaxed",
                "amount_total",
                "amount_residual",
                "payment_state",
                "invoice_partner_display_name",
            ),
            items: ("price_subtotal", "price_total", "amount_residual", "reconciled"),
            bills.line_ids: ("account_id", "name"),
            (invoices | bills).matched_payment_ids: (
                "is_reconciled",
                "amount_company_currency_signed",
            ),
        }
        self.assertGreater(len(orders), 10)
        self.assertTrue(invoices.matched_payment_ids)
        self.assertGreater(len(bills), 5)
        self.assertTrue(bills.matched_payment_ids)
        differences = []
        for records, names in sample.items():
            stored = {name: [record[name] for record in records] for name in names}
            records.invalidate_recordset(names)
            for name in names:
                self.env.add_to_compute(records._fields[name], records)
            differences += [
                (f"{records._name}.{name}", record.display_name, stored[name][index], value)
                for name in names
                for index, record in enumerate(records)
                if (value := record[name]) != stored[name][index]
            ]
        self.assertEqual(differences, [], "(field, record, stored, recomputed)")

    def test_vendor_bills_as_generated(self):
        bills = self.env["account.move"].search(
            [("move_type", "=", "in_invoice"), ("company_id", "=", self.company.id)]
        )
        self.assertEqual(len(bills), len(self.erp_demo.bills))
        paid = bills.filtered(lambda bill: bill.payment_state in ("paid", "in_payment"))
        self.assertEqual(len(paid), sum(1 for b in self.erp_demo.bills if b.payment_date))
