from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .test_dashboard_data import DashboardCase

GROUP = "smart_dairy_base.group_smart_dairy_"


@tagged("post_install", "-at_install")
class TestHomeDashboard(DashboardCase):
    """Smart Dairy opens on each user's home dashboard: their own choice, else the one
    made home for their group, else the first they may open."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.executive = cls.env.ref("smart_dairy_bi.dashboard_executive")
        cls.farm = cls.env.ref("smart_dairy_bi.dashboard_farm")
        cls.manager = new_test_user(
            cls.env, "sd_home_farm_manager", groups=f"base.group_user,{GROUP}farm_manager",
            company_ids=[Command.set(cls.company_a.ids)], company_id=cls.company_a.id,
        )  # fmt: skip

    def home(self, user):
        return self.Dashboard.with_user(user).get_dashboard_data(None)["dashboard"]["id"]

    def test_each_group_lands_on_its_dashboard(self):
        self.assertEqual(self.home(self.manager), self.farm.id)
        self.assertEqual(self.home(self.analyst), self.executive.id)
        first = self.Dashboard.with_user(self.user).search([])[:1]
        self.assertEqual(self.home(self.user), first.id)

    def test_a_users_own_choice_comes_first_and_is_theirs_to_set(self):
        quality = self.env.ref("smart_dairy_bi.dashboard_quality")
        self.manager.with_user(self.manager).write({"smart_dairy_home_dashboard_id": quality.id})
        self.assertEqual(self.home(self.manager), quality.id)
        with self.assertRaises(AccessError):
            self.analyst.with_user(self.manager).write(
                {"smart_dairy_home_dashboard_id": quality.id}
            )

    def test_a_choice_the_user_may_not_open_falls_back(self):
        self.farm.group_ids = self.env.ref(f"{GROUP}analytics_manager")
        self.assertNotEqual(self.home(self.manager), self.farm.id)
        self.manager.sudo().smart_dairy_home_dashboard_id = self.farm
        home = self.home(self.manager)
        self.assertNotEqual(home, self.farm.id)
        self.assertTrue(self.Dashboard.with_user(self.manager)._get_allowed(home))

    def test_refused_outside_smart_dairy(self):
        with self.assertRaises(AccessError):
            self.Dashboard.with_user(self.outsider).get_dashboard_data(None)
