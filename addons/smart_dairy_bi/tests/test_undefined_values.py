import datetime
import io

import openpyxl

from odoo.tests import tagged

from .test_dashboard_data import DashboardCase

DAY = datetime.timedelta(days=1)


@tagged("post_install", "-at_install")
class TestUndefinedValues(DashboardCase):
    """A value over zero is undefined: shown as "—", never as 0, and never alerted on."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Litres per premium litre: company B has no premium milk, so it divides by zero.
        cls.ratio = cls.Kpi.create(
            {
                "code": "LITRES_PER_PREMIUM",
                "name": "Litres per Premium Litre",
                "category": "production",
                "kind": "ratio",
                "fact_model": "smart.dairy.fact.milk",
                "measure": "volume",
                "denominator_fact_model": "smart.dairy.fact.milk",
                "denominator_measure": "premium_volume",
            }
        )
        cls.formula = cls.Kpi.create(
            {
                "code": "OVER_ZERO",
                "name": "Over Zero",
                "category": "production",
                "kind": "formula",
                "formula": "PRODUCTION / (PRODUCTION - PRODUCTION)",
            }
        )
        # Defined for one day (DAYS = 1), undefined over a week (DAYS = 7).
        cls.week_gap = cls.Kpi.create(
            {
                "code": "WEEK_GAP",
                "name": "Week Gap",
                "category": "production",
                "kind": "formula",
                "formula": "PRODUCTION / (DAYS - 7)",
            }
        )
        cls.kpi.update(
            {"LITRES_PER_PREMIUM": cls.ratio, "OVER_ZERO": cls.formula, "WEEK_GAP": cls.week_gap}
        )
        cls.env["smart.dairy.kpi.run"]._run(
            cls.ratio | cls.formula | cls.kpi["PRODUCTION"],
            "manual",
            commit=False,
            date_from=cls.today - datetime.timedelta(days=40),
            date_to=cls.today,
        )
        cls.dashboard = cls._dashboard(
            [
                cls._widget("Ratio", "kpi_card", ["LITRES_PER_PREMIUM"]),
                cls._widget("Formula", "kpi_card", ["OVER_ZERO"]),
                cls._widget("Week gap", "kpi_card", ["WEEK_GAP"]),
                cls._widget("Gauge", "gauge", ["OVER_ZERO"]),
                cls._widget("Trend", "line", ["OVER_ZERO", "PRODUCTION"]),
            ]
        )

    def _preview(self, kpi, company):
        return self.env["smart.dairy.kpi.preview"].create(
            {"kpi_id": kpi.id, "company_id": company.id, "grain": "month", "period_count": 2}
        )

    def test_preview_shows_undefined_not_zero(self):
        lines = self._preview(self.formula, self.company_a).line_ids
        last_month, this_month = lines.sorted("period_start")
        self.assertEqual(this_month.period_start, self.month)
        self.assertFalse(this_month.has_value)
        self.assertIn("undefined", this_month.note)
        self.assertFalse(last_month.has_value)
        self.assertIn("no data", last_month.note)
        ratio_b = self._preview(self.ratio, self.company_b).line_ids.sorted("period_start")[-1]
        self.assertFalse(ratio_b.has_value)
        self.assertIn("undefined", ratio_b.note)
        # The same preview shows a real value where there is one.
        ratio_a = self._preview(self.ratio, self.company_a).line_ids.sorted("period_start")[-1]
        self.assertTrue(ratio_a.has_value)
        self.assertAlmostEqual(ratio_a.value, 1.0)
        self.assertFalse(ratio_a.note)

    def test_stored_value_over_zero_is_marked_undefined(self):
        values = self.env["smart.dairy.kpi.value"].search(
            [("kpi_id", "=", self.ratio.id), ("grain", "=", "day"), ("breakdown", "=", "")]
        )
        by_company = {value.company_id: value for value in values}
        self.assertFalse(by_company[self.company_b].is_defined)
        self.assertAlmostEqual(by_company[self.company_b].denominator, 0.0)
        self.assertTrue(by_company[self.company_a].is_defined)
        self.assertAlmostEqual(by_company[self.company_a].value, 1.0)

    def test_dashboard_and_api_give_none(self):
        data = self.Dashboard.with_context(
            allowed_company_ids=self.company_b.ids
        ).get_dashboard_data(self.dashboard.id, self.week)
        widgets = {widget["title"]: widget for widget in data["widgets"]}
        for title in ("Ratio", "Formula"):
            card = widgets[title]
            self.assertIsNone(card["data"]["current"]["value"], title)
            self.assertTrue(card["empty"], title)
            self.assertFalse(card["note"], "no other period's value stands in for it")
            self.assertEqual(set(card["data"]["series"]), {None}, title)
        # Undefined over the range: no single day's value stands in for the card.
        gap = widgets["Week gap"]
        self.assertIsNone(gap["data"]["current"]["value"])
        self.assertFalse(gap["note"])
        self.assertAlmostEqual(gap["data"]["series"][-1], 44.0 / -6)
        self.assertIsNone(widgets["Gauge"]["data"]["value"])
        over_zero, production = widgets["Trend"]["data"]["datasets"]
        self.assertEqual(set(over_zero["values"]), {None})
        self.assertAlmostEqual(production["values"][-1], 44.0)
        api = self.Kpi.with_context(allowed_company_ids=self.company_b.ids).get_values(
            ["LITRES_PER_PREMIUM", "OVER_ZERO"], "day", self.today, self.today
        )
        for code, result in api.items():
            self.assertIsNone(result["current"]["value"], code)
            self.assertIsNone(result["points"][0]["value"], code)

    def test_exports_show_a_dash(self):
        Dashboard = self.Dashboard.with_context(allowed_company_ids=self.company_b.ids)
        data = Dashboard.get_dashboard_data(self.dashboard.id, self.week)
        cards = {card["title"]: card for card in Dashboard._export_pdf_values(data)["cards"]}
        self.assertEqual(cards["Ratio"]["value"], "—")
        self.assertEqual(cards["Formula"]["value"], "—")
        book = openpyxl.load_workbook(io.BytesIO(Dashboard._render_xlsx(data)))
        rows = {row[0].value: row for row in book["Summary"].iter_rows() if row[0].value}
        self.assertEqual(rows["Ratio"][2].value, "—")
        self.assertEqual(rows["Formula"][2].value, "—")

    def test_no_alert_on_an_undefined_value(self):
        Rule = self.env["smart.dairy.alert.rule"]
        rules = Rule.create(
            [
                {
                    "name": f"{kpi.code} below 5",
                    "kpi_id": kpi.id,
                    "grain": "day",
                    "condition": "threshold",
                    "operator": "<",
                    "threshold": 5.0,
                }
                for kpi in (self.ratio, self.formula)
            ]
        )
        companies = self.company_a | self.company_b
        for rule in rules:
            self.assertFalse(rule._simulate(self.company_b, self.today, self.today), rule.name)
        alerts = rules._evaluate(companies=companies, today=self.today + DAY)
        # Only company A's ratio (1.0 < 5) is a value; everything else is undefined.
        self.assertEqual(len(alerts), 1)
        self.assertEqual((alerts.kpi_id, alerts.company_id), (self.ratio, self.company_a))
        self.assertAlmostEqual(alerts.value, 1.0)
