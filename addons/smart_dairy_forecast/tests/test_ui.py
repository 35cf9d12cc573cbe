import datetime as dt

from odoo import Command
from odoo.tests import HttpCase, tagged

from .common import GROUP, CompanyUserMixin

AS_OF = dt.date(2025, 6, 23)


@tagged("post_install", "-at_install")
class TestForecastFarmTour(CompanyUserMixin, HttpCase):
    browser_size = "375x667"
    touch_enabled = True

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company

    def test_farm_milk_forecast_on_phone(self):
        manager = self._user("forecast_tour_manager", f"base.group_user,{GROUP}farm_manager")
        if "odoobot_state" in manager._fields:
            # OdooBot's welcome chat would cover the whole phone screen
            manager.odoobot_state = "disabled"
        farm = self.env["smart.dairy.farm"].create(
            {"name": "Tour Forecast Farm", "code": "TFF", "company_id": self.company.id}
        )
        cow = self.env["smart.dairy.animal"].create(
            {"ear_tag": "TFF-001", "farm_id": farm.id, "status": "lactating"}
        )
        self.env["smart.dairy.milking"].create(
            [
                {"animal_id": cow.id, "date": AS_OF - dt.timedelta(days=i), "volume": 12.0}
                for i in range(1, 29)
            ]
        )
        config = self.env["smart.dairy.forecast.config"].create(
            {
                "name": "Tour milk",
                "company_id": self.company.id,
                "target": "farm_milk",
                "horizon": 7,
                "history_days": 28,
                "n_windows": 1,
                "farm_ids": [Command.set(farm.ids)],
                "method_ids": [
                    Command.set(
                        self.env.ref("smart_dairy_forecast.forecast_method_seasonal_naive").ids
                    )
                ],
            }
        )
        run = config._queue_runs()
        self.assertTrue(run._process(AS_OF, commit=False))
        self.assertEqual(run.line_ids.mapped("forecast"), [12.0] * 7)
        self.start_tour(
            f"/odoo/action-smart_dairy_base.action_smart_dairy_farm/{farm.id}",
            "smart_dairy_forecast_farm_tour",
            login=manager.login,
        )
