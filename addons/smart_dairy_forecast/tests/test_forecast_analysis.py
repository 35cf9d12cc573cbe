import datetime as dt
from collections import defaultdict

from odoo import Command, fields
from odoo.exceptions import AccessError
from odoo.tests import TransactionCase, freeze_time, tagged

from .common import GROUP, CompanyUserMixin, confirm_sales

FIRST, LAST = dt.date(2025, 3, 3), dt.date(2025, 6, 30)
AS_OF = dt.date(2025, 6, 23)  # a Monday: the forecast's first day and first week


def morning(day):
    return 10.0 + (day - FIRST).days % 7


def evening(day):
    """A second milking on Sundays only, so some periods sum two records."""
    return 2.5 if day.weekday() == 6 else 0.0


@tagged("post_install", "-at_install")
class TestForecastAnalysis(CompanyUserMixin, TransactionCase):
    """The latest forecast beside the actual milk of its farms, worked out by hand
    from the milkings: daily and weekly periods, the configuration's farms only."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.company = env["res.company"].create({"name": "Analysis Dairy"})
        Farm = env["smart.dairy.farm"]
        cls.farm = Farm.create(
            {"name": "Analysis Farm", "code": "ANF", "company_id": cls.company.id}
        )
        cls.other = Farm.create({"name": "Other Farm", "code": "ANO", "company_id": cls.company.id})
        cows = env["smart.dairy.animal"].create(
            [
                {"ear_tag": f"AN-{farm.code}", "farm_id": farm.id, "status": "lactating"}
                for farm in (cls.farm, cls.other)
            ]
        )
        days = [FIRST + dt.timedelta(days=i) for i in range((LAST - FIRST).days + 1)]
        sessions = (("morning", morning), ("evening", evening))
        milkings = [
            {"animal_id": cow.id, "date": day, "session": session, "volume": volume(day)}
            for cow in cows
            for day in days
            for session, volume in sessions
            if volume(day)
        ]
        env["smart.dairy.milking"].create(milkings)
        seasonal_naive = env.ref("smart_dairy_forecast.forecast_method_seasonal_naive")
        cls.Config = env["smart.dairy.forecast.config"].with_company(cls.company)
        cls.common = {
            "company_id": cls.company.id,
            "target": "farm_milk",
            "history_days": 84,
            "n_windows": 1,
            "method_ids": [Command.set(seasonal_naive.ids)],
            "farm_ids": [Command.set(cls.farm.ids)],
        }
        cls.Analysis = env["smart.dairy.forecast.analysis"]

    def run_config(self, **values):
        config = self.Config.create({"name": "Analysis milk", **self.common, **values})
        run = config._queue_runs()
        self.assertTrue(run._process(AS_OF, commit=False))
        self.assertEqual(run.state, "done")
        return config, run

    def rows(self, config, figure):
        found = self.Analysis.search([("config_id", "=", config.id), ("figure", "=", figure)])
        return {row.date: row for row in found}

    def test_daily_forecast_beside_three_horizons_of_actual_milk(self):
        config, run = self.run_config(frequency="D", horizon=7)
        forecast = self.rows(config, "forecast")
        self.assertEqual(
            {day: (row.quantity, row.lo_95, row.hi_95) for day, row in forecast.items()},
            {line.date: (line.forecast, line.lo_95, line.hi_95) for line in run.line_ids},
        )
        # 3 horizons of 7 days before the first forecast day, and the 7 forecast days
        # whose milk is known now: 2025-06-02 to 2025-06-29
        actual = self.rows(config, "actual")
        start = AS_OF - dt.timedelta(days=21)
        expected = {
            start + dt.timedelta(days=i): morning(start + dt.timedelta(days=i))
            + evening(start + dt.timedelta(days=i))
            for i in range(28)
        }
        self.assertEqual({day: row.quantity for day, row in actual.items()}, expected)
        rows = self.Analysis.browse([row.id for row in actual.values()])
        self.assertEqual(rows.farm_id, self.farm, "the configuration's farm only")
        self.assertFalse(any(rows.mapped("lo_95") + rows.mapped("hi_95")))
        # the graph's read: one point per day and figure, the sums above
        groups = self.Analysis._read_group(
            [("config_id", "=", config.id)], ["date:day", "figure"], ["quantity:sum"]
        )
        self.assertEqual(len(groups), 28 + 7)
        self.assertEqual(
            {
                (fields.Date.to_date(day), figure): total
                for day, figure, total in groups
                if figure == "actual"
            },
            {(day, "actual"): value for day, value in expected.items()},
        )

        # the pivot's measures: actual and forecast apart, each total its own
        [(actual_total, forecast_total)] = self.Analysis._read_group(
            [("config_id", "=", config.id)], [], ["actual:sum", "forecast:sum"]
        )
        self.assertAlmostEqual(actual_total, sum(expected.values()), places=6)
        self.assertAlmostEqual(forecast_total, sum(run.line_ids.mapped("forecast")), places=6)

    def test_the_dashboard_widget_shows_the_same_actuals_and_forecast(self):
        config, run = self.run_config(frequency="D", horizon=7)
        unrecorded = dt.date(2025, 6, 15)
        self.env["smart.dairy.milking"].search(
            [("farm_id", "=", self.farm.id), ("date", "=", unrecorded)]
        ).unlink()
        with freeze_time(LAST + dt.timedelta(days=1)):
            payload = config._forecast_chart_payload(farm=self.farm)["data"]
        widget = {
            code: dict(zip(payload["periods"], values, strict=True))
            for code, values in ((d["code"], d["values"]) for d in payload["datasets"])
        }
        shown = {
            figure: {day.isoformat(): row for day, row in self.rows(config, figure).items()}
            for figure in ("actual", "forecast")
        }
        # a day without milk recorded is a gap in both, not a zero
        self.assertIsNone(widget["actual"][unrecorded.isoformat()])
        self.assertNotIn(unrecorded.isoformat(), shown["actual"])
        common = set(shown["actual"]) & {d for d, v in widget["actual"].items() if v is not None}
        self.assertGreaterEqual(len(common), 14)
        for day in common:
            self.assertAlmostEqual(widget["actual"][day], shown["actual"][day].quantity, places=2)
        self.assertEqual(
            {d: v for d, v in widget["forecast"].items() if v is not None},
            {d: round(row.quantity, 2) for d, row in shown["forecast"].items()},
        )
        self.assertEqual(
            {d: v for d, v in widget["hi_95"].items() if v is not None},
            {d: round(row.hi_95, 2) for d, row in shown["forecast"].items()},
        )
        self.assertEqual(len(run.line_ids), len(shown["forecast"]))

    def test_weekly_periods_start_on_monday_and_sum_every_milking(self):
        config, _run = self.run_config(frequency="W", horizon=2)
        mondays = [AS_OF, AS_OF + dt.timedelta(days=7)]
        self.assertEqual(sorted(self.rows(config, "forecast")), mondays)
        weekly = defaultdict(float)
        day = AS_OF - dt.timedelta(weeks=8)  # 8 periods at least before the forecast
        while day <= LAST:
            weekly[day - dt.timedelta(days=day.weekday())] += morning(day) + evening(day)
            day += dt.timedelta(days=1)
        actual = {day: row.quantity for day, row in self.rows(config, "actual").items()}
        self.assertEqual(actual, dict(weekly))
        # the week under way holds the one day milked so far
        self.assertEqual(actual[mondays[1]], morning(LAST) + evening(LAST))

    def sell(self, product, sold):
        """Orders of ``product`` every weekday of ``sold`` ({weekday: quantity})."""
        days = [FIRST + dt.timedelta(days=i) for i in range((LAST - FIRST).days + 1)]
        confirm_sales(
            self.env,
            self.company,
            product,
            [(day, sold[day.weekday()]) for day in days if day.weekday() in sold],
        )

    def test_days_without_a_sale_are_no_demand_before_the_forecast(self):
        product = self.env["product.product"].create({"name": "Analysis Yoghurt"})
        sold = {0: 3.0, 3: 5.0}  # Mondays and Thursdays
        self.sell(product, sold)
        config, run = self.run_config(
            target="product_demand",
            frequency="D",
            horizon=7,
            product_ids=[Command.set(product.ids)],
            farm_ids=[Command.clear()],
        )
        self.assertEqual(len(run.line_ids), 7)
        before = [AS_OF - dt.timedelta(days=21 - i) for i in range(21)]
        under_way = [AS_OF + dt.timedelta(days=i) for i in range(7)]
        expected = {day: sold.get(day.weekday(), 0.0) for day in before}
        # forecast days count their sales so far; a day without one is not known yet
        expected.update({day: sold[day.weekday()] for day in under_way if day.weekday() in sold})
        actual = {day: row.quantity for day, row in self.rows(config, "actual").items()}
        self.assertEqual(actual, expected)

    def test_a_new_product_with_a_reordering_rule_gets_its_categorys_forecast(self):
        category = self.env["product.category"].create({"name": "Analysis Yoghurts"})
        Product = self.env["product.product"]
        old, new = (
            Product.create({"name": name, "categ_id": category.id, "is_storable": True})
            for name in ("Old Yoghurt", "New Yoghurt")
        )
        self.sell(old, {0: 3.0, 3: 5.0})
        warehouse = self.env["stock.warehouse"].search(
            [("company_id", "=", self.company.id)], limit=1
        )
        rule = self.env["stock.warehouse.orderpoint"].create(
            {
                "product_id": new.id,
                "warehouse_id": warehouse.id,
                "location_id": warehouse.lot_stock_id.id,
                "company_id": self.company.id,
                "product_min_qty": 1.0,
                "product_max_qty": 2.0,
            }
        )
        _config, run = self.run_config(
            target="product_demand",
            frequency="D",
            horizon=7,
            product_ids=[Command.set((old | new).ids)],
            farm_ids=[Command.clear()],
        )
        lines = {
            product: run.line_ids.filtered(lambda line, p=product: line.product_id == p)
            for product in (old, new)
        }
        self.assertEqual(len(lines[new]), 7)
        self.assertEqual(lines[new].warehouse_id, warehouse)
        # the category's only series with history, period by period
        for field in ("date", "forecast", "lo_95", "hi_95"):
            self.assertEqual(lines[new].mapped(field), lines[old].mapped(field), field)
        self.assertEqual(set(lines[new].mapped("model")), {"category profile"})
        self.assertIn("Analysis Yoghurts (1 series)", lines[new][0].reason)
        suggestion = self.env["smart.dairy.replenishment"].search([("orderpoint_id", "=", rule.id)])
        self.assertEqual(len(suggestion), 1, "a new product gets its min and max too")

    def test_a_farm_whose_records_stop_early_is_forecast_from_the_run_day(self):
        stopped = self.env["smart.dairy.farm"].create(
            {"name": "Quiet Farm", "code": "ANQ", "company_id": self.company.id}
        )
        cow = self.env["smart.dairy.animal"].create(
            {"ear_tag": "AN-ANQ", "farm_id": stopped.id, "status": "lactating"}
        )
        last = AS_OF - dt.timedelta(days=10)
        days = [FIRST + dt.timedelta(days=i) for i in range((last - FIRST).days + 1)]
        self.env["smart.dairy.milking"].create(
            [{"animal_id": cow.id, "date": day, "volume": morning(day)} for day in days]
        )
        _config, run = self.run_config(
            frequency="D", horizon=7, farm_ids=[Command.set(stopped.ids)]
        )
        lines = run.line_ids.sorted("date")
        self.assertEqual(lines.mapped("date"), [AS_OF + dt.timedelta(days=i) for i in range(7)])
        # the days not recorded carry the last day's milk, not zero
        self.assertEqual(lines.mapped("forecast"), [morning(last)] * 7)

    def test_a_rerun_replaces_the_forecast_and_keeps_one_actual_per_period(self):
        config, _first = self.run_config(frequency="D", horizon=7)
        second = config._queue_runs()
        self.assertTrue(second._process(AS_OF, commit=False))
        forecast = self.Analysis.search(
            [("config_id", "=", config.id), ("figure", "=", "forecast")]
        )
        self.assertEqual(forecast.mapped("id"), second.line_ids.sorted("date").ids)
        actual = self.Analysis.search([("config_id", "=", config.id), ("figure", "=", "actual")])
        self.assertEqual(len(actual), len(set(actual.mapped("date"))))

    def test_smart_button_opens_the_farm_against_its_forecast(self):
        config, _run = self.run_config(frequency="D", horizon=7)
        reader = self._user("an_reader", f"base.group_user,{GROUP}user")
        action = self.farm.with_user(reader).action_open_forecast()
        self.assertEqual(action["res_model"], "smart.dairy.forecast.analysis")
        rows = self.Analysis.with_user(reader).search(action["domain"])
        self.assertEqual(set(rows.mapped("figure")), {"actual", "forecast"})
        self.assertEqual(rows.config_id, config)
        action = config.with_user(reader).action_open_forecast()
        self.assertEqual(action["domain"], [("config_id", "in", config.ids)])
        self.assertIn("search_default_milk", action["context"], "a milk configuration")

    def test_outsiders_and_other_companies_read_nothing(self):
        self.run_config(frequency="D", horizon=7)
        plain = self._user("an_plain", "base.group_user")
        with self.assertRaises(AccessError):
            self.Analysis.with_user(plain).search([])
        elsewhere = self.env["res.company"].create({"name": "Analysis Elsewhere"})
        stranger = self._user("an_stranger", f"base.group_user,{GROUP}user", elsewhere)
        self.assertFalse(self.Analysis.with_user(stranger).search([]))
        reader = self._user("an_own", f"base.group_user,{GROUP}user")
        self.assertTrue(self.Analysis.with_user(reader).search([]))
