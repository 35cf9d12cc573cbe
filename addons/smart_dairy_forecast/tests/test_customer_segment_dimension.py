from collections import defaultdict

from odoo.tests import HttpCase, TransactionCase, tagged

from odoo.addons.smart_dairy_base.tests.json2 import Json2Mixin

from .common import AS_OF, GROUP, START, CustomerHistoryMixin


@tagged("post_install", "-at_install")
class TestCustomerSegmentDimension(CustomerHistoryMixin, TransactionCase):
    """Scoring writes each customer's segment in the company; the sales facts and the
    revenue KPIs break down by it, and the figures per segment add up to the total."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._customer_history()
        cls.Score = cls.env["smart.dairy.customer.score"]
        cls.Score._score_company(cls.company, AS_OF)
        cls.current = cls.scores(cls, is_current=True)

    def test_the_customer_carries_its_segment_in_the_company_only(self):
        self.assertTrue(self.current)
        for score in self.current:
            partner = score.partner_id
            self.assertEqual(partner.with_company(self.company).dairy_segment, score.segment)
            self.assertFalse(partner.with_company(self.env.ref("base.main_company")).dairy_segment)

    def test_sales_facts_and_kpi_break_down_by_segment(self):
        self.env.flush_all()
        Fact = self.env["smart.dairy.fact.sales"]
        rows = Fact.search([("company_id", "=", self.company.id)])
        expected = defaultdict(float)
        for row in rows:
            segment = row.partner_id.with_company(self.company).dairy_segment
            self.assertEqual(row.customer_segment, segment or False)
            expected[segment or ""] += row.net_amount
        kpi = self.env.ref("smart_dairy_bi.kpi_net_revenue")
        self.env["smart.dairy.kpi.run"]._run(
            kpi, "manual", commit=False, date_from=START, date_to=AS_OF
        )
        Kpi = self.env["smart.dairy.kpi"].with_context(allowed_company_ids=self.company.ids)
        total = Kpi.get_values(["NET_REVENUE"], "month", START, AS_OF)["NET_REVENUE"]
        self.assertAlmostEqual(total["current"]["value"], sum(expected.values()), places=2)
        for segment, amount in expected.items():
            if not segment:
                continue
            values = Kpi.get_values(
                ["NET_REVENUE"], "month", START, AS_OF, "customer_segment", [segment]
            )["NET_REVENUE"]
            self.assertAlmostEqual(values["current"]["value"], amount, places=2, msg=segment)

    def test_a_changed_segment_schedules_the_backfill(self):
        kpi = self.env.ref("smart_dairy_bi.kpi_net_revenue")
        kpi.backfill_state = False
        score = self.current[:1]
        other = "lost" if score.segment != "lost" else "champions"
        score.segment = other
        score._set_partner_segments(self.company)
        self.assertEqual(score.partner_id.with_company(self.company).dairy_segment, other)
        self.assertEqual(kpi.backfill_state, "pending")
        # Scoring again with nothing changed leaves the KPIs alone.
        kpi.backfill_state = False
        score._set_partner_segments(self.company)
        self.assertFalse(kpi.backfill_state)


@tagged("post_install", "-at_install")
class TestSegmentRevenueJson2(CustomerHistoryMixin, Json2Mixin, HttpCase):
    """Revenue per customer segment over the JSON-2 API, as a reader of the company
    sees it, against the sales facts; a user outside the suite is refused."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._customer_history()
        cls.env["smart.dairy.customer.score"]._score_company(cls.company, AS_OF)
        cls.env["smart.dairy.kpi.run"]._run(
            cls.env.ref("smart_dairy_bi.kpi_net_revenue"),
            "manual",
            commit=False,
            date_from=START,
            date_to=AS_OF,
        )
        cls.reader = cls._user("segment_reader", f"base.group_user,{GROUP}user")
        cls.plain = cls._user("segment_plain", "base.group_user")

    def revenue(self, user, segment):
        return self.json2(
            user,
            "smart.dairy.kpi",
            "get_values",
            {
                "codes": ["NET_REVENUE"],
                "grain": "month",
                "date_from": START.isoformat(),
                "date_to": AS_OF.isoformat(),
                "breakdown": "customer_segment",
                "dimension_values": [segment],
            },
        )

    def test_revenue_per_segment_over_json2(self):
        self.env.flush_all()
        expected = defaultdict(float)
        for row in self.env["smart.dairy.fact.sales"].search(
            [("company_id", "=", self.company.id)]
        ):
            expected[row.customer_segment] += row.net_amount
        segments = [segment for segment in expected if segment]
        self.assertGreaterEqual(len(segments), 2)
        for segment in segments:
            response = self.revenue(self.reader, segment)
            self.assertEqual(response.status_code, 200, response.text)
            value = response.json()["NET_REVENUE"]["current"]["value"]
            self.assertAlmostEqual(value, expected[segment], places=2, msg=segment)
        refused = self.revenue(self.plain, segments[0])
        self.assertEqual(refused.status_code, 403, refused.text)
