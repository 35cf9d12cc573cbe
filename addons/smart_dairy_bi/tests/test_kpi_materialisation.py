import datetime
import json

from odoo.tests import tagged
from odoo.tools import SQL

from .common import KpiCase


@tagged("post_install", "-at_install")
class TestKpiMaterialisation(KpiCase):
    def test_values_match_the_records(self):
        run = self.materialise(
            ["PRODUCTION", "LITRES_PER_COW", "QUALITY_PREMIUM_RATE", "NET_REVENUE"]
        )
        self.assertEqual(run.state, "done", run.error)
        self.assertAlmostEqual(
            self.stored("PRODUCTION", self.company_a)[self.today], 20.0 * 2 * len(self.cows_a)
        )
        self.assertAlmostEqual(
            self.stored("PRODUCTION", self.company_b)[self.today], 11.0 * 2 * len(self.cows_b)
        )
        self.assertAlmostEqual(self.stored("LITRES_PER_COW", self.company_a)[self.today], 40.0)
        # company B's cells are above the premium limit: nothing premium there
        self.assertAlmostEqual(self.stored("QUALITY_PREMIUM_RATE", self.company_a)[self.today], 100)
        self.assertEqual(self.stored("QUALITY_PREMIUM_RATE", self.company_b)[self.today], 0)
        self.assertAlmostEqual(
            self.stored("NET_REVENUE", self.company_a, grain="month")[self.month],
            self.order_a.amount_untaxed,
        )

    def test_rerun_never_duplicates(self):
        self.materialise(["PRODUCTION"])
        count = self.env["smart.dairy.kpi.value"].search_count([("kpi_id.code", "=", "PRODUCTION")])
        run = self.materialise(["PRODUCTION"])
        self.assertEqual(run.row_count, count)
        self.assertEqual(
            self.env["smart.dairy.kpi.value"].search_count([("kpi_id.code", "=", "PRODUCTION")]),
            count,
        )

    def _age_source_rows(self, days):
        """Pretend the source rows were last written ``days`` ago."""
        self.env.flush_all()
        for table in ("smart_dairy_milking", "sale_order_line", "sale_order", "smart_dairy_farm"):
            self.env.cr.execute(
                SQL(
                    "UPDATE %s SET write_date = now() - %s * interval '1 day'",
                    SQL.identifier(table),
                    days,
                )
            )

    def test_incremental_refresh_touches_only_changed_periods(self):
        # Start from no watermark, whatever runs the database already holds.
        self.env["smart.dairy.kpi.run"].search([]).unlink()
        self._age_source_rows(2)
        self.materialise(["PRODUCTION", "NET_REVENUE"], mode="incremental")
        first = self.stored("PRODUCTION", self.company_a)
        self._age_source_rows(3)
        old_day = self.today - datetime.timedelta(days=40)
        self._milk(self.cows_a[:1], volume=7.0, scc=100_000, day=old_day)
        self.env.flush_all()
        run = self.materialise(["PRODUCTION", "NET_REVENUE"], mode="incremental")
        self.assertEqual(run.state, "done", run.error)
        second = self.stored("PRODUCTION", self.company_a)
        self.assertAlmostEqual(second[old_day], 14.0)
        self.assertEqual(second[self.today], first[self.today])
        rewritten = self.env["smart.dairy.kpi.value"].search([("run_id", "=", run.id)])
        self.assertEqual(set(rewritten.mapped("period_start")), {old_day, old_day.replace(day=1)})
        self.assertEqual(rewritten.company_id, self.company_a)
        self.assertEqual(set(rewritten.mapped("kpi_id.code")), {"PRODUCTION"})

    def test_a_failing_kpi_does_not_stop_the_others(self):
        self.env.cr.execute(
            "UPDATE smart_dairy_kpi SET domain = %s WHERE code = 'FEED_KG'", ["[('nope', '=', 1)]"]
        )
        self.env.invalidate_all()
        with self.assertLogs("odoo.addons.smart_dairy_bi.models.smart_dairy_kpi_run", "ERROR"):
            run = self.materialise(["FEED_KG", "PRODUCTION"])
        self.assertEqual(run.state, "failed")
        self.assertIn("FEED_KG", run.error)
        self.assertEqual(run.failed_kpi_ids.code, "FEED_KG")
        self.assertTrue(self.stored("PRODUCTION", self.company_a))

    def test_listeners_are_told_through_the_bus(self):
        run = self.materialise(["PRODUCTION"])
        pending = self.env.cr.precommit.data.get("bus.bus.values", [])
        notified = [
            json.loads(value["channel"])
            for value in pending
            if json.loads(value["message"])["type"] == "smart_dairy_kpi_refreshed"
            and json.loads(value["message"])["payload"]["run_id"] == run.id
        ]
        self.assertIn([self.env.cr.dbname, "res.partner", self.user.partner_id.id], notified)
        self.assertNotIn([self.env.cr.dbname, "res.partner", self.outsider.partner_id.id], notified)
