import datetime

from odoo.tests import TransactionCase, new_test_user, tagged

from odoo.addons.smart_dairy_base.tests.demo import demo_company_and_day

DAY = datetime.timedelta(days=1)
GAUGES = {"Sales": "sales", "Finance": "finance", "Farm": "farm", "Sensors": "sensors"}


@tagged("post_install", "-at_install")
class TestQualityDashboard(TransactionCase):
    """The Data Quality dashboard shows the scores the job recorded: the card, the
    gauges, the drill-down and the KPI API agree with the score history."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company, day = demo_company_and_day(cls.env)
        if not day:
            return
        cls.now = datetime.datetime.combine(day + DAY, datetime.time(6))
        cls.day = cls.now.date()
        checks = cls.env["smart.dairy.quality.check"].search([])
        checks._run_checks(cls.now)
        cls.scores = cls.env["smart.dairy.quality.score"]._record_scores(cls.now)
        kpis = cls.env["smart.dairy.kpi"].search([("code", "like", "DQ_")])
        cls.env["smart.dairy.kpi.run"]._run(
            kpis, "manual", commit=False, date_from=cls.day, date_to=cls.day
        )
        cls.admin = cls.env.ref("base.user_admin")

    def setUp(self):
        super().setUp()
        if not getattr(self, "now", None):
            self.skipTest("needs the demo data")

    def score(self, area):
        return self.scores.filtered(lambda s: s.company_id == self.company and s.area == area)

    def test_cards_gauges_drilldown_and_api_agree_with_the_scores(self):
        Dashboard = self.env["smart.dairy.dashboard"].with_user(self.admin)
        dashboard = self.env.ref("smart_dairy_bi.dashboard_data_quality")
        filters = {"preset": "custom", "date_from": str(self.day), "date_to": str(self.day)}
        payload = Dashboard.with_company(self.company).get_dashboard_data(dashboard.id, filters)
        widgets = {w["title"]: w for w in payload["widgets"]}
        overall = self.score("overall")
        card = widgets["Data Quality Score"]
        self.assertAlmostEqual(card["data"]["current"]["value"], overall.score, places=6)
        failed = widgets["Failing Checks"]["data"]["current"]["value"]
        self.assertEqual(failed, overall.failed_count)
        for title, area in GAUGES.items():
            value = widgets[title]["data"]["value"]
            if self.score(area):
                self.assertAlmostEqual(value, self.score(area).score, places=6, msg=title)
            else:
                self.assertIsNone(value, title)
        action = Dashboard.with_company(self.company).action_drilldown(
            card["id"], "DQ_SCORE", filters
        )
        domain = action["domain"] + [c for f in action["facets"] for c in f["domain"]]
        drilled = self.env[action["res_model"]].with_user(self.admin).search(domain)
        self.assertEqual(drilled.mapped("score"), [overall.score])
        api = (
            self.env["smart.dairy.kpi"]
            .with_user(self.admin)
            .with_company(self.company)
            .get_values(["DQ_SCORE"], "day", self.day, self.day)["DQ_SCORE"]
        )
        self.assertAlmostEqual(api["points"][0]["value"], overall.score, places=6)

    def test_other_companies_see_no_scores(self):
        other = self.env["res.company"].create({"name": "Quality Dashboard Other"})
        outsider = new_test_user(
            self.env, "dq_dash_other", company_id=other.id,
            groups="smart_dairy_base.group_smart_dairy_analytics_manager",
        )  # fmt: skip
        self.assertFalse(self.env["smart.dairy.fact.quality"].with_user(outsider).search([]))
        self.assertFalse(self.env["smart.dairy.quality.score"].with_user(outsider).search([]))
