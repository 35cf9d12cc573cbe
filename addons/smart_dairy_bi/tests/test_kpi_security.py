from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import KpiCase


@tagged("post_install", "-at_install")
class TestKpiSecurity(KpiCase):
    def test_outsider_cannot_read_or_change_definitions(self):
        with self.assertRaises(AccessError):
            self.Kpi.with_user(self.outsider).search([]).mapped("name")
        with self.assertRaises(AccessError):
            self.Kpi.with_user(self.outsider).get_values(
                ["PRODUCTION"], "day", self.today, self.today
            )

    def test_user_reads_but_cannot_change_definitions(self):
        kpis = self.Kpi.with_user(self.user).search([])
        self.assertTrue(kpis)
        with self.assertRaises(AccessError):
            kpis[0].name = "Renamed"
        with self.assertRaises(AccessError):
            self.Kpi.with_user(self.user).create(
                {"code": "MINE", "name": "Mine", "kind": "formula", "formula": "ORDERS + 1"}
            )
        with self.assertRaises(AccessError):
            self.env["smart.dairy.kpi.run"].with_user(self.user).search([])

    def test_analyst_configures_kpis(self):
        kpi = self.Kpi.with_user(self.analyst).create(
            {"code": "MINE", "name": "Mine", "kind": "formula", "formula": "ORDERS + 1"}
        )
        kpi.name = "Renamed"
        self.assertEqual(kpi.name, "Renamed")

    def test_companies_never_see_each_other(self):
        self.materialise(["PRODUCTION"])
        Value = self.env["smart.dairy.kpi.value"]
        self.assertEqual(Value.with_user(self.user).search([]).company_id, self.company_a)
        self.assertEqual(Value.with_user(self.user_b).search([]).company_id, self.company_b)
        for user, litres in ((self.user, 120.0), (self.user_b, 44.0)):
            result = self.Kpi.with_user(user).get_values(
                ["PRODUCTION"], "day", self.today, self.today
            )
            self.assertAlmostEqual(result["PRODUCTION"]["current"]["value"], litres)
        milk = self.env["smart.dairy.fact.milk"]
        self.assertEqual(milk.with_user(self.user_b).search([]).company_id, self.company_b)
