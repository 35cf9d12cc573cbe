import datetime as dt
from collections import defaultdict

from odoo import Command, fields
from odoo.tests import TransactionCase, tagged

from odoo.addons.smart_dairy_base.tests.demo import demo_company_and_day


@tagged("post_install", "-at_install")
class TestForecastRuns(TransactionCase):
    """Small forecast configurations on the demo company, run by the job's own code."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company, cls.day = demo_company_and_day(cls.env)
        if not cls.company or not cls.day:
            return
        methods = cls.env["smart.dairy.forecast.method"].search(
            [("code", "in", ("seasonal_naive", "ets"))]
        )
        Config = cls.env["smart.dairy.forecast.config"]
        cls.milk = Config.create(
            {
                "name": "Milk per farm, next week",
                "company_id": cls.company.id,
                "target": "farm_milk",
                "frequency": "D",
                "horizon": 7,
                "history_days": 120,
                "n_windows": 2,
                "method_ids": [Command.set(methods.ids)],
                "batch_size": 2,
            }
        )
        sold = cls.env["sale.order.line"].search(
            [("company_id", "=", cls.company.id), ("state", "=", "sale")]
        )
        cls.products = sold.product_id[:2]
        cls.demand = Config.create(
            {
                "name": "Weekly demand",
                "company_id": cls.company.id,
                "target": "product_demand",
                "frequency": "W",
                "horizon": 4,
                "history_days": 364,
                "n_windows": 2,
                "method_ids": [Command.set(methods.ids)],
                "product_ids": [Command.set(cls.products.ids)],
            }
        )
        cls.Run = cls.env["smart.dairy.forecast.run"]

    def setUp(self):
        super().setUp()
        if not self.company or not self.day:
            self.skipTest("needs the demo data")

    def run_config(self, config, as_of=None):
        run = config._queue_runs()
        self.assertEqual(len(run), 1)
        self.assertTrue(run._process(as_of or self.day, commit=False))
        return run

    def farms_with_milk(self, since, until):
        groups = self.env["smart.dairy.milking"]._read_group(
            [("company_id", "=", self.company.id), ("date", ">=", since), ("date", "<=", until)],
            ["farm_id"],
        )
        return {farm for (farm,) in groups}

    def test_milk_run_writes_a_week_per_farm_with_ordered_bounds(self):
        run = self.run_config(self.milk)
        yesterday = self.day - dt.timedelta(days=1)
        farms = self.farms_with_milk(yesterday - dt.timedelta(days=119), yesterday)
        self.assertTrue(farms)
        self.assertEqual(run.state, "done")
        self.assertEqual((run.series_count, run.series_done), (len(farms), len(farms)))
        self.assertEqual(run.line_count, 7 * len(farms))
        self.assertEqual(set(run.line_ids.farm_id), farms)
        self.assertEqual(
            set(run.line_ids.mapped("date")),
            {self.day + dt.timedelta(days=i) for i in range(7)},
        )
        for line in run.line_ids:
            self.assertTrue(
                0 <= line.lo_95 <= line.lo_80 <= line.forecast <= line.hi_80 <= line.hi_95,
                (line.lo_95, line.lo_80, line.forecast, line.hi_80, line.hi_95),
            )
            self.assertIn(line.model, ("seasonal_naive", "ets", "ensemble"))
        self.assertTrue(run.models_chosen)
        self.assertFalse(run.error_count)
        # each series' backtest metrics and interval method are kept, averaged on the run
        firsts = {line.farm_id: line for line in run.line_ids.sorted("date", reverse=True)}
        scored = [line for line in firsts.values() if line.backtest_mase > 0]
        self.assertTrue(scored)
        self.assertAlmostEqual(
            run.smape, sum(line.backtest_smape for line in scored) / len(scored), places=3
        )
        self.assertTrue(all(line.backtest_smape > 0 and line.intervals for line in scored))
        farm = run.line_ids.farm_id[0]
        self.assertEqual(farm.forecast_line_count, 7)
        self.assertEqual(farm.action_open_forecast()["domain"], [("farm_id", "in", farm.ids)])

    def test_rerun_replaces_the_lines(self):
        first = self.run_config(self.milk)
        count = first.line_count
        second = self.run_config(self.milk)
        self.assertFalse(first.line_ids)
        self.assertEqual(second.line_count, count)
        lines = self.env["smart.dairy.forecast.line"].search([("config_id", "=", self.milk.id)])
        self.assertEqual(lines, second.line_ids)
        self.assertEqual(self.milk.last_run_id, second)

    def test_an_interrupted_run_resumes_without_duplicates(self):
        run = self.milk._queue_runs()
        history = run._start(self.day)
        self.assertEqual(run._step(history), 2)
        self.assertEqual(run.series_done, 2)
        self.assertEqual(len(run.line_ids), 14)
        self.assertTrue(self.run_config_resume(run))
        self.assertEqual(run.line_count, 7 * run.series_count)
        self.assertEqual(len(run.line_ids), run.line_count)
        self.assertEqual(
            len(set(run.line_ids.mapped(lambda line: (line.series_key, line.date)))), run.line_count
        )

    def run_config_resume(self, run):
        self.assertFalse(self.milk._queue_runs(), "one run at a time per configuration")
        return run._process(self.day, commit=False)

    def test_realised_error_of_the_last_run_is_kept_and_judged(self):
        first = self.run_config(self.milk, self.day - dt.timedelta(days=14))
        past = {(line.series_key, line.date): line.forecast for line in first.line_ids}
        self.assertGreater(first.wape, 0, "daily milk has a backtest")
        second = self.run_config(self.milk)
        history = second._history(self.day).set_index(["unique_id", "ds"])["y"]
        actual = {
            k: float(history.get((k[0], fields.Datetime.to_datetime(k[1])), 0.0)) for k in past
        }
        wape = sum(abs(actual[k] - f) for k, f in past.items()) / sum(actual.values())
        self.assertEqual(first.realised_periods, 7)
        self.assertAlmostEqual(first.realised_wape, wape, places=3)
        drift = self.env["smart.dairy.alert"].search(
            [("dedup_key", "=", f"forecast:run:{self.milk.id}:drift"), ("state", "!=", "resolved")]
        )
        self.assertEqual(bool(drift), wape > 1.5 * first.wape)

    def test_milk_below_target_alerts_the_farms_forecast_short(self):
        run = self.run_config(self.milk)
        targets = run._farm_targets()
        self.assertTrue(targets, "the demo sets daily farm targets")
        Alert = self.env["smart.dairy.alert"]
        for farm in run.line_ids.farm_id:
            lines = run.line_ids.filtered(lambda line, f=farm: line.farm_id == f)
            short = any(line.forecast < targets.get(farm.id, 0) for line in lines)
            alert = Alert.search(
                [
                    ("dedup_key", "=", f"forecast:run:{self.milk.id}:milk:{farm.id}"),
                    ("state", "!=", "resolved"),
                ]
            )
            self.assertEqual(bool(alert), short, farm.name)
            if alert:
                self.assertEqual((alert.source, alert.company_id), ("forecast", self.company))

    def test_weekly_demand_per_product_and_warehouse(self):
        run = self.run_config(self.demand)
        self.assertEqual(run.state, "done")
        end = self.day - dt.timedelta(days=self.day.weekday() + 1)  # last complete Sunday
        start = end - dt.timedelta(days=363)
        lines = self.env["sale.order.line"].search(
            [
                ("company_id", "=", self.company.id),
                ("state", "=", "sale"),
                ("product_id", "in", self.products.ids),
                ("order_id.date_order", ">=", dt.datetime.combine(start, dt.time.min)),
            ]
        )
        local = self.company.partner_id.tz or "UTC"
        pairs = {
            (line.product_id, line.order_id.warehouse_id)
            for line in lines.with_context(tz=local)
            if start <= fields.Date.context_today(line, line.order_id.date_order) <= end
        }
        self.assertEqual({(line.product_id, line.warehouse_id) for line in run.line_ids}, pairs)
        self.assertEqual(run.line_count, 4 * len(pairs))
        mondays = {end + dt.timedelta(days=1 + 7 * i) for i in range(4)}
        self.assertEqual(set(run.line_ids.mapped("date")), mondays)
        product = self.products[0]
        self.assertEqual(
            product.dairy_forecast_line_count,
            len(run.line_ids.filtered(lambda line: line.product_id == product)),
        )

    def test_demand_forecast_beside_the_weekly_quantities_sold(self):
        run = self.run_config(self.demand)
        mondays = sorted(set(run.line_ids.mapped("date")))
        first_week = mondays[0] - dt.timedelta(weeks=12)  # 3 horizons of 4 weeks
        local = self.company.partner_id.tz or "UTC"
        sold = self.env["sale.order.line"].search(
            [
                ("company_id", "=", self.company.id),
                ("state", "=", "sale"),
                ("product_id", "in", self.products.ids),
                ("order_id.warehouse_id", "!=", False),
            ]
        )
        series = set(run.line_ids.mapped("series_key"))
        # every week before the forecast counts, a week without a sale as zero
        weeks = [first_week + dt.timedelta(weeks=i) for i in range(12)]
        expected = defaultdict(float, {(key, week): 0.0 for key in series for week in weeks})
        for line in sold.with_context(tz=local):
            day = fields.Date.context_today(line, line.order_id.date_order)
            week = day - dt.timedelta(days=day.weekday())
            key = f"{line.product_id.id}:{line.order_id.warehouse_id.id}"
            if key in series and first_week <= week <= mondays[-1]:
                expected[key, week] += line.product_uom_qty
        self.assertTrue(expected)
        Analysis = self.env["smart.dairy.forecast.analysis"]
        actual = Analysis.search([("config_id", "=", self.demand.id), ("figure", "=", "actual")])
        found = {(row.series_key, row.date): row.quantity for row in actual}
        self.assertEqual(set(found), set(expected))
        for key, quantity in expected.items():
            self.assertAlmostEqual(found[key], quantity, places=6, msg=key)
        forecast = Analysis.search(
            [("config_id", "=", self.demand.id), ("figure", "=", "forecast")]
        )
        self.assertEqual(set(forecast.ids), set(run.line_ids.ids))
        product = self.products[0]
        action = product.action_open_dairy_forecast()
        self.assertEqual(action["res_model"], "smart.dairy.forecast.analysis")
        self.assertEqual(Analysis.search(action["domain"]).product_id, product)
        template = product.product_tmpl_id
        self.assertEqual(template.dairy_forecast_line_count, product.dairy_forecast_line_count)
        self.assertEqual(
            template.action_open_dairy_forecast()["domain"],
            [("product_id", "in", template.product_variant_ids.ids)],
        )

    def test_demand_outside_the_interval_raises_an_alert_per_series(self):
        earlier = self.day - dt.timedelta(days=35)
        first = self.run_config(self.demand, earlier)
        past = {
            (line.series_key, line.date): (line.lo_95, line.hi_95, line.forecast)
            for line in first.line_ids
        }
        self.assertTrue(past)
        second = self.run_config(self.demand)
        history = second._history(self.day).set_index(["unique_id", "ds"])["y"]
        last_known = history.index.get_level_values("ds").max().date()
        missed = set()
        error = total = 0.0
        periods = set()
        for (key, day), (low, high, forecast) in past.items():
            if day > last_known:
                continue
            actual = float(history.get((key, fields.Datetime.to_datetime(day)), 0.0))
            if not low - 1e-9 <= actual <= high + 1e-9:
                missed.add(key)
            error += abs(actual - forecast)
            total += abs(actual)
            periods.add(day)
        # The realised WAPE of the first run, kept on it; drift alert past 1.5 x backtest.
        self.assertEqual(first.realised_periods, len(periods))
        self.assertAlmostEqual(first.realised_wape, error / total, places=3)
        drift = self.env["smart.dairy.alert"].search(
            [
                ("dedup_key", "=", f"forecast:run:{self.demand.id}:drift"),
                ("state", "!=", "resolved"),
            ]
        )
        # Weekly series with a year of history have no backtest: no drift to judge.
        self.assertEqual(bool(drift), 0 < 1.5 * first.wape < error / total)
        alerts = self.env["smart.dairy.alert"].search(
            [("dedup_key", "=like", f"forecast:run:{self.demand.id}:interval:%")]
        )
        self.assertEqual({alert.dedup_key.split(":interval:")[1] for alert in alerts}, missed)
        self.assertTrue(all(alert.source == "forecast" for alert in alerts))
        self.assertFalse(first.line_ids, "the second run replaced the first one's lines")
