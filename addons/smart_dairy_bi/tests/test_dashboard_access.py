from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import tagged

from .test_dashboard_data import DashboardCase

NOT_SHARED = "does not exist or is not shared with you"


@tagged("post_install", "-at_install")
class TestDashboardAccess(DashboardCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        widget = cls._widget("Milk", "kpi_card", ["PRODUCTION"])
        cls.open_to_all = cls._dashboard([widget], name="Everyone")
        cls.managers_only = cls._dashboard(
            [widget],
            name="Managers",
            group_ids=[
                Command.set(cls.env.ref("smart_dairy_base.group_smart_dairy_analytics_manager").ids)
            ],
        )
        cls.company_b_only = cls._dashboard(
            [widget], name="Company B", company_ids=[Command.set(cls.company_b.ids)]
        )

    def test_users_outside_groups_or_companies_get_nothing(self):
        as_user = self.Dashboard.with_user(self.user)
        self.assertEqual(
            as_user.get_dashboard_data(self.open_to_all.id)["dashboard"]["name"], "Everyone"
        )
        with self.assertRefused(NOT_SHARED, AccessError):
            as_user.get_dashboard_data(self.managers_only.id)
        with self.assertRefused(NOT_SHARED, AccessError):
            as_user.get_dashboard_data(self.company_b_only.id)
        with self.assertRefused(NOT_SHARED, AccessError):
            as_user.action_drilldown(
                self.company_b_only.widget_ids.id, "PRODUCTION", {"preset": "today"}
            )
        with self.assertRefused(NOT_SHARED, AccessError):
            as_user.save_filters(self.company_b_only.id, {"preset": "today"})
        mine = as_user.search([("name", "in", ["Everyone", "Managers", "Company B"])])
        self.assertEqual(mine, self.open_to_all)
        widgets = self.env["smart.dairy.dashboard.widget"].with_user(self.user).search([])
        self.assertNotIn(self.managers_only.widget_ids, widgets)
        self.assertIn(self.open_to_all.widget_ids, widgets)
        # The right people get in.
        self.Dashboard.with_user(self.analyst).get_dashboard_data(self.managers_only.id)
        self.Dashboard.with_user(self.user_b).get_dashboard_data(self.company_b_only.id)

    def test_outsiders_get_nothing(self):
        as_outsider = self.Dashboard.with_user(self.outsider)
        with self.assertRefused("for Smart Dairy users only", AccessError):
            as_outsider.get_dashboard_data(self.open_to_all.id)
        with self.assertRaises(AccessError):
            as_outsider.search([])
        with self.assertRaises(AccessError):
            self.env["smart.dairy.dashboard.filter"].with_user(self.outsider).search([])

    def test_users_read_and_analytics_managers_configure(self):
        with self.assertRaises(AccessError):
            self.Dashboard.with_user(self.user).create({"name": "Mine"})
        with self.assertRaises(AccessError):
            self.open_to_all.with_user(self.user).widget_ids.write({"width": 4})
        dashboard = self.Dashboard.with_user(self.analyst).create(
            {
                "name": "Analyst's",
                "widget_ids": [Command.create(self._widget("M", "bar", ["ORDERS"]))],
            }
        )
        dashboard.widget_ids.write({"col": 6})
        self.assertEqual(dashboard.widget_ids.col, 6)

    def test_saved_filters_stay_private(self):
        self.Dashboard.with_user(self.user).save_filters(self.open_to_all.id, {"preset": "today"})
        Filter = self.env["smart.dairy.dashboard.filter"]
        self.assertEqual(len(Filter.with_user(self.user).search([])), 1)
        self.assertFalse(Filter.with_user(self.user_b).search([]))
        result = self.Dashboard.with_user(self.user_b).get_dashboard_data(self.open_to_all.id)
        self.assertEqual(result["filters"]["preset"], "last_30_days")
