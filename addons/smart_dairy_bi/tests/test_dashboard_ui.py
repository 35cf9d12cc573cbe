import datetime

from smart_dairy.demo import load_settings

from odoo import Command
from odoo.tests import HttpCase, new_test_user, no_retry, tagged

from .hoot import run_hoot

DASHBOARDS = ("executive", "sales", "farm", "quality", "finance")
PATHS = {
    "executive": "smart-dairy-executive",
    "sales": "smart-dairy-sales",
    "farm": "smart-dairy-farm-operations",
    "quality": "smart-dairy-quality",
    "finance": "smart-dairy-finance",
}


@tagged("post_install", "-at_install")
class TestDashboardHoot(HttpCase):
    """The hoot unit tests of the dashboard client action and its formatting."""

    @no_retry
    def test_hoot(self):
        run_hoot(self, "@smart_dairy_bi", timeout=1800)


@tagged("post_install", "-at_install")
class TestDashboardUi(HttpCase):
    """Tours of the shipped dashboards on the demo data, at desktop size."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        codes = [farm["code"] for farm in load_settings()["farm"]["farms"]]
        cls.demo_farms = cls.env["smart.dairy.farm"].search([("code", "in", codes)])

    def setUp(self):
        super().setUp()
        if not self.demo_farms:
            self.skipTest("The dashboard tours need the Smart Dairy demo data (demo farms absent).")
        # No materialisation here: the install materialised the demo's KPI values, so
        # the first dashboard the admin opens (in the demo company) shows figures.

    def test_shipped_dashboards_show_cards(self):
        for key in DASHBOARDS:
            with self.subTest(dashboard=key):
                self.assertTrue(self.env.ref(f"smart_dairy_bi.dashboard_{key}"))
                self.start_tour(
                    f"/odoo/{PATHS[key]}", "smart_dairy_bi_dashboard_cards", login="admin"
                )

    def test_drilldown_filters_and_export(self):
        self.start_tour(
            "/odoo/smart-dairy-executive", "smart_dairy_bi_dashboard_flow", login="admin"
        )
        # The filters chosen in the tour were saved for the user and the dashboard.
        admin = self.env.ref("base.user_admin")
        dashboard = self.env.ref("smart_dairy_bi.dashboard_executive")
        saved = (
            self.env["smart.dairy.dashboard"]
            .with_user(admin)
            .get_dashboard_data(dashboard.id, None)["filters"]
        )
        self.assertEqual(saved["preset"], "last_90_days")
        self.assertEqual(saved["region_ids"], [self.env.ref("smart_dairy_base.region_north").id])


@tagged("post_install", "-at_install")
class TestFarmManagerPhone(HttpCase):
    """A farm manager opening Smart Dairy on a phone (375x667, touch)."""

    browser_size = "375x667"
    touch_enabled = True

    def test_farm_manager_lands_on_farm_operations(self):
        company = self.env.ref("smart_dairy_base.demo_company", raise_if_not_found=False)
        if not company:
            self.skipTest("The farm manager's tour needs the Smart Dairy demo data.")
        user = new_test_user(
            self.env, "sd_phone_farm_manager",
            groups="base.group_user,smart_dairy_base.group_smart_dairy_farm_manager",
            company_id=company.id, company_ids=[Command.set(company.ids)],
        )  # fmt: skip
        if "odoobot_state" in user._fields:
            user.odoobot_state = "disabled"  # its welcome chat would cover the phone screen
        self.start_tour("/odoo/smart-dairy", "smart_dairy_bi_farm_manager_home", login=user.login)


@tagged("post_install", "-at_install")
class TestDashboardUiMobile(TestDashboardUi):
    """The same tours on a phone: 375x667 with touch, widgets stacked, filters in a panel."""

    browser_size = "375x667"
    touch_enabled = True
    allow_inherited_tests_method = True


@tagged("post_install", "-at_install")
class TestDashboardExportDownload(HttpCase):
    """What the XLSX button downloads."""

    def test_export_xlsx_download(self):
        """The URL behind the XLSX button serves a workbook to the logged-in user."""
        dashboard = self.env.ref("smart_dairy_bi.dashboard_executive")
        self.authenticate("admin", "admin")
        action = self.env["smart.dairy.dashboard"].action_export(
            dashboard.id, {"preset": "last_30_days"}, "xlsx"
        )
        self.assertEqual(action["type"], "ir.actions.act_url")
        response = self.url_open(action["url"])
        self.assertEqual(response.status_code, 200)
        self.assertIn("spreadsheetml", response.headers["Content-Type"])
        self.assertTrue(response.content.startswith(b"PK"), "an XLSX file is a zip archive")


@tagged("post_install", "-at_install")
class TestDataQualityPhone(HttpCase):
    """The Data Quality dashboard on a phone (375x667, touch), after the checks ran."""

    browser_size = "375x667"
    touch_enabled = True

    def test_data_quality_dashboard_fits_a_phone(self):
        company = self.env.ref("smart_dairy_base.demo_company", raise_if_not_found=False)
        if not company:
            self.skipTest("The Data Quality tour needs the Smart Dairy demo data.")
        now = datetime.datetime.now().replace(microsecond=0)
        self.env["smart.dairy.quality.check"].search([])._run_checks(now)
        self.env["smart.dairy.quality.score"]._record_scores(now)
        kpis = self.env["smart.dairy.kpi"].search([("code", "like", "DQ_")])
        self.env["smart.dairy.kpi.run"]._run(
            kpis, "manual", commit=False, date_from=now.date(), date_to=now.date()
        )
        self.assertTrue(
            self.env["smart.dairy.kpi.value"].search_count(
                [("kpi_id", "in", kpis.ids), ("company_id", "=", company.id)]
            )
        )
        self.start_tour(
            "/odoo/smart-dairy-data-quality", "smart_dairy_bi_quality_phone", login="admin"
        )
