from odoo.exceptions import UserError
from odoo.tests import HttpCase, tagged

from odoo.addons.smart_dairy_base.tests.json2 import Json2Mixin

from .common import KpiCase


@tagged("post_install", "-at_install")
class TestKpiQuery(KpiCase):
    def test_get_values_compares_with_previous_period_and_target(self):
        production = self.Kpi.search([("code", "=", "PRODUCTION")])
        production.target_ids = [
            (0, 0, {"grain": "day", "target": 100.0, "company_id": self.company_a.id})
        ]
        self.materialise(["PRODUCTION"])
        kpis = self.Kpi.with_context(allowed_company_ids=self.company_a.ids)
        result = kpis.get_values(["PRODUCTION"], "day", self.today, self.today)["PRODUCTION"]
        self.assertEqual(result["unit"], "L")
        self.assertEqual(result["display_format"], "volume")
        self.assertAlmostEqual(result["current"]["value"], 120.0)
        self.assertAlmostEqual(result["current"]["target"], 100.0)
        self.assertAlmostEqual(result["current"]["achievement"], 1.2)
        self.assertIsNone(result["current"]["previous"])
        self.assertEqual(len(result["points"]), 1)

    def test_bad_requests_get_plain_errors(self):
        with self.assertRefused("unknown KPI codes: 'NOPE'", UserError):
            self.Kpi.get_values(["NOPE"], "day", self.today, self.today)
        with self.assertRefused("grain", UserError):
            self.Kpi.get_values(["ORDERS"], "fortnight", self.today, self.today)
        with self.assertRefused("comes after date_to", UserError):
            self.Kpi.get_values(["ORDERS"], "day", self.today, self.month.replace(year=2000))


@tagged("post_install", "-at_install")
class TestKpiJson2(Json2Mixin, HttpCase):
    def test_json2_api_with_api_key(self):
        user = self.env["res.users"].create(
            {
                "name": "KPI reader",
                "login": "kpi_reader",
                "password": "kpi_reader",
                "group_ids": [(4, self.env.ref("smart_dairy_base.group_smart_dairy_user").id)],
            }
        )
        today = "2025-01-31"
        response = self.json2(
            user,
            "smart.dairy.kpi",
            "get_values",
            {
                "codes": ["ORDERS", "NET_REVENUE"],
                "grain": "month",
                "date_from": "2025-01-01",
                "date_to": today,
            },
        )
        self.assertEqual(response.status_code, 200, response.text)
        body = response.json()
        self.assertEqual(set(body), {"ORDERS", "NET_REVENUE"})
        self.assertEqual(body["ORDERS"]["points"][0]["period_start"], "2025-01-01")
        bad = self.json2(
            user,
            "smart.dairy.kpi",
            "get_values",
            {"codes": ["NOPE"], "grain": "day", "date_from": today, "date_to": today},
        )
        self.assertEqual(bad.status_code, 422, bad.text)
        self.assertEqual(bad.json()["field"], "codes")
        self.assertIn("unknown KPI codes: 'NOPE'", bad.json()["problem"])
        self.assertNotIn("debug", bad.json())
