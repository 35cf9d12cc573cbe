"""Issue 9, finding 3: the KPI lock was a session lock released before the run's
transaction committed, and a run whose KPIs failed reported success. Runs now hold
transaction-level locks per company and grain until their commit, a run that finds
a lock taken says so at once, and failed KPIs make the run (and the API) fail."""

from smart_dairy import db

import odoo
from odoo.exceptions import LockError, UserError
from odoo.tests import tagged

from ..models.smart_dairy_kpi_run import LOCK_NAME
from .common import KpiCase


@tagged("post_install", "-at_install")
class TestKpiRunLocks(KpiCase):
    def other_transaction(self):
        """A cursor of its own: another worker's transaction."""
        cursor = odoo.sql_db.db_connect(self.env.cr.dbname).cursor()
        self.addCleanup(cursor.close)
        return cursor

    def test_lock_names_are_per_company_and_grain(self):
        kpi = self.Kpi.search([("code", "=", "PRODUCTION")]).with_context(active_test=False)
        names = self.env["smart.dairy.kpi.run"]._lock_names(kpi)
        self.assertIn(f"{LOCK_NAME}:{self.company_a.id}:day", names)
        self.assertIn(f"{LOCK_NAME}:{self.company_b.id}:month", names)
        self.assertIn(f"{LOCK_NAME}:alerts:{self.company_a.id}", names)
        self.assertNotIn(f"{LOCK_NAME}:{self.company_a.id}:week", names)

    def test_the_lock_is_held_until_the_transaction_ends(self):
        self.materialise(["PRODUCTION"])
        other = self.other_transaction()
        name = f"{LOCK_NAME}:{self.company_a.id}:day"
        # The run has returned, its transaction has not ended: the lock is still ours.
        self.assertEqual(db.try_locks(other, [name]), [name])

    def test_a_run_started_while_another_holds_the_lock_says_so(self):
        other = self.other_transaction()
        self.assertEqual(db.try_locks(other, [f"{LOCK_NAME}:{self.company_a.id}:day"]), [])
        run = self.materialise(["PRODUCTION"])
        self.assertEqual(run.state, "skipped")
        self.assertIn("Another KPI run was in progress for Dairy A (day)", run.error)
        self.assertFalse(self.stored("PRODUCTION", self.company_b))  # nothing half done
        kpis = self.Kpi.search([("code", "=", "PRODUCTION")])
        with self.assertRefused("Another KPI run was in progress for Dairy A", LockError):
            kpis.action_recompute()
        other.rollback()  # the other run ends: this one may start
        self.assertEqual(self.materialise(["PRODUCTION"]).state, "done")

    def test_runs_for_other_companies_or_grains_are_not_held_up(self):
        other = self.other_transaction()
        self.assertEqual(db.try_locks(other, [f"{LOCK_NAME}:{self.company_a.id}:week"]), [])
        self.assertEqual(self.materialise(["PRODUCTION"]).state, "done")

    def test_failed_kpis_make_the_run_and_the_api_fail(self):
        self.env.cr.execute(
            "UPDATE smart_dairy_kpi SET domain = %s WHERE code = 'FEED_KG'", ["[('nope', '=', 1)]"]
        )
        self.env.invalidate_all()
        logger = "odoo.addons.smart_dairy_bi.models.smart_dairy_kpi_run"
        with self.assertLogs(logger, "ERROR"):
            run = self.materialise(["FEED_KG", "PRODUCTION"])
        self.assertEqual(run.state, "failed")
        self.assertEqual(run.failed_kpi_ids.code, "FEED_KG")
        kpis = self.Kpi.search([("code", "in", ["FEED_KG", "PRODUCTION"])])
        refused = self.assertRefused("failed for 1 of 2 KPIs, so nothing was saved", UserError)
        with self.assertLogs(logger, "ERROR"), refused:
            kpis.action_recompute()
