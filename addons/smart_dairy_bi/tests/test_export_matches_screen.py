import base64
import csv
import datetime
import io
import json
import urllib.parse

from lxml import html as lxml_html
from smart_dairy.export import format_delta_pct, format_value
from smart_dairy.export.formats import excel_scale

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import new_test_user, tagged

from .http_api import Json2Case
from .test_dashboard_export import ExportCase

CODES = ["PRODUCTION", "REVENUE", "QUALITY_PREMIUM_RATE"]
FILTERS = {"preset": "last_7_days"}
# Summary columns of the XLSX cards (see smart_dairy.export.xlsx.CARD_COLUMNS).
CARD_CELLS = {"value": 2, "previous": 3, "last_year": 6, "target": 9}


@tagged("post_install", "-at_install")
class TestExportMatchesScreen(ExportCase, Json2Case):
    """One user in two companies who selected only the first: the screen, the XLSX
    and PDF downloads, a mailed schedule and JSON-2 get_values give the same
    figures, value by value, and none of them counts the second company."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._order(cls.company_b, quantity=5, price=3.0)
        cls.env["smart.dairy.kpi.run"]._run(
            cls.Kpi.search([("code", "in", CODES)]),
            "manual",
            commit=False,
            date_from=cls.today - datetime.timedelta(days=40),
            date_to=cls.today,
        )
        cls.both = new_test_user(
            cls.env, "sd_both", groups="base.group_user,smart_dairy_base.group_smart_dairy_user",
            company_ids=[Command.set((cls.company_a | cls.company_b).ids)],
            company_id=cls.company_a.id,
        )  # fmt: skip
        cls.view = cls._dashboard(
            [
                cls._widget("Milk", "kpi_card", ["PRODUCTION"]),
                cls._widget("Sales", "kpi_card", ["REVENUE"]),
                cls._widget("Premium", "kpi_card", ["QUALITY_PREMIUM_RATE"]),
                cls._widget("Trend", "line", ["PRODUCTION"]),
                cls._widget("By farm", "bar", ["PRODUCTION"], "farm_id"),
            ],
            name="Same figures",
        )

    def screen(self, companies):
        return (
            self.Dashboard.with_user(self.both)
            .with_context(allowed_company_ids=companies.ids)
            .get_dashboard_data(self.view.id, FILTERS)
        )

    def download(self, fmt):
        """The file the web client downloads with only company A selected."""
        action = (
            self.Dashboard.with_user(self.both)
            .with_context(allowed_company_ids=self.company_a.ids)
            .action_export(self.view.id, FILTERS, fmt)
        )
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(action["url"]).query)
        self.assertEqual(query["companies"], [str(self.company_a.id)])
        self.env.flush_all()
        self.authenticate("sd_both", "sd_both")
        response = self.url_open(action["url"])
        self.assertEqual(response.status_code, 200, response.text[:300])
        return response.content

    def cards(self, screen):
        return {w["title"]: w for w in screen["widgets"] if w["type"] == "kpi_card"}

    def widget(self, screen, title):
        return next(w for w in screen["widgets"] if w["title"] == title)

    def text(self, value, kpi, screen):
        kpi = kpi or {}
        unit = kpi.get("unit") or ""
        return format_value(value, kpi.get("display_format"), unit, screen["currency"])

    def test_screen_counts_the_selected_companies_only(self):
        only_a, both = self.screen(self.company_a), self.screen(self.company_a | self.company_b)
        milk_a = self.cards(only_a)["Milk"]["data"]["current"]["value"]
        milk_both = self.cards(both)["Milk"]["data"]["current"]["value"]
        self.assertEqual(milk_a, 120.0)  # 3 cows x 2 milkings x 20 L today, company A
        self.assertEqual(milk_both, 164.0)  # and 2 x 2 x 11 L in company B
        self.assertEqual(self.cards(only_a)["Sales"]["data"]["current"]["value"], 20.0)
        self.assertEqual(self.cards(both)["Sales"]["data"]["current"]["value"], 35.0)

    def test_cards_say_which_revenue_they_count(self):
        sales = self.cards(self.screen(self.company_a))["Sales"]["kpis"][0]
        self.assertEqual(sales["name"], "Gross Revenue (ordered)")
        self.assertEqual(sales["description"], self.kpi["REVENUE"].description)
        self.assertTrue(sales["description"].startswith("Ordered, whether invoiced or not"))
        booked = self.kpi["FIN_REVENUE"]
        self.assertEqual(booked.name, "Revenue (invoiced)")
        self.assertTrue(booked.description.startswith("Invoiced: posted journal items"))

    def test_xlsx_download_has_the_screen_figures(self):
        screen = self.screen(self.company_a)
        book = self.book(self.download("xlsx"))
        summary = book["Summary"]
        for title, widget in self.cards(screen).items():
            point, kpi = widget["data"]["current"], widget["kpis"][0]
            row = self.row_of(summary, title)
            scale = excel_scale(kpi["display_format"])
            for key, col in CARD_CELLS.items():
                expected = point[key] * scale if point[key] is not None else None
                with self.subTest(card=title, cell=key):
                    self.assertAlmostEqual(row[col].value, expected, places=6)
        trend = self.widget(screen, "Trend")["data"]
        values = [row[2].value for row in book["Trend"].iter_rows(min_row=4)]
        self.assertEqual(values, trend["datasets"][0]["values"])
        self.assertIn(120.0, values)
        by_farm = self.widget(screen, "By farm")["data"]
        rows = [[c.value for c in row[:2]] for row in book["By farm"].iter_rows(min_row=4)]
        expected = zip(by_farm["labels"], by_farm["datasets"][0]["values"], strict=True)
        self.assertEqual(rows, [list(pair) for pair in expected])
        self.assertEqual(rows, [["Farm FA", 120.0]])
        self.assertEqual(self.row_of(summary, "Companies")[1].value, "Dairy A")

    def test_pdf_download_has_the_screen_figures(self):
        screen = self.screen(self.company_a)
        # Tests render reports as HTML (no wkhtmltopdf run): read what the PDF shows.
        page = lxml_html.fromstring(self.download("pdf"))
        shown = {
            row[0].xpath("string(span)").strip(): [cell.text_content().strip() for cell in row]
            for row in page.xpath("//table[contains(@class, 'o_sd_cards')]/tbody/tr")
        }
        cards = self.cards(screen)
        self.assertEqual(set(shown), set(cards))
        for title, widget in cards.items():
            point, kpi = widget["data"]["current"], widget["kpis"][0]
            with self.subTest(card=title):
                self.assertEqual(shown[title][1], self.text(point["value"], kpi, screen))
                self.assertEqual(shown[title][2], format_delta_pct(point["delta_previous_pct"]))
                self.assertEqual(shown[title][3], format_delta_pct(point["delta_last_year_pct"]))
                self.assertEqual(shown[title][4], self.text(point["target"], kpi, screen))
        self.assertEqual(shown["Milk"][1], "120 L")
        tables = {
            div.xpath("string(h4)").strip(): [
                [cell.text_content().strip() for cell in row.xpath("td")]
                for row in div.xpath(".//tbody/tr")
            ]
            for div in page.xpath("//div[contains(@class, 'o_sd_widget')]")
        }
        for title in ("Trend", "By farm"):
            widget = self.widget(screen, title)
            kpi = widget["kpis"][0]
            data = widget["data"]
            expected = [
                [label, self.text(value, kpi, screen)]
                for label, value in zip(data["labels"], data["datasets"][0]["values"], strict=True)
            ]
            with self.subTest(widget=title):
                self.assertEqual(tables[title], expected)
        lines = {th.text_content().strip(): th.getnext().text_content().strip()
                 for th in page.xpath("//h2/following-sibling::table[1]//th")}  # fmt: skip
        self.assertEqual(lines["Companies"], "Dairy A")

    def test_csv_and_json_downloads_have_the_screen_figures(self):
        screen = self.screen(self.company_a)
        rows = list(csv.DictReader(io.StringIO(self.download("csv").decode())))
        document = json.loads(self.download("json"))
        self.assertEqual(document["companies"], ["Dairy A"])
        for widget in screen["widgets"]:
            data = widget["data"]
            if widget["type"] == "kpi_card":
                expected = [data["current"]["value"]]
            else:
                expected = data["datasets"][0]["values"]
            listed = [r["value"] for r in rows if r["widget"] == widget["title"]]
            exported = next(w for w in document["widgets"] if w["id"] == widget["id"])
            with self.subTest(widget=widget["title"]):
                self.assertEqual(listed, ["" if v is None else str(v) for v in expected])
                self.assertEqual([row["value"] for row in exported["rows"]], expected)
        self.assertIn("120.0", [r["value"] for r in rows if r["widget"] == "Milk"])

    def test_one_widget_downloads_alone_in_csv_or_json_only(self):
        screen = self.screen(self.company_a)
        by_farm = self.widget(screen, "By farm")
        Dashboard = self.Dashboard.with_user(self.both).with_context(
            allowed_company_ids=self.company_a.ids
        )
        action = Dashboard.action_export(self.view.id, FILTERS, "csv", by_farm["id"])
        self.authenticate("sd_both", "sd_both")
        rows = list(csv.DictReader(io.StringIO(self.url_open(action["url"]).text)))
        self.assertEqual({r["widget"] for r in rows}, {"By farm"})
        self.assertEqual(
            [(r["label"], float(r["value"])) for r in rows],
            list(
                zip(
                    by_farm["data"]["labels"], by_farm["data"]["datasets"][0]["values"], strict=True
                )
            ),
        )
        with self.assertRaisesRegex(UserError, "CSV or JSON only"):
            Dashboard.action_export(self.view.id, FILTERS, "xlsx", by_farm["id"])
        other = self._dashboard([self._widget("Elsewhere", "kpi_card", ["PRODUCTION"])])
        with self.assertRaisesRegex(UserError, "has no widget"):
            Dashboard.action_export(self.view.id, FILTERS, "json", other.widget_ids.id)
        url = action["url"].replace(f"widget={by_farm['id']}", "widget=x")
        response = self.url_open(url)
        self.assertEqual((response.status_code, response.json()["field"]), (400, "widget"))

    def test_mailed_schedule_has_the_screen_figures(self):
        schedule = self.env["smart.dairy.report.schedule"].create(
            {
                "name": "Daily figures",
                "dashboard_id": self.view.id,
                "company_id": self.company_a.id,
                "user_id": self.both.id,
                "preset": FILTERS["preset"],
                "partner_ids": [Command.set(self.both.partner_id.ids)],
                "frequency": "daily",
                "fmt": "xlsx",
            }
        )
        log = schedule._send()
        summary = self.book(base64.b64decode(log.attachment_id.datas))["Summary"]
        for title, widget in self.cards(self.screen(self.company_a)).items():
            point, kpi = widget["data"]["current"], widget["kpis"][0]
            expected = point["value"] * excel_scale(kpi["display_format"])
            with self.subTest(card=title):
                self.assertAlmostEqual(self.row_of(summary, title)[2].value, expected, places=6)

    def test_json2_get_values_has_the_screen_figures(self):
        screen = self.screen(self.company_a)
        filters = screen["filters"]
        body = {
            "grain": screen["grain"],
            "date_from": filters["date_from"],
            "date_to": filters["date_to"],
            "context": {"allowed_company_ids": self.company_a.ids},
        }
        response = self.call("smart.dairy.kpi", "get_values", {**body, "codes": CODES}, self.both)
        self.assertEqual(response.status_code, 200, response.text[:300])
        values = response.json()
        for title, widget in self.cards(screen).items():
            code = widget["kpis"][0]["code"]
            card, api = widget["data"]["current"], values[code]["current"]
            with self.subTest(card=title):
                for key in ("value", "previous", "last_year", "target", "delta_previous_pct"):
                    self.assertEqual(api[key], card[key], key)
                self.assertEqual(values[code]["description"], widget["kpis"][0]["description"])
        trend = self.widget(screen, "Trend")["data"]["datasets"][0]["values"]
        self.assertEqual([p["value"] for p in values["PRODUCTION"]["points"]], trend)
        by_farm = self.widget(screen, "By farm")["data"]
        for key, value in zip(by_farm["keys"], by_farm["datasets"][0]["values"], strict=True):
            one = {**body, "codes": ["PRODUCTION"], "breakdown": "farm_id"}
            one["dimension_values"] = [key]
            answer = self.call("smart.dairy.kpi", "get_values", one, self.both).json()
            self.assertEqual(answer["PRODUCTION"]["current"]["value"], value)

    def test_export_refuses_companies_that_are_not_the_users(self):
        self.env.flush_all()
        self.authenticate("sd_both", "sd_both")
        url = f"/smart_dairy/dashboard/{self.view.id}/export/xlsx?companies="
        other = self.env["res.company"].create({"name": "Not mine"})
        self.env.flush_all()
        response = self.url_open(url + str(other.id))
        self.assertEqual(response.status_code, 403)
        self.assertIn("unauthorized or invalid companies", response.json()["error"])
        response = self.url_open(url + "1;2")
        self.assertEqual(response.status_code, 400)
        self.assertEqual(response.json()["field"], "companies")
        # Without companies, every company of the user, as JSON-2 without a context.
        response = self.url_open(url[: -len("?companies=")])
        summary = self.book(response.content)["Summary"]
        self.assertEqual(self.row_of(summary, "Milk")[2].value, 164.0)
