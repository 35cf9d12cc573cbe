import datetime as dt

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import TransactionCase, tagged

from odoo.addons.smart_dairy_bi.tests.common_attack import AttackCase

from .common import GROUP, CompanyUserMixin


@tagged("post_install", "-at_install")
class TestForecastAccess(CompanyUserMixin, TransactionCase):
    """Configurations, runs and lines stay in their company and with the suite's roles."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_a = cls.env["res.company"].create({"name": "Forecast A"})
        cls.company_b = cls.env["res.company"].create({"name": "Forecast B"})
        cls.farm_a = cls.env["smart.dairy.farm"].create(
            {"name": "Forecast Farm A", "code": "FCA", "company_id": cls.company_a.id}
        )
        cls.config_a = cls.env["smart.dairy.forecast.config"].create(
            {"name": "Milk A", "target": "farm_milk", "company_id": cls.company_a.id}
        )
        cls.run_a = cls.config_a._queue_runs()
        cls.line_a = cls.env["smart.dairy.forecast.line"].create(
            {
                "run_id": cls.run_a.id,
                "config_id": cls.config_a.id,
                "series_key": f"farm:{cls.farm_a.id}",
                "farm_id": cls.farm_a.id,
                "date": "2025-06-30",
                "forecast": 100.0,
            }
        )
        cls.plain = cls._user("fc_plain", "base.group_user", cls.company_a)
        cls.reader = cls._user("fc_reader", f"base.group_user,{GROUP}user", cls.company_a)
        cls.analyst_a = cls._user(
            "fc_analyst_a", f"base.group_user,{GROUP}analytics_manager", cls.company_a
        )
        cls.analyst_b = cls._user(
            "fc_analyst_b", f"base.group_user,{GROUP}analytics_manager", cls.company_b
        )

    def test_the_schedule_says_which_configurations_the_job_runs(self):
        Config = self.env["smart.dairy.forecast.config"]
        day = dt.date(2025, 7, 31)
        configs = {
            schedule: Config.create(
                {
                    "name": schedule,
                    "target": "farm_milk",
                    "company_id": self.company_a.id,
                    "schedule": schedule,
                }
            )
            for schedule in ("daily", "weekly", "monthly", "manual")
        }
        everything = Config.browse([c.id for c in configs.values()])
        self.assertEqual(everything._due(day), everything - configs["manual"], "never run")

        def last_run(config, as_of):
            config._queue_runs().write({"state": "done", "as_of": as_of})

        for config in configs.values():
            last_run(config, day - dt.timedelta(days=6))
        self.assertEqual(everything._due(day), configs["daily"])
        self.assertEqual(
            everything._due(day + dt.timedelta(days=1)), configs["daily"] | configs["weekly"]
        )
        last_run(configs["monthly"], dt.date(2025, 6, 30))  # an older run does not count
        self.assertEqual(
            everything._due(dt.date(2025, 8, 24)),
            everything - configs["monthly"] - configs["manual"],
        )
        self.assertIn(configs["monthly"], everything._due(dt.date(2025, 8, 25)))
        self.assertNotIn(configs["manual"], everything._due(dt.date(2026, 1, 1)))

    def test_the_responsible_defaults_to_its_creator_never_odoobot(self):
        Config = self.env["smart.dairy.forecast.config"]
        values = {"name": "Who", "target": "farm_milk", "company_id": self.company_a.id}
        self.assertFalse(Config.create(values).user_id, "created by the superuser")
        mine = Config.with_user(self.analyst_a).create(values)
        self.assertEqual(mine.user_id, self.analyst_a)

    def test_users_outside_the_suite_are_refused(self):
        for model in ("smart.dairy.forecast.config", "smart.dairy.forecast.run",
                      "smart.dairy.forecast.line"):  # fmt: skip
            with self.subTest(model=model), self.assertRaises(AccessError):
                self.env[model].with_user(self.plain).search([])
        for action in (
            lambda: self.config_a.with_user(self.plain).action_run(),
            lambda: self.config_a.with_user(self.plain).action_open_lines(),
            lambda: self.config_a.with_user(self.plain).action_open_forecast(),
            lambda: self.farm_a.with_user(self.plain).action_open_forecast(),
            lambda: (
                self.env["product.product"]
                .with_user(self.plain)
                .search([], limit=1)
                .action_open_dairy_forecast()
            ),
            lambda: (
                self.env["product.template"]
                .with_user(self.plain)
                .search([], limit=1)
                .action_open_dairy_forecast()
            ),
        ):
            with self.assertRaises(AccessError):
                action()

    def test_readers_read_but_only_analytics_managers_configure_and_run(self):
        config = self.config_a.with_user(self.reader)
        self.assertEqual(config.action_open_lines()["domain"], [("config_id", "in", config.ids)])
        self.assertIn(
            self.line_a, self.env["smart.dairy.forecast.line"].with_user(self.reader).search([])
        )
        with self.assertRaises(AccessError):
            config.action_run()
        with self.assertRaises(AccessError):
            config.write({"horizon": 14})
        with self.assertRaises(AccessError):
            self.line_a.with_user(self.reader).write({"forecast": 1.0})
        self.config_a.with_user(self.analyst_a).write({"horizon": 14})
        self.assertEqual(self.config_a.horizon, 14)
        self.assertFalse(self.config_a.with_user(self.analyst_a).action_run(), "one run at a time")

    def test_another_companys_analyst_sees_and_runs_nothing_of_company_a(self):
        for model in ("smart.dairy.forecast.config", "smart.dairy.forecast.run",
                      "smart.dairy.forecast.line"):  # fmt: skip
            self.assertFalse(
                self.env[model]
                .with_user(self.analyst_b)
                .search([("company_id", "=", self.company_a.id)])
            )
        with self.assertRaises(AccessError):
            self.config_a.with_user(self.analyst_b).action_run()
        with self.assertRaises(AccessError):
            self.config_a.with_user(self.analyst_b).write({"horizon": 7})
        own = (
            self.env["smart.dairy.forecast.config"]
            .with_user(self.analyst_b)
            .create({"name": "Milk B", "target": "farm_milk"})
        )
        self.assertEqual(own.company_id, self.company_b)
        with self.assertRaises(AccessError):
            own.write({"company_id": self.company_a.id})

    def test_bad_configurations_are_refused_in_plain_words(self):
        for values in ({"horizon": 0}, {"n_windows": -1}, {"history_days": 1}):
            with self.subTest(values=values), self.assertRaises(ValidationError):
                self.config_a.write(values)


@tagged("post_install", "-at_install")
class TestForecastApi(AttackCase):
    """The forecast actions over JSON-2."""

    def test_run_is_refused_below_analytics_manager_and_across_companies(self):
        config = self.env["smart.dairy.forecast.config"].create(
            {"name": "Milk A", "target": "farm_milk", "company_id": self.company_a.id}
        )
        for user in (self.user_a, self.farm_manager_a, self.analyst_b):
            with self.subTest(user=user.login):
                self.assertRefused(
                    self.call(user, "smart.dairy.forecast.config", "action_run", ids=config.ids)
                )
        response = self.call(
            self.analyst_a, "smart.dairy.forecast.config", "action_run", ids=config.ids
        )
        self.assertEqual(response.status_code, 200, response.text)
        self.assertEqual(len(response.json()), 1)
