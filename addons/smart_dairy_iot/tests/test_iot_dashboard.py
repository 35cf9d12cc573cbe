import datetime as dt

from smart_dairy import db
from smart_dairy.iot import maintenance, storage

from odoo.exceptions import AccessError
from odoo.tests import TransactionCase, get_db_name, new_test_user, tagged

from odoo.addons.smart_dairy_bi.models.sensor_store import store_dsn


@tagged("post_install", "-at_install")
class TestIotDashboard(TransactionCase):
    """The IoT Operations dashboard on the demo telemetry: the sensor facts count the
    raw readings, and the card, its drill-down and the KPI API show the same figure."""

    @classmethod
    def setUpClass(cls):
        # refresh the aggregates before this test's transaction takes its snapshot
        conn = db.connect(store_dsn(get_db_name()), autocommit=True)
        try:
            maintenance.run(
                conn, storage.StorageSettings(background_jobs=False), dt.datetime.now(dt.UTC)
            )
        finally:
            conn.close()
        super().setUpClass()
        company = cls.env.ref("smart_dairy_base.demo_company", raise_if_not_found=False)
        cls.devices = cls.env["smart.dairy.iot.device"].search(
            [("company_id", "=", company.id if company else 0)]
        )
        if not cls.devices:
            return
        cls.admin = cls.env.ref("base.user_admin")
        cls.Fact = cls.env["smart.dairy.fact.sensor"].with_user(cls.admin)
        cls.rows = cls.Fact.search([("device_id", "in", cls.devices.ids)])
        if cls.rows:
            cls.first, cls.last = min(cls.rows.mapped("date")), max(cls.rows.mapped("date"))
            kpis = cls.env["smart.dairy.kpi"].search([("code", "like", "SENSOR_")])
            cls.env["smart.dairy.kpi.run"]._run(
                kpis, "manual", commit=False, date_from=cls.first, date_to=cls.last
            )

    def setUp(self):
        super().setUp()
        if not self.devices:
            self.skipTest("no demo data")
        self.assertTrue(self.rows, "the maintenance run left the daily aggregate empty")

    def test_facts_count_the_raw_readings(self):
        for row in self.rows:
            self.env.cr.execute(
                """SELECT count(*), count(*) FILTER (WHERE NOT valid)
                     FROM smart_dairy_ts.reading WHERE device_id = %s
                      AND time >= %s AND time < %s""",
                [row.device_id.id, row.date, row.date + dt.timedelta(days=1)],
            )
            self.assertEqual((row.readings, row.flagged_readings), self.env.cr.fetchone())

    def test_card_drilldown_and_api_agree(self):
        day = self.last
        expected = sum(self.rows.filtered(lambda r: r.date == day).mapped("readings"))
        self.assertGreater(expected, 0)
        values = (
            self.env["smart.dairy.kpi"]
            .with_user(self.admin)
            .get_values(["SENSOR_READINGS"], "day", day, day)["SENSOR_READINGS"]
        )
        self.assertEqual(sum(p["value"] or 0 for p in values["points"]), expected)
        Dashboard = self.env["smart.dairy.dashboard"].with_user(self.admin)
        dashboard = self.env.ref("smart_dairy_iot.dashboard_iot")
        filters = {"preset": "custom", "date_from": str(day), "date_to": str(day)}
        payload = Dashboard.get_dashboard_data(dashboard.id, filters)
        card = next(w for w in payload["widgets"] if w["title"] == "Readings")
        self.assertEqual(card["data"]["current"]["value"], expected)
        action = Dashboard.action_drilldown(card["id"], "SENSOR_READINGS", filters)
        domain = action["domain"] + [c for f in action["facets"] for c in f["domain"]]
        drilled = self.env[action["res_model"]].with_user(self.admin).search(domain)
        self.assertEqual(sum(drilled.mapped("readings")), expected)

    def test_refused_to_plain_users_and_other_companies(self):
        dashboard = self.env.ref("smart_dairy_iot.dashboard_iot")
        user = new_test_user(
            self.env, "iot_dash_user", groups="smart_dairy_base.group_smart_dairy_user"
        )
        with self.assertRaises(AccessError):
            self.env["smart.dairy.dashboard"].with_user(user).get_dashboard_data(dashboard.id)
        other = self.env["res.company"].create({"name": "IoT Dashboard Other"})
        outsider = new_test_user(
            self.env, "iot_dash_other", company_id=other.id,
            groups="smart_dairy_base.group_smart_dairy_analytics_manager",
        )  # fmt: skip
        self.assertFalse(self.env["smart.dairy.fact.sensor"].with_user(outsider).search([]))
