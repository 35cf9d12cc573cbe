import datetime

import pytz

from odoo.tests import TransactionCase, tagged

from odoo.addons.smart_dairy_base.tests.demo import demo_company_and_day


@tagged("post_install", "-at_install")
class TestKpiCatalogueOnDemoData(TransactionCase):
    """The shipped KPIs on the demo business, against figures computed with the ORM."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company, today = demo_company_and_day(cls.env)
        cls.milkings = cls.env["smart.dairy.milking"]
        if not cls.company:
            return
        # The last full month of the demo history, whatever day the tests run.
        cls.month = (today.replace(day=1) - datetime.timedelta(days=1)).replace(day=1)
        cls.month_end = today.replace(day=1) - datetime.timedelta(days=1)
        cls.milkings = cls.env["smart.dairy.milking"].search(
            [
                ("company_id", "=", cls.company.id),
                ("date", ">=", cls.month),
                ("date", "<=", cls.month_end),
            ]
        )

    def setUp(self):
        super().setUp()
        if len(self.milkings) < 1000:
            self.skipTest(
                "The Smart Dairy demo data is not installed (database without demo data)."
            )

    def _materialised(self, codes):
        kpis = self.env["smart.dairy.kpi"].search([("code", "in", codes)])
        run = self.env["smart.dairy.kpi.run"]._run(
            kpis, "manual", False, self.month, self.month_end
        )
        self.assertEqual(run.state, "done", run.error)
        result = (
            self.env["smart.dairy.kpi"]
            .with_context(allowed_company_ids=self.company.ids)
            .get_values(codes, "month", self.month, self.month_end)
        )
        return {code: result[code]["current"]["value"] for code in codes}

    def _orders(self):
        tz = pytz.timezone(self.company.partner_id.tz or "UTC")
        orders = self.env["sale.order"].search(
            [("state", "=", "sale"), ("company_id", "=", self.company.id)]
        )
        return orders.filtered(
            lambda order: (
                self.month
                <= pytz.utc.localize(order.date_order).astimezone(tz).date()
                <= self.month_end
            )
        )

    def test_sales_kpis(self):
        values = self._materialised(
            ["NET_REVENUE", "ORDERS", "AOV", "GROSS_MARGIN", "ACTIVE_CUSTOMERS"]
        )
        orders = self._orders()
        lines = orders.order_line.filtered(lambda line: not line.display_type)
        net = sum(lines.mapped("price_subtotal"))
        cost = sum(
            line.product_uom_qty * line.product_id.with_company(self.company).standard_price
            for line in lines
        )
        self.assertAlmostEqual(values["NET_REVENUE"], net, places=2)
        self.assertEqual(values["ORDERS"], len(orders))
        self.assertAlmostEqual(values["AOV"], net / len(orders), places=2)
        self.assertAlmostEqual(values["GROSS_MARGIN"], (net - cost) / net * 100, places=4)
        self.assertEqual(values["ACTIVE_CUSTOMERS"], len(orders.partner_id.commercial_partner_id))

    def test_farm_kpis(self):
        codes = [
            "PRODUCTION",
            "QUALITY_PREMIUM_RATE",
            "AVG_SCC",
            "LITRES_PER_COW",
            "FEED_CONVERSION",
        ]
        values = self._materialised(codes)
        milkings = self.milkings
        volume = sum(milkings.mapped("volume"))
        premium = sum(milkings.filtered(lambda m: m.quality_grade == "premium").mapped("volume"))
        graded = sum(milkings.filtered(lambda m: m.quality_grade != "ungraded").mapped("volume"))
        with_scc = milkings.filtered("scc")
        cow_days = {(m.animal_id.id, m.date) for m in milkings}
        feed = self.env["smart.dairy.feed"].search(
            [
                ("company_id", "=", self.company.id),
                ("date", ">=", self.month),
                ("date", "<=", self.month_end),
                ("product_id.categ_id.name", "=", "Concentrates"),
            ]
        )
        self.assertAlmostEqual(values["PRODUCTION"], volume, places=2)
        self.assertAlmostEqual(values["QUALITY_PREMIUM_RATE"], premium / graded * 100, places=6)
        self.assertAlmostEqual(
            values["AVG_SCC"],
            sum(m.scc * m.volume for m in with_scc) / sum(with_scc.mapped("volume")),
            places=2,
        )
        self.assertAlmostEqual(values["LITRES_PER_COW"], volume / len(cow_days), places=6)
        self.assertAlmostEqual(
            values["FEED_CONVERSION"], sum(feed.mapped("quantity")) / volume, places=6
        )

    def test_capacity_utilisation_counts_every_day(self):
        [value] = self._materialised(["CAPACITY_UTILISATION"]).values()
        days = (self.month_end - self.month).days + 1
        capacity = sum(self.milkings.farm_id.mapped("daily_capacity")) * days
        volume = sum(self.milkings.mapped("volume"))
        self.assertAlmostEqual(value, volume / capacity * 100, places=6)
