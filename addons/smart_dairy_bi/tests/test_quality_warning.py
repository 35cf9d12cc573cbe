import datetime
import io

import openpyxl

from odoo import Command
from odoo.tests import new_test_user, tagged

from odoo.addons.smart_dairy_bi.models.smart_dairy_fact import SENSOR_STORE

from .common import KpiCase
from .http_api import Json2Case

MILK_KPIS = ("PRODUCTION", "QUALITY_PREMIUM_RATE", "LITRES_PER_COW", "CAPACITY_UTILISATION")
SALES_KPIS = ("REVENUE", "NET_REVENUE", "ORDERS")
CHECK = "smart_dairy_bi.quality_check_milkings_complete"


@tagged("post_install", "-at_install")
class TestQualityWarning(KpiCase, Json2Case):
    """A failing data quality check marks the KPIs over the facts built from what it
    reads, on dashboards and in get_values, in the companies where it fails only."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.check = cls.env.ref(CHECK)
        cls.executive = cls.env.ref("smart_dairy_bi.dashboard_executive")
        cls.both = new_test_user(
            cls.env, "sd_both", groups="base.group_user,smart_dairy_base.group_smart_dairy_user",
            company_ids=[Command.set((cls.company_a | cls.company_b).ids)],
            company_id=cls.company_a.id,
        )  # fmt: skip

    def blank_volume(self, milking):
        self.env.cr.execute(
            "UPDATE smart_dairy_milking SET volume = NULL WHERE id = %s", [milking.id]
        )
        self.env.invalidate_all()

    def repair_volume(self, milking, volume):
        self.env.cr.execute(
            "UPDATE smart_dairy_milking SET volume = %s WHERE id = %s", [volume, milking.id]
        )
        self.env.invalidate_all()

    def run_check(self):
        """Runs the shipped check; its results in companies A and B."""
        now = datetime.datetime.now().replace(microsecond=0)
        results = self.check._run_checks(now)
        return {
            company: results.filtered(lambda r, company=company: r.company_id == company)
            for company in (self.company_a, self.company_b)
        }

    def values(self, user, codes, companies=None):
        Kpi = self.Kpi.with_user(user)
        if companies:
            Kpi = Kpi.with_context(allowed_company_ids=companies.ids)
        day = self.today.isoformat()
        return Kpi.get_values(list(codes), "day", day, day)

    def dashboard(self, user):
        Dashboard = self.env["smart.dairy.dashboard"].with_user(user)
        return Dashboard.get_dashboard_data(self.executive.id)

    def widget_warnings(self, payload):
        """{kpi code: names of its widgets' failing checks} of a dashboard payload."""
        seen = {}
        for widget in payload["widgets"]:
            for kpi in widget["kpis"]:
                names = {warning["name"] for warning in widget["quality"]}
                self.assertLessEqual({w["name"] for w in kpi["quality"]}, names)
                seen.setdefault(kpi["code"], set()).update(names)
        return seen

    def test_each_fact_declares_what_it_reads(self):
        Fact = self.env["smart.dairy.fact"]
        self.assertEqual(
            Fact._facts_reading("smart.dairy.milking"),
            {"smart.dairy.fact.milk", "smart.dairy.fact.capacity"},
        )
        self.assertIn("smart.dairy.fact.sales", Fact._facts_reading("sale.order.line"))
        self.assertNotIn("smart.dairy.fact.sales", Fact._facts_reading("smart.dairy.milking"))
        self.assertEqual(Fact._facts_reading("smart.dairy.fact.sales"), {"smart.dairy.fact.sales"})
        if "smart.dairy.fact.sensor" in self.env:
            self.assertIn("smart.dairy.fact.sensor", Fact._facts_reading(SENSOR_STORE))
        for fact in Fact._fact_models():
            for source in fact._fact_sources:
                self.assertTrue(source == SENSOR_STORE or source in self.env, (fact._name, source))

    def test_failing_check_warns_milk_kpis_not_sales_until_repaired(self):
        milking = self.milkings_a[0]
        self.blank_volume(milking)
        results = self.run_check()
        failing = results[self.company_a]
        self.assertEqual(failing.state, "failed")
        self.assertEqual(results[self.company_b].state, "passed")

        answer = self.values(self.user, MILK_KPIS + SALES_KPIS)
        for code in MILK_KPIS:
            [warning] = answer[code]["quality"]
            self.assertEqual(warning["name"], self.check.name, code)
            self.assertEqual(warning["severity"], "critical")
            self.assertEqual(warning["result_id"], failing.id)
            self.assertEqual(warning["company"], self.company_a.name)
            self.assertEqual(warning["run_at"], str(failing.run_at))
        for code in SALES_KPIS:
            self.assertEqual(answer[code]["quality"], [], code)
        self.assertLessEqual(
            {"name", "unit", "current", "points", "polarity"}, set(answer["PRODUCTION"])
        )

        payload = self.dashboard(self.user)
        seen = self.widget_warnings(payload)
        self.assertEqual(seen["PRODUCTION"], {self.check.name})
        self.assertEqual(seen["QUALITY_PREMIUM_RATE"], {self.check.name})
        for code in ("REVENUE", "NET_REVENUE", "ORDERS"):
            self.assertEqual(seen.get(code, set()), set(), code)
        card = next(w for w in payload["widgets"] if w["kpis"][0]["code"] == "PRODUCTION")
        self.assertEqual(card["quality"][0]["result_id"], failing.id)
        action = failing.with_user(self.user).action_open_failing()
        self.assertEqual(self.env[action["res_model"]].search(action["domain"]), milking)

        self.repair_volume(milking, 20.0)
        self.assertEqual(self.run_check()[self.company_a].state, "passed")
        answer = self.values(self.user, MILK_KPIS)
        self.assertFalse([code for code in MILK_KPIS if answer[code]["quality"]])
        self.assertFalse(any(self.widget_warnings(self.dashboard(self.user)).values()))

    def test_a_check_failing_in_company_b_does_not_warn_company_a(self):
        self.blank_volume(self.milkings_b[0])
        results = self.run_check()
        self.assertEqual(results[self.company_a].state, "passed")
        self.assertEqual(self.values(self.user, ["PRODUCTION"])["PRODUCTION"]["quality"], [])
        self.assertFalse(self.widget_warnings(self.dashboard(self.user))["PRODUCTION"])
        [warning] = self.values(self.user_b, ["PRODUCTION"])["PRODUCTION"]["quality"]
        self.assertEqual(warning["company"], self.company_b.name)
        # A user of both companies: warned while B is selected, not with A alone.
        both = self.values(self.both, ["PRODUCTION"], self.company_a | self.company_b)
        self.assertEqual([w["company"] for w in both["PRODUCTION"]["quality"]],
                         [self.company_b.name])  # fmt: skip
        only_a = self.values(self.both, ["PRODUCTION"], self.company_a)
        self.assertEqual(only_a["PRODUCTION"]["quality"], [])

    def test_an_archived_check_warns_no_more(self):
        self.blank_volume(self.milkings_a[0])
        self.run_check()
        self.assertTrue(self.values(self.user, ["PRODUCTION"])["PRODUCTION"]["quality"])
        self.check.active = False
        self.assertEqual(self.values(self.user, ["PRODUCTION"])["PRODUCTION"]["quality"], [])

    def test_json2_answers_the_warnings_of_the_callers_companies(self):
        self.blank_volume(self.milkings_a[0])
        self.blank_volume(self.milkings_b[0])
        results = self.run_check()
        day = self.today.isoformat()
        body = {"codes": ["PRODUCTION", "NET_REVENUE"], "grain": "day",
                "date_from": day, "date_to": day}  # fmt: skip
        response = self.call("smart.dairy.kpi", "get_values", body)
        self.assertEqual(response.status_code, 200, response.text)
        answer = response.json()
        self.assertEqual([w["result_id"] for w in answer["PRODUCTION"]["quality"]],
                         results[self.company_a].ids)  # fmt: skip
        self.assertEqual(answer["NET_REVENUE"]["quality"], [])
        # Asking for a company the user may not read is refused, never answered.
        other = {**body, "context": {"allowed_company_ids": self.company_b.ids}}
        response = self.call("smart.dairy.kpi", "get_values", other)
        self.assertNotEqual(response.status_code, 200, response.text)
        self.assertNotIn(self.check.name, response.text)
        # Outside the Smart Dairy groups: no values, no warnings.
        response = self.call("smart.dairy.kpi", "get_values", body, user=self.outsider)
        self.assertNotEqual(response.status_code, 200, response.text)
        self.assertNotIn(self.check.name, response.text)

    def test_files_say_what_the_badges_say(self):
        self.blank_volume(self.milkings_a[0])
        self.run_check()
        Dashboard = self.env["smart.dairy.dashboard"].with_user(self.user)
        payload = Dashboard.get_dashboard_data(self.executive.id)
        warned = {w["title"] for w in payload["widgets"] if w["quality"]}
        self.assertTrue(warned)
        _name, _type, content = Dashboard._export_file(self.executive.id, None, "xlsx")
        book = openpyxl.load_workbook(io.BytesIO(content))
        phrase = f"Data quality: built on data that fails {self.check.name}."
        noted = {
            sheet.title
            for sheet in book
            for row in sheet.iter_rows(values_only=True)
            if any(isinstance(cell, str) and phrase in cell for cell in row)
        }
        self.assertIn("Summary", noted, "the cards' notes")
        charts = {w["title"][:31] for w in payload["widgets"] if w["quality"]} & set(
            book.sheetnames
        )
        self.assertLessEqual(charts, noted, "each warned chart's sheet")
        clean = {w["title"][:31] for w in payload["widgets"] if not w["quality"]}
        self.assertFalse((clean & set(book.sheetnames)) & noted, "no warning where none is due")
        again = Dashboard.get_dashboard_data(self.executive.id)
        self.assertFalse(any(phrase in w["note"] for w in again["widgets"]), "cache untouched")
