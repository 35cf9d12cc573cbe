import csv
import datetime as dt
import io
import json

from odoo import Command
from odoo.exceptions import ValidationError
from odoo.tests import TransactionCase, freeze_time, tagged

from odoo.addons.smart_dairy_base.tests.demo import demo_company_and_day

from .common import GROUP, CompanyUserMixin

BOUNDS = ("lo_95", "lo_80", "forecast", "hi_80", "hi_95")


@tagged("post_install", "-at_install")
class TestForecastWidget(CompanyUserMixin, TransactionCase):
    """The dashboard's forecast widgets: payload, empty state, exports, companies."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company, cls.day = demo_company_and_day(cls.env)
        if not cls.company:
            return
        methods = cls.env["smart.dairy.forecast.method"].search(
            [("code", "in", ("seasonal_naive", "ets"))]
        )
        cls.config = cls.env["smart.dairy.forecast.config"].create(
            {
                "name": "Widget milk, next week",
                "company_id": cls.company.id,
                "target": "farm_milk",
                "frequency": "D",
                "horizon": 7,
                "history_days": 120,
                "n_windows": 2,
                "method_ids": [Command.set(methods.ids)],
            }
        )
        cls.dashboard = cls.env["smart.dairy.dashboard"].create({"name": "Forecast widgets"})
        Widget = cls.env["smart.dairy.dashboard.widget"]
        cls.chart = Widget.create(cls._widget("Milk forecast", cls.config, width=8))
        cls.error = Widget.create(cls._widget("Milk error", cls.config, "error", col=8, width=4))
        cls.analyst = cls._user(
            "fw_analyst", f"base.group_user,{GROUP}analytics_manager", cls.company
        )

    @classmethod
    def _widget(cls, title, config, view="forecast", col=0, width=6, **values):
        return {
            "dashboard_id": cls.dashboard.id,
            "title": title,
            "widget_type": "forecast",
            "forecast_config_id": config.id,
            "forecast_view": view,
            "col": col,
            "width": width,
            "height": 3,
            **values,
        }

    def setUp(self):
        super().setUp()
        if not self.company:
            self.skipTest("needs the demo data")

    def run_config(self, as_of):
        run = self.config._queue_runs()
        self.assertTrue(run._process(as_of, commit=False))
        return run

    def payload(self, user=None, companies=None):
        user = user or self.analyst
        Dashboard = self.env["smart.dairy.dashboard"].with_user(user)
        if companies:
            Dashboard = Dashboard.with_context(allowed_company_ids=companies.ids)
        data = Dashboard.get_dashboard_data(self.dashboard.id, None)
        return {widget["id"]: widget for widget in data["widgets"]}

    def test_before_any_run_the_widgets_say_so_and_offer_to_run(self):
        widgets = self.payload()
        for widget in (widgets[self.chart.id], widgets[self.error.id]):
            self.assertTrue(widget["empty"])
            self.assertEqual(widget["data"]["state"], "none")
            self.assertIn("has not been run yet", widget["data"]["message"])
            self.assertTrue(widget["data"]["can_run"])
        self.assertFalse(self.config.run_ids, "a dashboard load runs nothing")
        self.config.with_user(self.analyst).action_run()
        widget = self.payload()[self.chart.id]
        self.assertEqual(widget["data"]["state"], "pending")
        self.assertIn("under way", widget["data"]["message"])
        self.assertFalse(widget["data"]["can_run"])

    def assert_matches_lines(self, widget, lines, cutoff):
        data = widget["data"]
        self.assertFalse(widget["empty"])
        self.assertEqual(widget["kpis"][0]["unit"], "L")
        values = {d["code"]: d["values"] for d in data["datasets"]}
        periods = [dt.date.fromisoformat(p) for p in data["periods"]]
        self.assertEqual(data["cutoff"], cutoff.isoformat())
        self.assertEqual(data["forecast_start"], min(lines.mapped("date")).isoformat())
        by_date = {}
        for line in lines:
            sums = by_date.setdefault(line.date, dict.fromkeys(BOUNDS, 0.0))
            for code in BOUNDS:
                sums[code] += line[code]
        for index, period in enumerate(periods):
            if period <= cutoff:
                self.assertIsNotNone(values["actual"][index], period)
                self.assertIsNone(values["forecast"][index], period)
                continue
            self.assertIsNone(values["actual"][index], period)
            figures = [values[code][index] for code in BOUNDS]
            self.assertEqual(figures, sorted(figures), period)
            for code in BOUNDS:
                self.assertAlmostEqual(values[code][index], by_date[period][code], places=2)
        self.assertEqual({p for p in periods if p > cutoff}, set(by_date))
        self.assertGreaterEqual(sum(1 for p in periods if p <= cutoff), 8)

    def test_forecast_against_actual_holds_the_lines_and_the_actuals_before_them(self):
        # On the day of the run: the actuals end where its history ends.
        freezer = freeze_time(f"{self.day} 12:00:00")
        freezer.start()
        self.addCleanup(freezer.stop)
        run = self.run_config(self.day)
        cutoff = self.day - dt.timedelta(days=1)
        widgets = self.payload()
        self.assert_matches_lines(widgets[self.chart.id], run.line_ids, cutoff)
        # One farm: its own series, its actuals those of its milkings.
        farm = run.line_ids.farm_id[0]
        self.chart.forecast_farm_id = farm
        widget = self.payload()[self.chart.id]
        lines = run.line_ids.filtered(lambda line: line.farm_id == farm)
        self.assert_matches_lines(widget, lines, cutoff)
        self.assertEqual(widget["data"]["config"]["series"], farm.display_name)
        milkings = self.env["smart.dairy.milking"].search(
            [("farm_id", "=", farm.id), ("date", "=", cutoff)]
        )
        data = widget["data"]
        actual = dict(zip(data["periods"], data["datasets"][0]["values"], strict=True))
        self.assertAlmostEqual(actual[cutoff.isoformat()], sum(milkings.mapped("volume")), 1)

    def test_dashboard_filters_choose_the_farms_of_a_milk_forecast(self):
        freezer = freeze_time(f"{self.day} 12:00:00")
        freezer.start()
        self.addCleanup(freezer.stop)
        run = self.run_config(self.day)
        farms = run.line_ids.farm_id
        farm = farms[0]
        Dashboard = self.env["smart.dairy.dashboard"].with_user(self.analyst)

        def widget(filters):
            data = Dashboard.get_dashboard_data(self.dashboard.id, filters)
            return next(w for w in data["widgets"] if w["id"] == self.chart.id)

        total = widget({"preset": "last_30_days"})
        by_farm = widget({"preset": "last_30_days", "farm_ids": [farm.id]})
        self.assert_matches_lines(
            by_farm,
            run.line_ids.filtered(lambda line: line.farm_id == farm),
            self.day - dt.timedelta(days=1),
        )
        self.assertIn("farm", by_farm["note"])
        self.assertNotEqual(by_farm["data"]["datasets"], total["data"]["datasets"])
        self.chart.forecast_farm_id = farm
        self.assertEqual(
            widget({"preset": "last_30_days"})["data"]["datasets"], by_farm["data"]["datasets"]
        )
        self.chart.forecast_farm_id = False
        # a region keeps its farms; a product category does not apply to milk
        region = self.env["smart.dairy.region"].create(
            {"name": "Forecast test region", "code": "FTR"}
        )
        farm.region_id = region
        by_region = widget({"preset": "last_30_days", "region_ids": [region.id]})
        self.assertEqual(by_region["data"]["datasets"], by_farm["data"]["datasets"])
        category = self.env["product.category"].search([], limit=1)
        by_category = widget({"preset": "last_30_days", "categ_ids": [category.id]})
        self.assertEqual(by_category["data"]["datasets"], total["data"]["datasets"])
        self.assertIn("filters do not apply", by_category["note"])

    def test_a_finished_run_tells_open_dashboards(self):
        def told(run):
            return [
                json.loads(value["channel"])[2]
                for value in self.env.cr.precommit.data.get("bus.bus.values", [])
                if json.loads(value["message"])["type"] == "smart_dairy_kpi_refreshed"
                and json.loads(value["message"])["payload"].get("forecast_run_id") == run.id
            ]

        run = self.config._queue_runs()
        self.assertFalse(told(run), "queued only")
        self.assertTrue(run._process(self.day, commit=False))
        self.assertEqual(run.state, "done")
        self.assertIn(self.analyst.partner_id.id, told(run))

    def test_error_trend_is_the_realised_error_of_past_runs(self):
        first = self.run_config(self.day - dt.timedelta(days=14))
        widget = self.payload()[self.error.id]
        self.assertTrue(widget["empty"], "no forecast has met its actuals yet")
        self.assertIn("No forecast has met its actuals", widget["data"]["message"])
        self.run_config(self.day)
        self.assertTrue(first.realised_periods)
        widget = self.payload()[self.error.id]
        self.assertFalse(widget["empty"])
        data = widget["data"]
        self.assertEqual(data["periods"], [first.as_of.isoformat()])
        values = {d["code"]: d["values"] for d in data["datasets"]}
        self.assertAlmostEqual(values["realised_wape"][0], first.realised_wape * 100, places=2)
        self.assertAlmostEqual(values["backtest_wape"][0], first.wape * 100, places=2)
        self.assertEqual(widget["kpis"][0]["display_format"], "percentage")

    def test_exports_list_the_forecast_figures(self):
        run = self.run_config(self.day)
        line_total = sum(run.line_ids.filtered(lambda x: x.date == self.day).mapped("forecast"))
        Dashboard = self.env["smart.dairy.dashboard"].with_user(self.analyst)
        _name, _type, content = Dashboard._export_file(self.dashboard.id, None, "csv")
        rows = list(csv.DictReader(io.StringIO(content.decode())))
        mine = [r for r in rows if r["widget"] == "Milk forecast"]
        self.assertEqual({r["kpi"] for r in mine}, {"actual", *BOUNDS})
        forecast = next(
            r for r in mine if r["kpi"] == "forecast" and r["period_start"] == str(self.day)
        )
        self.assertAlmostEqual(float(forecast["value"]), line_total, places=2)
        _name, _type, content = Dashboard._export_file(self.dashboard.id, None, "json")
        exported = {w["title"]: w for w in json.loads(content)["widgets"]}
        self.assertTrue(exported["Milk forecast"]["rows"])
        _name, _type, content = Dashboard._export_file(self.dashboard.id, None, "xlsx")
        self.assertTrue(content.startswith(b"PK"))
        data = Dashboard.get_dashboard_data(self.dashboard.id, None)
        pdf = Dashboard._export_pdf_values(data)
        table = next(w for w in pdf["widgets"] if w["title"] == "Milk forecast")
        self.assertIn("Forecast", table["header"])
        self.assertIn("<polyline", table["chart"], "a time series, drawn as lines")

    def test_another_companys_forecast_is_not_shown(self):
        other = self.env["res.company"].create({"name": "Forecast Widget B"})
        config_b = self.env["smart.dairy.forecast.config"].create(
            {"name": "Milk B", "target": "farm_milk", "company_id": other.id}
        )
        widget_b = self.env["smart.dairy.dashboard.widget"].create(
            self._widget("Milk of B", config_b, row=4, width=12)
        )
        reader = self._user("fw_reader", f"base.group_user,{GROUP}user", self.company)
        shown = self.payload(reader)
        self.assertIn(self.chart.id, shown)
        self.assertNotIn(widget_b.id, shown)
        both = self._user("fw_both", f"base.group_user,{GROUP}user", self.company)
        both.company_ids = self.company | other
        self.assertNotIn(widget_b.id, self.payload(both, self.company))
        self.assertIn(widget_b.id, self.payload(both, other))
        self.assertNotIn(self.chart.id, self.payload(both, other))

    def test_configuration_errors_are_refused_in_plain_words(self):
        Widget = self.env["smart.dairy.dashboard.widget"]
        with self.assertRaisesRegex(ValidationError, "needs a forecast configuration"):
            Widget.create({**self._widget("No config", self.config), "forecast_config_id": False})
        product = self.env["product.product"].search([], limit=1)
        with self.assertRaisesRegex(ValidationError, "picks a product, but .* forecasts milk"):
            Widget.create(self._widget("Product", self.config, forecast_product_id=product.id))
        kpi = self.env.ref("smart_dairy_bi.kpi_production")
        with self.assertRaisesRegex(ValidationError, "remove its KPIs"):
            Widget.create(self._widget("KPI", self.config, kpi_ids=[Command.set(kpi.ids)]))
