import datetime

from smart_dairy.export.formats import excel_scale

from odoo import Command, fields
from odoo.exceptions import ValidationError
from odoo.tests import new_test_user, tagged

from .test_dashboard_export import ExportCase

HOUR = datetime.timedelta(hours=1)


@tagged("post_install", "-at_install")
class TestQualityHealthWidgets(ExportCase):
    """The Source Freshness and Pipeline Health widgets show what the freshness checks'
    latest results and the job health rows hold, in the caller's companies, to Analytics
    Managers only for the jobs; the XLSX of the dashboard lists the same figures."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        milking = cls.env["ir.model"]._get("smart.dairy.milking")
        cls.check = cls.env["smart.dairy.quality.check"].create(
            {"name": "Milkings are recent", "kind": "freshness", "model_id": milking.id,
             "column_names": "date", "max_age_hours": 36, "area": "farm"}
        )  # fmt: skip
        midnight = datetime.datetime.combine(cls.today, datetime.time())
        cls.check._run_checks(midnight + 12 * HOUR)  # fresh: a day's dates count to its end
        cls.latest = cls.check._run_checks(midnight + 72 * HOUR)  # stale: 48 hours old
        cls.latest = cls.latest.filtered(lambda r: r.company_id in (cls.company_a | cls.company_b))
        cls.health = cls._dashboard(
            [
                {"title": "Freshness", "widget_type": "freshness", "width": 6},
                {"title": "Jobs", "widget_type": "pipeline", "width": 6, "col": 6},
                {"title": "To fix", "widget_type": "failing_checks", "width": 6, "row": 1},
            ],
            name="Health",
        )
        cls.both = new_test_user(
            cls.env, "sd_health_both",
            groups="base.group_user,smart_dairy_base.group_smart_dairy_analytics_manager",
            company_ids=[Command.set((cls.company_a | cls.company_b).ids)],
            company_id=cls.company_a.id,
        )  # fmt: skip

    def widgets(self, user, companies=None):
        Dashboard = self.Dashboard.with_user(user)
        if companies:
            Dashboard = Dashboard.with_context(allowed_company_ids=companies.ids)
        payload = Dashboard.get_dashboard_data(self.health.id, self.week)
        return {widget["title"]: widget for widget in payload["widgets"]}

    def mine(self, widget):
        """The widget's rows of this test's check (shipped checks may have results too)."""
        return [row for row in widget["data"]["rows"] if row["id"] in self.latest.ids]

    def test_freshness_rows_are_the_latest_results_of_the_callers_companies(self):
        result_a = self.latest.filtered(lambda r: r.company_id == self.company_a)
        rows = self.mine(self.widgets(self.user)["Freshness"])
        self.assertEqual([row["id"] for row in rows], result_a.ids, "company A's latest only")
        row = rows[0]
        self.assertEqual(row["label"], "Milkings are recent")
        self.assertAlmostEqual(row["value"], 48.0, places=3)
        self.assertEqual((row["limit"], row["status"]), (36.0, "danger"))
        self.assertEqual(row["last_run"], fields.Datetime.to_string(result_a.run_at))
        rows_b = self.mine(self.widgets(self.user_b)["Freshness"])
        self.assertEqual([row["id"] for row in rows_b], (self.latest - result_a).ids)
        both = self.mine(self.widgets(self.both, self.company_a | self.company_b)["Freshness"])
        self.assertEqual(
            sorted(row["label"] for row in both),
            ["Milkings are recent (Dairy A)", "Milkings are recent (Dairy B)"],
        )

    def test_freshness_turns_green_when_the_source_is_fresh_again(self):
        self.env.cr.execute(
            "UPDATE smart_dairy_milking SET date = %s WHERE company_id = %s",
            [self.today + datetime.timedelta(days=2), self.company_a.id],
        )
        self.env.invalidate_all()
        midnight = datetime.datetime.combine(self.today, datetime.time())
        fresh = self.check._run_checks(midnight + 84 * HOUR)
        rows = self.widgets(self.both, self.company_a | self.company_b)["Freshness"]["data"]["rows"]
        seen = {r["id"]: (r["status"], round(r["value"], 3)) for r in rows if r["id"] in fresh.ids}
        by_company = {r.company_id: seen[r.id] for r in fresh if r.id in seen}
        self.assertEqual(by_company[self.company_a], ("ok", 12.0))
        self.assertEqual(by_company[self.company_b], ("danger", 60.0))

    def test_pipeline_rows_are_the_job_health_rows(self):
        incremental = self.env.ref("smart_dairy_bi.ir_cron_kpi_incremental")
        Run = self.env["smart.dairy.kpi.run"]
        Run.search([("mode", "=", "incremental")]).unlink()
        now = fields.Datetime.now()
        Run.create(
            [
                {"mode": "incremental", "state": "done", "started_at": now - HOUR},
                {"mode": "incremental", "state": "done", "started_at": now - 2 * HOUR},
                {"mode": "incremental", "state": "done", "started_at": now - 3 * HOUR},
                {"mode": "incremental", "state": "failed", "started_at": now - 4 * HOUR,
                 "error": "deadlock detected\nDETAIL: ..."},
            ]
        )  # fmt: skip
        self.env.flush_all()
        widget = self.widgets(self.analyst)["Jobs"]
        jobs = self.env["smart.dairy.pipeline.job"].with_user(self.analyst).search([])
        self.assertEqual({row["id"] for row in widget["data"]["rows"]}, set(jobs.ids))
        row = next(r for r in widget["data"]["rows"] if r["id"] == incremental.id)
        self.assertEqual((row["runs"], row["failed"], row["value"]), (4, 1, 75.0))
        self.assertEqual((row["status"], row["error"]), ("danger", "deadlock detected"))
        self.env.cr.execute("UPDATE smart_dairy_kpi_run SET state = 'done' WHERE error IS NOT NULL")
        self.env.invalidate_all()
        row = next(r for r in self.widgets(self.analyst)["Jobs"]["data"]["rows"]
                   if r["id"] == incremental.id)  # fmt: skip
        self.assertEqual((row["value"], row["status"]), (100.0, "ok"))

    def test_only_analytics_managers_see_the_jobs(self):
        self.assertIn("Jobs", self.widgets(self.analyst))
        shown = self.widgets(self.user)
        self.assertNotIn("Jobs", shown, "the job list is for Analytics Managers")
        self.assertIn("Freshness", shown)

    def test_health_widgets_take_no_kpi(self):
        with self.assertRaisesRegex(ValidationError, "remove its KPIs"):
            self.env["smart.dairy.dashboard.widget"].create(
                {"dashboard_id": self.health.id, "title": "Bad", "widget_type": "pipeline",
                 "kpi_ids": [Command.set(self.kpi["PRODUCTION"].ids)]}
            )  # fmt: skip

    def test_xlsx_lists_what_the_screen_shows(self):
        screen = self.widgets(self.analyst)
        _name, _mimetype, content = self.Dashboard.with_user(self.analyst)._export_file(
            self.health.id, self.week, "xlsx"
        )
        book = self.book(content)
        for title in ("Freshness", "Jobs", "To fix"):
            scale = excel_scale(screen[title]["kpis"][0]["display_format"])
            rows = screen[title]["data"]["rows"]
            self.assertTrue(rows, title)
            for row in rows:
                cells = self.row_of(book[title], row["label"])
                expected = row["value"] * scale if row["value"] is not None else None
                self.assertEqual(cells[1].value, expected, f"{title}: {row['label']}")

    def test_a_skip_from_before_the_source_existed_gives_way_to_later_runs(self):
        Result = self.env["smart.dairy.quality.result"].sudo()
        later = max(self.latest.mapped("run_at")) + HOUR
        skipped = Result.create(
            {"check_id": self.check.id, "run_at": later, "state": "skipped",
             "detail": "This database holds no sensor store."}
        )  # fmt: skip
        ids = [row["id"] for row in self.widgets(self.user)["Freshness"]["data"]["rows"]]
        self.assertNotIn(skipped.id, ids, "the check has run on its source since")
        self.assertIn(self.latest.filtered(lambda r: r.company_id == self.company_a).id, ids)
        milking = self.env["ir.model"]._get("smart.dairy.milking")
        never = self.env["smart.dairy.quality.check"].create(
            {"name": "Never ran", "kind": "freshness", "model_id": milking.id,
             "column_names": "date", "area": "farm"}
        )  # fmt: skip
        alone = Result.create(
            {"check_id": never.id, "run_at": later, "state": "skipped", "detail": skipped.detail}
        )
        rows = self.widgets(self.user)["Freshness"]["data"]["rows"]
        row = next(r for r in rows if r["id"] == alone.id)
        self.assertEqual((row["status"], row["value"]), ("muted", None))

    def test_failing_checks_open_their_failing_records_in_the_callers_companies(self):
        milking = self.env["ir.model"]._get("smart.dairy.milking")
        volumes = self.env["smart.dairy.quality.check"].create(
            {"name": "Volumes given", "kind": "not_null", "model_id": milking.id,
             "column_names": "volume", "area": "farm", "severity": "critical"}
        )  # fmt: skip
        blank = self.milkings_a[:2]
        self.env.cr.execute(
            "UPDATE smart_dairy_milking SET volume = NULL WHERE id = ANY(%s)", [blank.ids]
        )
        self.env.invalidate_all()
        results = volumes._run_checks(datetime.datetime.combine(self.today, datetime.time(9)))
        failing = results.filtered(lambda r: r.company_id == self.company_a)
        self.assertEqual(failing.state, "failed")
        rows = self.widgets(self.user)["To fix"]["data"]["rows"]
        row = next(r for r in rows if r["id"] == failing.id)
        total = len(self.milkings_a)
        self.assertAlmostEqual(row["value"], 100.0 * 2 / total, places=2)
        self.assertEqual((row["failing"], row["examined"]), (2, total))
        self.assertEqual((row["status"], row["method"]), ("danger", "action_open_failing"))
        stale = self.latest.filtered(lambda r: r.company_id == self.company_a)
        self.assertIn(stale.id, [r["id"] for r in rows], "a stale source fails its check too")
        result = self.env["smart.dairy.quality.result"].with_user(self.user).browse(row["id"])
        action = getattr(result, row["method"])()
        found = self.env[action["res_model"]].with_user(self.user).search(action["domain"])
        self.assertEqual(found, blank)
        rows_b = self.widgets(self.user_b)["To fix"]["data"]["rows"]
        self.assertNotIn(failing.id, [r["id"] for r in rows_b], "company A's failure")
        passed = results.filtered(lambda r: r.company_id == self.company_b)
        self.assertEqual(passed.state, "passed")
        self.assertNotIn(passed.id, [r["id"] for r in rows_b], "a passing check is not listed")
