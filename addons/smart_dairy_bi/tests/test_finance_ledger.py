import calendar
import datetime

from dateutil.relativedelta import relativedelta

from odoo import Command
from odoo.tests import tagged

from .http_api import Json2Case
from .test_dashboard_data import DashboardCase

CODES = [
    "FIN_REVENUE",
    "PURCHASES",
    "OPEX",
    "FIN_COGS",
    "COST_OF_REVENUE",
    "FIN_GROSS_MARGIN",
    "OPERATING_MARGIN",
    "AVG_RECEIVABLES",
    "AVG_PAYABLES",
    "AVG_INVENTORY",
    "DSO",
    "DPO",
    "DIO",
    "CCC",
    "INVENTORY_TURNOVER",
]


@tagged("post_install", "-at_install")
class TestFinanceLedger(DashboardCase, Json2Case):
    """A month of business written by hand in company A (no taxes, standard cost):
    three customer invoices and a credit note for a return, vendor bills for feed
    and for stock, a vendor credit note, a rent expense, a customer and a vendor
    payment, goods received, delivered and returned, one product in periodic and
    one in perpetual valuation. Every finance KPI is checked against the
    arithmetic in the comments, on the stored values, the dashboard and JSON-2;
    company B's invoice is counted in B only."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # The month before the current one: complete, whatever day the test runs.
        cls.day0 = cls.month - relativedelta(months=1)
        cls.days = calendar.monthrange(cls.day0.year, cls.day0.month)[1]
        cls.month_end = cls.day0 + datetime.timedelta(days=cls.days - 1)
        chart = cls.env.company.chart_template or "generic_coa"
        for company in (cls.company_a, cls.company_b):
            cls.env["account.chart.template"].try_loading(chart, company, install_demo=False)
        env = cls.env(context=dict(cls.env.context, allowed_company_ids=cls.company_a.ids))
        cls.env_a = env
        Account = env["account.account"]
        cls.income = Account.create(
            {"code": "SD400", "name": "Dairy sales", "account_type": "income"}
        )
        cls.feed = Account.create({"code": "SD610", "name": "Feed", "account_type": "expense"})
        cls.rent = Account.create({"code": "SD620", "name": "Rent", "account_type": "expense"})
        cls.cost = Account.create(
            {"code": "SD500", "name": "Cost of goods", "account_type": "expense_direct_cost"}
        )
        # Goods bought, on an Expenses account as in Odoo's generic chart.
        cls.goods = Account.create(
            {"code": "SD600", "name": "Goods bought", "account_type": "expense"}
        )
        cls.stock_account = Account.create(
            {"code": "SD130", "name": "Stock", "account_type": "asset_current"}
        )
        Category = env["product.category"]
        accounts = {
            "property_cost_method": "standard",
            "property_account_income_categ_id": cls.income.id,
            "property_account_expense_categ_id": cls.cost.id,
            "property_stock_valuation_account_id": cls.stock_account.id,
        }
        periodic = Category.create(
            {
                "name": "Periodic",
                "property_valuation": "periodic",
                **accounts,
                "property_account_expense_categ_id": cls.goods.id,
            }
        )
        perpetual = Category.create(
            {"name": "Perpetual", "property_valuation": "real_time", **accounts}
        )
        Product = env["product.product"]
        # P: periodic valuation, standard cost 4.00; R: perpetual, standard cost 6.00.
        cls.p = Product.create(
            {
                "name": "Cheese P",
                "is_storable": True,
                "categ_id": periodic.id,
                "standard_price": 4.0,
            }
        )
        cls.r = Product.create(
            {
                "name": "Butter R",
                "is_storable": True,
                "categ_id": perpetual.id,
                "standard_price": 6.0,
            }
        )
        cls.c1 = cls.customer
        cls.c2 = env["res.partner"].create({"name": "Second Shop", "is_company": True})
        cls.vendor = env["res.partner"].create({"name": "Feed Mill", "is_company": True})

        # Customer documents on day 0: revenue 100 + 100 + 50 - 20 = 230.
        cls.inv1 = cls._move("out_invoice", cls.c1, [(cls.p, 10, 10.0, cls.income)])  # 100
        cls.inv2 = cls._move("out_invoice", cls.c2, [(cls.r, 5, 20.0, cls.income)])  # 100
        cls.inv3 = cls._move("out_invoice", cls.c1, [(None, 1, 50.0, cls.income)])  # service 50
        cls.refund = cls._move("out_refund", cls.c1, [(cls.p, 2, 10.0, cls.income)])  # return -20
        # Vendor documents on day 0: purchases 300 + 80 - 10 = 370.
        cls.feed_bill = cls._move("in_invoice", cls.vendor, [(None, 1, 300.0, cls.feed)])
        cls._move("in_invoice", cls.vendor, [(cls.p, 20, 4.0, cls.goods)])  # stock, 80
        cls._move("in_refund", cls.vendor, [(None, 1, 10.0, cls.feed)])  # feed credit, -10
        # Rent paid from the bank on day 0, no bill: an expense but no purchase.
        misc = env["account.journal"].search(
            [("company_id", "=", cls.company_a.id), ("type", "=", "general")], limit=1
        )
        bank = env["account.journal"].search(
            [("company_id", "=", cls.company_a.id), ("type", "=", "bank")], limit=1
        )
        rent = env["account.move"].create(
            {
                "move_type": "entry",
                "journal_id": misc.id,
                "date": cls.day0,
                "line_ids": [
                    Command.create({"account_id": cls.rent.id, "debit": 40.0}),
                    Command.create({"account_id": bank.default_account_id.id, "credit": 40.0}),
                ],
            }
        )
        rent.action_post()
        # C1 pays invoice 1 (100) on day 10; we pay 150 of the feed bill on day 20.
        cls._pay(cls.inv1, 100.0, cls.day0 + datetime.timedelta(days=9))
        cls._pay(cls.feed_bill, 150.0, cls.day0 + datetime.timedelta(days=19))

        # Stock on day 0: 20 P and 10 R received, 10 P and 5 R delivered, 2 P returned.
        warehouse = env["stock.warehouse"].search([("company_id", "=", cls.company_a.id)])
        stock = warehouse.lot_stock_id
        supplier = cls.env.ref("stock.stock_location_suppliers")
        customers = cls.env.ref("stock.stock_location_customers")
        cls.moves = (
            cls._stock(cls.p, 20, supplier, stock)
            | cls._stock(cls.r, 10, supplier, stock)
            | cls._stock(cls.p, 10, stock, customers)
            | cls._stock(cls.r, 5, stock, customers)
            | cls._stock(cls.p, 2, customers, stock)
        )

        # Company B: one invoice of 1,000, which no figure of company A may show.
        cls.env["account.move"].with_company(cls.company_b).create(
            {
                "move_type": "out_invoice",
                "partner_id": cls.c1.id,
                "invoice_date": cls.day0,
                "invoice_line_ids": [
                    Command.create({"name": "Milk", "quantity": 1, "price_unit": 1000.0,
                                    "tax_ids": [Command.clear()]})
                ],
            }
        ).action_post()  # fmt: skip

        cls.env.flush_all()
        cls.env["smart.dairy.kpi.run"]._run(
            cls.Kpi.search([("code", "in", CODES)]).with_context(active_test=False),
            "manual",
            commit=False,
            date_from=cls.day0 - datetime.timedelta(days=1),
            date_to=cls.today,
        )
        cls.view = cls._dashboard(
            [cls._widget(code, "kpi_card", [code]) for code in CODES], name="Ledger"
        )
        cls.filters = {
            "preset": "custom",
            "date_from": cls.day0.isoformat(),
            "date_to": cls.month_end.isoformat(),
        }

    @classmethod
    def _move(cls, move_type, partner, lines):
        """A posted invoice, bill or credit note dated day 0, without taxes."""
        move = cls.env_a["account.move"].create(
            {
                "move_type": move_type,
                "partner_id": partner.id,
                "invoice_date": cls.day0,
                "date": cls.day0,
                "invoice_date_due": cls.day0,
                "invoice_payment_term_id": False,
                "invoice_line_ids": [
                    Command.create(
                        {
                            "name": product.name if product else "Service",
                            "product_id": product.id if product else False,
                            "quantity": quantity,
                            "price_unit": price,
                            "account_id": account.id,
                            "tax_ids": [Command.clear()],
                        }
                    )
                    for product, quantity, price, account in lines
                ],
            }
        )
        move.action_post()
        return move

    @classmethod
    def _pay(cls, move, amount, day):
        cls.env_a["account.payment.register"].with_context(
            active_model="account.move", active_ids=move.ids
        ).create({"amount": amount, "payment_date": day})._create_payments()

    @classmethod
    def _stock(cls, product, quantity, source, destination):
        """A done stock move on day 0 at noon."""
        move = cls.env_a["stock.move"].create(
            {
                "product_id": product.id,
                "product_uom_qty": quantity,
                "product_uom": product.uom_id.id,
                "location_id": source.id,
                "location_dest_id": destination.id,
                "company_id": cls.company_a.id,
            }
        )
        move._action_confirm()
        move._action_assign()
        move.quantity = quantity
        move.picked = True
        move._action_done()
        noon = datetime.datetime.combine(cls.day0, datetime.time(12))
        move.write({"date": noon})
        move.move_line_ids.write({"date": noon})
        return move

    def expected(self):
        """Every KPI of company A for day 0's month, worked out by hand."""
        n = self.days
        revenue = 100 + 100 + 50 - 20  # 230: three invoices less the credit note
        purchases = 300 + 80 - 10  # 370: feed and stock bills less the vendor credit note
        # 330: feed less its credit note, and rent. Not the goods bought into stock (80)
        # nor R's cost of goods sold (30), which Cost of Revenue counts when sold.
        opex = 300 - 10 + 40
        booked_cost = 5 * 6  # 30 on the cost of revenue account: R's cost at invoicing
        # Cost of revenue: R (perpetual) from its valuation entry at invoicing, 5 x 6 = 30;
        # P (periodic) from deliveries at standard cost, 10 x 4 less the return 2 x 4 = 32.
        cost = 5 * 6 + 10 * 4 - 2 * 4  # 62
        # Receivables: 230 from day 1 to day 9, 130 after C1's payment of 100 on day 10.
        receivable_days = 9 * 230 + (n - 9) * 130
        # Payables: 370 from day 1 to day 19, 220 after our payment of 150 on day 20.
        payable_days = 19 * 370 + (n - 19) * 220
        # Stock at standard cost: in 20 x 4 + 10 x 6 = 140, out 10 x 4 + 5 x 6 = 70, back 2 x 4.
        inventory = 140 - 70 + 8  # 78 every day of the month
        # Every day's 90-day window holds all of day 0's flows (the month has < 90 days):
        # DSO = sum of daily receivables / sum of daily 90-day revenue x 90, and so on.
        dso = receivable_days / (n * revenue) * 90
        dpo = payable_days / (n * purchases) * 90
        dio = inventory * n / (n * cost) * 90  # 78 / 62 x 90 = 113.23 days
        return {
            "FIN_REVENUE": revenue,
            "PURCHASES": purchases,
            "OPEX": opex,
            "FIN_COGS": booked_cost,
            "COST_OF_REVENUE": cost,
            "FIN_GROSS_MARGIN": (revenue - cost) / revenue * 100,  # 168 / 230 = 73.04 %
            "OPERATING_MARGIN": (revenue - cost - opex) / revenue * 100,  # -162 / 230 = -70.43 %
            "AVG_RECEIVABLES": receivable_days / n,
            "AVG_PAYABLES": payable_days / n,
            "AVG_INVENTORY": inventory,
            "DSO": dso,
            "DPO": dpo,
            "DIO": dio,
            "CCC": dio + dso - dpo,
            "INVENTORY_TURNOVER": cost / inventory,
        }

    def screen(self, user=None, companies=None):
        companies = companies or self.company_a
        return (
            self.Dashboard.with_user(user or self.user)
            .with_context(allowed_company_ids=companies.ids)
            .get_dashboard_data(self.view.id, self.filters)
        )

    def cards(self, screen):
        return {w["kpis"][0]["code"]: w["data"]["current"]["value"] for w in screen["widgets"]}

    def test_stored_month_values_match_the_hand_ledger(self):
        expected = self.expected()
        for code, value in expected.items():
            stored = self.stored(code, self.company_a, grain="month")
            if self.kpi[code].kind == "formula":
                continue  # Formulas are evaluated when read, not stored.
            with self.subTest(code=code):
                self.assertAlmostEqual(stored.get(self.day0), value, places=6)
        stored_b = self.stored("FIN_REVENUE", self.company_b, grain="month")
        self.assertAlmostEqual(stored_b.get(self.day0), 1000.0, places=6)

    def test_cost_of_revenue_says_where_each_cost_comes_from(self):
        rows = self.env["smart.dairy.fact.cost"].search(
            [("company_id", "=", self.company_a.id), ("date", "=", self.day0)]
        )
        by_source = {}
        for row in rows:
            by_source.setdefault(row.cost_source, []).append((row.product_id, row.amount))
        self.assertEqual(by_source["valuation"], [(self.r, 30.0)])  # R at invoicing, 5 x 6
        self.assertEqual(
            sorted(amount for _product, amount in by_source["standard"]), [-8.0, 40.0]
        )  # P delivered 10 x 4, returned 2 x 4; R's delivery is not counted twice
        self.assertEqual({p for p, _a in by_source["standard"]}, {self.p})

    def test_dashboard_and_json2_show_the_hand_figures(self):
        expected = self.expected()
        screen = self.screen()
        shown = self.cards(screen)
        for code, value in expected.items():
            with self.subTest(code=code):
                self.assertAlmostEqual(shown[code], value, places=6)
        body = {
            "codes": CODES,
            "grain": screen["grain"],
            "date_from": screen["filters"]["date_from"],
            "date_to": screen["filters"]["date_to"],
            "context": {"allowed_company_ids": self.company_a.ids},
        }
        response = self.call("smart.dairy.kpi", "get_values", body, self.user)
        self.assertEqual(response.status_code, 200, response.text[:300])
        api = response.json()
        for code in CODES:
            with self.subTest(code=code):
                self.assertEqual(api[code]["current"]["value"], shown[code])

    def test_second_company_does_not_leak(self):
        admin = self.env.ref("base.user_admin")
        admin.company_ids |= self.company_a | self.company_b
        both = self.cards(self.screen(admin, self.company_a | self.company_b))
        # B adds its 1,000 of revenue and nothing else.
        self.assertAlmostEqual(both["FIN_REVENUE"], 1230.0, places=6)
        self.assertAlmostEqual(both["PURCHASES"], 370.0, places=6)
        only_b = (
            self.env["smart.dairy.kpi"]
            .with_user(self.user_b)
            .with_context(allowed_company_ids=self.company_b.ids)
        )
        values = only_b.get_values(["FIN_REVENUE", "PURCHASES"], "month", self.day0, self.month_end)
        self.assertAlmostEqual(values["FIN_REVENUE"]["current"]["value"], 1000.0, places=6)
        self.assertIsNone(values["PURCHASES"]["current"]["value"])
