"""Dashboard payloads are cached per dashboard, filters, companies, KPI run and data
quality result: a second load is served from the cache, other filters, a new run or a
new check result are not, and a
transaction that has written anything never shares a payload."""

from contextlib import closing

import odoo
from odoo import SUPERUSER_ID
from odoo.tests import TransactionCase, tagged

from .test_kpi_run_concurrency import worker_env


@tagged("post_install", "-at_install")
class TestDashboardCache(TransactionCase):
    def test_payload_is_reused_until_filters_or_a_run_change(self):
        dbname = self.env.cr.dbname
        admin_id = self.env.ref("base.user_admin").id
        dashboard_id = self.env.ref("smart_dairy_bi.dashboard_executive").id
        reader = worker_env(self.registry, admin_id)
        with closing(reader.cr) as cr:
            Dashboard = reader["smart.dairy.dashboard"]
            first = Dashboard.get_dashboard_data(dashboard_id)
            cr.rollback()
            second = Dashboard.get_dashboard_data(dashboard_id)
            self.assertIs(second["widgets"], first["widgets"])
            other_filters = Dashboard.get_dashboard_data(dashboard_id, {"preset": "today"})
            self.assertIsNot(other_filters["widgets"], first["widgets"])
            cr.rollback()
            env = worker_env(self.registry, SUPERUSER_ID)
            with closing(env.cr) as other:
                run = env["smart.dairy.kpi.run"]._run(env["smart.dairy.kpi"], "manual", False)
                other.commit()  # pylint: disable=invalid-commit
                self.addCleanup(self._forget, dbname, run.id)
            after_run = Dashboard.get_dashboard_data(dashboard_id)
            self.assertIsNot(after_run["widgets"], first["widgets"])
            self.assertEqual(after_run["widgets"], first["widgets"])  # the run wrote nothing
            cr.rollback()

    def test_a_new_data_quality_result_makes_a_new_payload(self):
        admin_id = self.env.ref("base.user_admin").id
        dashboard_id = self.env.ref("smart_dairy_bi.dashboard_executive").id
        reader = worker_env(self.registry, admin_id)
        with closing(reader.cr) as cr:
            Dashboard = reader["smart.dairy.dashboard"]
            first = Dashboard.get_dashboard_data(dashboard_id)
            cr.rollback()
            env = worker_env(self.registry, SUPERUSER_ID)
            with closing(env.cr) as other:
                check = env.ref("smart_dairy_bi.quality_check_milkings_complete")
                name = check.with_context(lang=reader.lang).name
                result = env["smart.dairy.quality.result"].create(
                    {
                        "check_id": check.id,
                        "company_id": reader.company.id,
                        "run_at": "2099-01-01 00:00:00",
                        "state": "failed",
                    }
                )
                other.commit()  # pylint: disable=invalid-commit
                self.addCleanup(self._forget_result, self.env.cr.dbname, result.id)
            after = Dashboard.get_dashboard_data(dashboard_id)
            cr.rollback()

        def warnings(payload):
            return {q["name"] for widget in payload["widgets"] for q in widget["quality"]}

        self.assertNotIn(name, warnings(first))
        self.assertIn(name, warnings(after))

    @staticmethod
    def _forget_result(dbname, result_id):
        with closing(odoo.sql_db.db_connect(dbname).cursor()) as cr:
            cr.execute("DELETE FROM smart_dairy_quality_result WHERE id = %s", [result_id])
            cr.commit()  # pylint: disable=invalid-commit

    def test_a_transaction_that_wrote_gets_its_own_payload(self):
        Dashboard = self.env["smart.dairy.dashboard"]
        dashboard_id = self.env.ref("smart_dairy_bi.dashboard_executive").id
        self.env["smart.dairy.kpi"].search([], limit=1).sequence += 1
        self.env.flush_all()
        first = Dashboard.get_dashboard_data(dashboard_id)
        second = Dashboard.get_dashboard_data(dashboard_id)
        self.assertIsNot(second["widgets"], first["widgets"])
        self.assertEqual(second["widgets"], first["widgets"])

    @staticmethod
    def _forget(dbname, run_id):
        with closing(odoo.sql_db.db_connect(dbname).cursor()) as cr:
            cr.execute("DELETE FROM smart_dairy_kpi_run WHERE id = %s", [run_id])
            cr.commit()  # pylint: disable=invalid-commit
