import datetime
import io
import json
import urllib.parse

import openpyxl
from smart_dairy.export import format_value

from odoo.exceptions import AccessError, UserError
from odoo.tests import HttpCase, tagged

from .test_dashboard_data import DashboardCase


class ExportCase(DashboardCase):
    """A small dashboard over the KpiCase farms, with its KPI values materialised."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.dashboard = cls._dashboard(
            [
                cls._widget("Milk", "kpi_card", ["PRODUCTION"]),
                cls._widget("Premium", "kpi_card", ["QUALITY_PREMIUM_RATE"]),
                cls._widget("Trend", "line", ["PRODUCTION"], show_target=True),
                cls._widget("By farm", "bar", ["PRODUCTION"], "farm_id"),
                cls._widget("Top farm", "table", ["PRODUCTION"], "farm_id", top_n=1),
            ],
            name="Export test",
        )
        cls.env["smart.dairy.kpi.run"]._run(
            cls.Kpi.search([("code", "in", ["PRODUCTION", "QUALITY_PREMIUM_RATE", "REVENUE"])]),
            "manual",
            commit=False,
            date_from=cls.today - datetime.timedelta(days=40),
            date_to=cls.today,
        )

    @staticmethod
    def book(content):
        return openpyxl.load_workbook(io.BytesIO(content))

    @staticmethod
    def row_of(sheet, first_cell):
        return next(row for row in sheet.iter_rows() if row[0].value == first_cell)

    def currency_format(self, company):
        currency = company.currency_id
        body = "#,##0" + ("." + "0" * currency.decimal_places if currency.decimal_places else "")
        if currency.position == "before":
            return f'"{currency.symbol}"{body}'
        return f'{body}" {currency.symbol}"'


@tagged("post_install", "-at_install")
class TestDashboardExport(ExportCase):
    def test_action_export_downloads_the_filtered_dashboard(self):
        action = self.Dashboard.with_user(self.user).action_export(
            self.dashboard.id, self.week, "xlsx"
        )
        self.assertEqual(action["type"], "ir.actions.act_url")
        self.assertEqual(action["target"], "download")
        url = urllib.parse.urlsplit(action["url"])
        self.assertEqual(url.path, f"/smart_dairy/dashboard/{self.dashboard.id}/export/xlsx")
        filters = json.loads(urllib.parse.parse_qs(url.query)["filters"][0])
        self.assertEqual(filters["preset"], "custom")
        self.assertEqual(filters["date_from"], self.week["date_from"])
        self.assertEqual(filters["date_to"], self.today.isoformat())

    def test_export_refuses_unknown_formats_and_users_outside_the_dashboard(self):
        with self.assertRefused("Dashboards export to csv, json, pdf, xlsx, not docx", UserError):
            self.Dashboard.with_user(self.user).action_export(self.dashboard.id, None, "docx")
        with self.assertRaises(AccessError):
            self.Dashboard.with_user(self.outsider).action_export(self.dashboard.id, None, "xlsx")
        self.dashboard.group_ids = self.env.ref("smart_dairy_base.group_smart_dairy_farm_manager")
        with self.assertRaises(AccessError):
            self.Dashboard.with_user(self.user)._export_file(self.dashboard.id, None, "xlsx")

    def test_xlsx_has_the_cards_and_one_sheet_per_widget_in_display_formats(self):
        name, mimetype, content = self.Dashboard.with_user(self.user)._export_file(
            self.dashboard.id, dict(self.week, farm_ids=[self.farm_a.id]), "xlsx"
        )
        self.assertEqual(
            name, f"Export test {self.week['date_from']} {self.today.isoformat()}.xlsx"
        )
        self.assertIn("spreadsheetml", mimetype)
        book = self.book(content)
        self.assertEqual(book.sheetnames, ["Summary", "Trend", "By farm", "Top farm"])
        summary = book["Summary"]
        self.assertEqual(summary["A1"].value, "Export test")
        self.assertEqual(self.row_of(summary, "Farms")[1].value, "Farm FA")
        milk = self.row_of(summary, "Milk")
        self.assertEqual(milk[2].value, 120.0)  # 3 cows x 2 milkings x 20 L, company A only
        self.assertEqual(milk[2].number_format, '#,##0" L"')
        premium = self.row_of(summary, "Premium")
        self.assertEqual(premium[2].value, 1.0)  # 100 %, as an Excel percentage
        self.assertEqual(premium[2].number_format, "#,##0.0%")

        trend = book["Trend"]
        self.assertEqual(trend["A3"].value, "Period")
        self.assertEqual(trend.max_row, 3 + 7)  # header rows + one row per day of the week
        self.assertEqual(trend.cell(10, 3).value, 120.0)  # today is the last row
        self.assertEqual(len(trend._charts), 1)

        by_farm = book["By farm"]
        self.assertEqual(by_farm["A3"].value, "Farm")
        self.assertEqual([by_farm["A4"].value, by_farm["B4"].value], ["Farm FA", 120.0])
        self.assertEqual(by_farm["B4"].number_format, '#,##0" L"')
        self.assertEqual(len(by_farm._charts), 1)
        self.assertEqual(book["Top farm"]._charts, [])

    def test_xlsx_uses_the_company_currency(self):
        revenue = self._dashboard(
            [self._widget("Revenue", "kpi_card", ["REVENUE"])], name="Revenue test"
        )
        _name, _mimetype, content = self.Dashboard.with_user(self.user)._export_file(
            revenue.id, self.week, "xlsx"
        )
        cell = self.row_of(self.book(content)["Summary"], "Revenue")[2]
        self.assertEqual(cell.value, 20.0)  # 10 x 2.0 ordered in company A
        self.assertEqual(cell.number_format, self.currency_format(self.company_a))

    def test_pdf_renders_cards_tables_and_charts(self):
        name, mimetype, content = self.Dashboard.with_user(self.user)._export_file(
            self.dashboard.id, self.week, "pdf"
        )
        self.assertTrue(name.endswith(".pdf"))
        self.assertEqual(mimetype, "application/pdf")
        # Tests render reports as HTML (no wkhtmltopdf run): check what the PDF would show.
        html = content.decode()
        self.assertIn("Export test", html)
        self.assertIn("Key figures", html)
        self.assertIn("120 L", html)
        self.assertIn("100.0%", html)
        self.assertIn("Farm FA", html)
        self.assertNotIn("Farm FB", html)  # company B stays out
        self.assertEqual(html.count("<svg"), 2)  # the line and the bar, not the table
        self.assertIn('class="o_sd_axis"', html)  # value axes on the charts

    def test_pdf_summarises_long_daily_tables(self):
        ninety = dict(self.week, date_from=str(self.today - datetime.timedelta(days=89)))
        data = self.Dashboard.with_user(self.user).get_dashboard_data(self.dashboard.id, ninety)
        trend = next(w for w in data["widgets"] if w["type"] == "line")
        values = trend["data"]["datasets"][0]["values"]
        self.assertEqual(len(values), 90)
        kpi = trend["kpis"][0]
        table = self.Dashboard.with_user(self.user)._export_pdf_values(data)["widgets"]
        shown = next(w for w in table if w["title"] == trend["title"])
        self.assertEqual(len(shown["rows"]), 3 + 14)
        numbers = [v for v in values if v is not None]

        def text(value):
            return format_value(value, kpi["display_format"], kpi["unit"], data["currency"])

        self.assertEqual(shown["rows"][0][:2], ["Mean", text(sum(numbers) / len(numbers))])
        self.assertEqual(shown["rows"][2][:2], ["Maximum", text(max(numbers))])
        self.assertEqual(shown["rows"][-1][0], trend["data"]["labels"][-1])
        self.assertIn("90 periods", shown["note"])


@tagged("post_install", "-at_install")
class TestDashboardExportRoute(ExportCase, HttpCase):
    def url(self, dashboard_id, fmt, filters=None):
        query = f"?filters={urllib.parse.quote(filters)}" if filters is not None else ""
        return f"/smart_dairy/dashboard/{dashboard_id}/export/{fmt}{query}"

    def test_download_and_plain_errors(self):
        self.authenticate("sd_user", "sd_user")
        response = self.url_open(self.url(self.dashboard.id, "xlsx", json.dumps(self.week)))
        self.assertEqual(response.status_code, 200)
        self.assertIn("spreadsheetml", response.headers["Content-Type"])
        self.assertIn("Export%20test", response.headers["Content-Disposition"])
        self.assertEqual(self.book(response.content)["Summary"]["A1"].value, "Export test")

        for url, status, message in [
            (self.url(self.dashboard.id, "docx"), 400, "export to csv, json, pdf, xlsx"),
            (self.url(self.dashboard.id, "xlsx", "{oops"), 400, "not valid JSON"),
            (self.url(self.dashboard.id, "xlsx", "[1]"), 400, "JSON object"),
            (
                self.url(self.dashboard.id, "xlsx", '{"preset": "custom"}'),
                422,
                "custom range needs date_from",
            ),
            (self.url(999999, "xlsx"), 403, "does not exist or is not shared"),
        ]:
            response = self.url_open(url)
            self.assertEqual(response.status_code, status, url)
            self.assertIn(message, response.json()["error"], url)

        self.authenticate("sd_outsider", "sd_outsider")
        response = self.url_open(self.url(self.dashboard.id, "xlsx"))
        self.assertEqual(response.status_code, 403)
        self.assertIn("Smart Dairy users only", response.json()["error"])
