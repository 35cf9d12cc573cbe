import datetime as dt

from odoo import Command
from odoo.tests import TransactionCase, tagged

from .common import GROUP, CompanyUserMixin, confirm_sales

FIRST, LAST = dt.date(2025, 3, 3), dt.date(2025, 6, 22)
EARLIER, LATER = dt.date(2025, 6, 16), dt.date(2025, 6, 23)  # two Mondays, a week apart


def volume(day):
    """Weekly pattern with a three-day ripple, so that the backtest error is not zero."""
    i = (day - FIRST).days
    return 20.0 + i % 7 + 0.5 * (i % 3)


@tagged("post_install", "-at_install")
class TestForecastAlerts(CompanyUserMixin, TransactionCase):
    """Each forecast alert is raised on data made to trigger it, and lands on the right
    person: the farm's manager, the product's responsible, else the configuration's."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        cls.company = env["res.company"].create({"name": "Alert Forecast Dairy"})
        cls.planner = cls._user("fa_planner", f"base.group_user,{GROUP}analytics_manager")
        cls.manager = cls._user("fa_manager", f"base.group_user,{GROUP}farm_manager")
        cls.stock_user = cls._user("fa_stock", f"base.group_user,{GROUP}user")
        cls.farm = env["smart.dairy.farm"].create(
            {
                "name": "Alert Farm",
                "code": "ALF",
                "company_id": cls.company.id,
                "manager_id": cls.manager.id,
            }
        )
        cow = env["smart.dairy.animal"].create(
            {"ear_tag": "ALF-1", "farm_id": cls.farm.id, "status": "lactating"}
        )
        days = [FIRST + dt.timedelta(days=i) for i in range((LAST - FIRST).days + 1)]
        cls.milkings = env["smart.dairy.milking"].create(
            [{"animal_id": cow.id, "date": day, "volume": volume(day)} for day in days]
        )
        methods = env["smart.dairy.forecast.method"].search(
            [("code", "in", ("seasonal_naive", "ets"))]
        )
        cls.common = {
            "company_id": cls.company.id,
            "user_id": cls.planner.id,
            "frequency": "D",
            "horizon": 7,
            "history_days": 84,
            "n_windows": 2,
            "method_ids": [Command.set(methods.ids)],
        }
        cls.Alert = env["smart.dairy.alert"]

    def run_config(self, config, as_of):
        run = config._queue_runs()
        self.assertTrue(run._process(as_of, commit=False))
        self.assertEqual(run.state, "done")
        return run

    def open_alert(self, key):
        return self.Alert.search([("dedup_key", "=", key), ("state", "!=", "resolved")])

    def assert_lands_on(self, alert, user):
        self.assertEqual(len(alert), 1)
        self.assertEqual((alert.user_id, alert.company_id), (user, self.company))
        self.assertEqual(alert.activity_ids.user_id, user, "a to-do for that person")

    def milk_config(self):
        return self.env["smart.dairy.forecast.config"].create(
            {
                "name": "Alert milk",
                "target": "farm_milk",
                "farm_ids": [Command.set(self.farm.ids)],
                **self.common,
            }
        )

    def test_milk_below_the_farms_target_reaches_its_manager(self):
        self.env["smart.dairy.kpi.target"].create(
            {
                "kpi_id": self.env.ref("smart_dairy_bi.kpi_production").id,
                "company_id": self.company.id,
                "grain": "day",
                "dimension_id": self.env.ref("smart_dairy_bi.dimension_farm").id,
                "dimension_value": str(self.farm.id),
                "target": 100.0,  # about 20-28 L a day is forecast
            }
        )
        config = self.milk_config()
        self.run_config(config, LATER)
        alert = self.open_alert(f"forecast:run:{config.id}:milk:{self.farm.id}")
        self.assert_lands_on(alert, self.manager)
        self.assertEqual(alert.expected, ">= 100")

    def test_daily_runs_measure_each_forecast_over_its_whole_horizon(self):
        config = self.milk_config()
        config.horizon = 3
        days = [EARLIER + dt.timedelta(days=i) for i in range(4)]
        first = self.run_config(config, days[0])
        forecast = {line.date: line.forecast for line in first.line_ids}
        self.assertEqual(sorted(forecast), days[:3])
        Line = self.env["smart.dairy.forecast.line"].with_context(active_test=False)
        runs = [first]
        for measured, day in enumerate(days[1:], start=1):
            runs.append(self.run_config(config, day))
            # one more day of the first run's horizon is known and measured
            self.assertEqual(first.realised_periods, measured)
            errors = [abs(volume(d) - forecast[d]) for d in days[:measured]]
            wape = sum(errors) / sum(volume(d) for d in days[:measured])
            self.assertAlmostEqual(first.realised_wape, wape, places=3)
            self.assertAlmostEqual(first.realised_error / first.realised_volume, wape, places=9)
        self.assertFalse(Line.search([("run_id", "=", first.id)]), "measured, then deleted")
        # the latest run's lines are the forecast; earlier ones wait, archived
        latest = runs[-1]
        self.assertEqual(
            Line.search([("config_id", "=", config.id), ("active", "=", True)]), latest.line_ids
        )
        waiting = Line.search([("config_id", "=", config.id), ("active", "=", False)])
        self.assertEqual(
            sorted((line.run_id.as_of, line.date) for line in waiting),
            [(days[1], days[3]), (days[2], days[3]), (days[2], days[3] + dt.timedelta(days=1))],
        )
        shown = self.env["smart.dairy.forecast.analysis"].search(
            [("config_id", "=", config.id), ("figure", "=", "forecast")]
        )
        self.assertEqual(set(shown.ids), set(latest.line_ids.ids))

    def test_the_daily_job_runs_each_configuration_its_schedule_calls_for(self):
        Config = self.env["smart.dairy.forecast.config"]
        Config.search([]).action_archive()  # the demo's: this test's job runs only these
        daily, weekly = self.milk_config(), self.milk_config()
        weekly.schedule = "weekly"
        Run = self.env["smart.dairy.forecast.run"]
        finished = Run._cron_forecast(as_of=EARLIER, commit=False)
        self.assertEqual(finished.config_id, daily | weekly)
        self.assertEqual(set(finished.mapped("state")), {"done"})
        next_day = Run._cron_forecast(as_of=EARLIER + dt.timedelta(days=1), commit=False)
        self.assertEqual(next_day.config_id, daily, "the weekly one waits a week")
        self.assertFalse(
            Run._cron_forecast(as_of=EARLIER + dt.timedelta(days=1), commit=False),
            "nothing twice a day",
        )
        log = self.env["smart.dairy.job.log"].search(
            [("code", "=", "model._cron_forecast()")], limit=1
        )
        self.assertTrue(log.ok)

    def test_drift_beyond_the_backtest_reaches_the_configurations_responsible(self):
        config = self.milk_config()
        first = self.run_config(config, EARLIER)
        self.assertGreater(first.wape, 0)
        # the week it forecast then gave a quarter of the milk
        week = self.milkings.filtered(lambda m: EARLIER <= m.date < LATER)
        for milking in week:
            milking.volume /= 4
        self.run_config(config, LATER)
        self.assertGreater(first.realised_wape, 1.5 * first.wape)
        self.assert_lands_on(self.open_alert(f"forecast:run:{config.id}:drift"), self.planner)

    def test_demand_outside_its_interval_reaches_the_products_responsible(self):
        product = self.env["product.product"].create({"name": "Alert Cheese"})
        product.with_company(self.company).responsible_id = self.stock_user
        sold = {0: 3.0, 3: 5.0}  # Mondays and Thursdays; then 40 one Tuesday
        days = [FIRST + dt.timedelta(days=i) for i in range((LAST - FIRST).days + 1)]
        quantities = [(day, sold[day.weekday()]) for day in days if day.weekday() in sold]
        quantities.append((EARLIER + dt.timedelta(days=1), 40.0))
        confirm_sales(self.env, self.company, product, quantities)
        config = self.env["smart.dairy.forecast.config"].create(
            {
                "name": "Alert demand",
                "target": "product_demand",
                "product_ids": [Command.set(product.ids)],
                **self.common,
            }
        )
        first = self.run_config(config, EARLIER)
        tuesday = first.line_ids.filtered(lambda line: line.date == EARLIER + dt.timedelta(days=1))
        self.assertLess(tuesday.hi_95, 40.0)
        key = f"forecast:run:{config.id}:interval:{tuesday.series_key}"
        self.run_config(config, LATER)
        alert = self.open_alert(key)
        self.assert_lands_on(alert, self.stock_user)
        self.assertEqual(alert.value, 40.0)
