import datetime

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import TransactionCase, new_test_user, tagged

HOUR = datetime.timedelta(hours=1)


@tagged("post_install", "-at_install")
class TestPipelineHealth(TransactionCase):
    """One row per scheduled job of the suite: lateness and failures from ir.cron,
    success rate, duration and last error from the run logs of the last 7 days."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Job = cls.env["smart.dairy.pipeline.job"]
        cls.incremental = cls.env.ref("smart_dairy_bi.ir_cron_kpi_incremental")
        cls.quality = cls.env.ref("smart_dairy_bi.ir_cron_quality_checks")
        cls.analyst = new_test_user(
            cls.env, "dq_pipe_analyst",
            groups="base.group_user,smart_dairy_base.group_smart_dairy_analytics_manager",
        )  # fmt: skip
        cls.user = new_test_user(
            cls.env,
            "dq_pipe_user",
            groups="base.group_user,smart_dairy_base.group_smart_dairy_user",
        )

    def job(self, cron):
        self.env.flush_all()
        self.env.invalidate_all()
        return self.Job.with_user(self.analyst).search([("cron_id", "=", cron.id)])

    def test_every_suite_job_is_listed(self):
        crons = self.env["ir.cron"].with_context(active_test=False).search([])
        suite = crons.filtered(
            lambda c: c.ir_actions_server_id.model_name.startswith("smart.dairy.")
        )
        self.assertIn(self.incremental, suite)
        self.env.flush_all()
        self.assertEqual(self.Job.search([]).cron_id, suite)

    def test_lateness_and_failures_come_from_the_scheduled_action(self):
        now = fields.Datetime.now()
        self.env.cr.execute(
            """UPDATE ir_cron SET nextcall = now() AT TIME ZONE 'UTC' - interval '3 hours',
                      failure_count = 2, first_failure_date = %s WHERE id = %s""",
            [now - HOUR, self.incremental.id],
        )
        job = self.job(self.incremental)
        self.assertAlmostEqual(job.lag_hours, 3.0, delta=0.05)
        self.assertEqual(job.failure_count, 2)
        self.env.cr.execute(
            "UPDATE ir_cron SET nextcall = now() AT TIME ZONE 'UTC' + interval '1 hour'"
            " WHERE id = %s",
            [self.incremental.id],
        )
        self.assertEqual(self.job(self.incremental).lag_hours, 0.0)

    def test_success_rate_duration_and_last_error_of_the_last_week(self):
        self.env["smart.dairy.kpi.run"].search([("mode", "=", "incremental")]).unlink()
        now = fields.Datetime.now()
        common = {"mode": "incremental"}
        self.env["smart.dairy.kpi.run"].create(
            [
                {**common, "state": "done", "started_at": now - HOUR, "duration": 2.0},
                {**common, "state": "done", "started_at": now - 2 * HOUR, "duration": 4.0},
                {**common, "state": "failed", "started_at": now - 3 * HOUR, "duration": 6.0,
                 "error": "division by zero"},
                {**common, "state": "failed", "started_at": now - 10 * 24 * HOUR,
                 "duration": 60.0, "error": "too old to count"},
            ]
        )  # fmt: skip
        job = self.job(self.incremental)
        self.assertEqual((job.run_count, job.failed_run_count), (3, 1))
        self.assertAlmostEqual(job.success_rate, 100.0 * 2 / 3, places=3)
        self.assertAlmostEqual(job.avg_duration, 4.0, places=3)
        self.assertEqual(job.last_error, "division by zero")

    def test_data_quality_runs_count_for_their_job(self):
        self.env["smart.dairy.quality.result"].search([]).unlink()
        check = self.env["smart.dairy.quality.check"].create(
            {"name": "Nothing wrong", "kind": "custom_sql", "area": "farm",
             "sql_query": "SELECT id FROM res_company WHERE false"}
        )  # fmt: skip
        now = fields.Datetime.now()
        check._run_checks(now - HOUR)
        self.env.cr.execute(
            "UPDATE smart_dairy_quality_check SET sql_query = 'SELECT nope' WHERE id = %s",
            [check.id],
        )
        check.invalidate_recordset()
        with self.assertLogs(
            "odoo.addons.smart_dairy_bi.models.smart_dairy_quality_run", "WARNING"
        ):
            check._run_checks(now)
        job = self.job(self.quality)
        self.assertEqual((job.run_count, job.failed_run_count), (2, 1))
        self.assertIn("nope", job.last_error)

    def test_only_analytics_managers_see_it(self):
        with self.assertRaises(AccessError):
            self.Job.with_user(self.user).search([])

    def test_jobs_without_a_log_of_their_own_are_recorded_by_the_job_log(self):
        Log = self.env["smart.dairy.job.log"]
        cron = self.env["ir.cron"].create(
            {
                "name": "Smart Dairy: test job",
                "model_id": self.env["ir.model"]._get_id("smart.dairy.job.log"),
                "state": "code",
                "code": "model._test_job()",
                "interval_number": 1,
                "interval_type": "days",
            }
        )
        with Log._recording("model._test_job()"):
            pass
        with (
            self.assertRaisesRegex(ValueError, "no milk today"),
            Log._recording("model._test_job()"),
        ):
            raise ValueError("no milk today")
        # The scheduler rolls the failed job back, which writes its log.
        self.env.cr.postrollback.run()
        runs = Log.search([("code", "=", "model._test_job()")])
        self.assertEqual(runs.mapped("ok"), [False, True])
        self.assertEqual(runs[0].error, "no milk today")
        job = self.job(cron)
        self.assertEqual((job.run_count, job.failed_run_count), (2, 1))
        self.assertEqual(job.success_rate, 50.0)
        self.assertEqual(job.last_error, "no milk today")
        with self.assertRaises(AccessError):
            Log.with_user(self.user).search([])
