import datetime

from odoo.exceptions import AccessError
from odoo.tests import tagged

from odoo.addons.smart_dairy_bi.models.smart_dairy_quality_check import SENSOR_TABLE
from odoo.addons.smart_dairy_bi.models.smart_dairy_quality_run import alert_key

from .common import KpiCase

HOUR = datetime.timedelta(hours=1)
RUN_LOGGER = "odoo.addons.smart_dairy_bi.models.smart_dairy_quality_run"


@tagged("post_install", "-at_install")
class TestQualityAccess(KpiCase):
    """Checks refused at save when misconfigured, errors recorded without stopping
    the job, who may do what, and companies that never see each other's samples."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Check = cls.env["smart.dairy.quality.check"]
        cls.milking_model = cls.env["ir.model"]._get("smart.dairy.milking")
        cls.unique = cls.Check.create(
            {
                "name": "Test sessions unique",
                "kind": "unique",
                "model_id": cls.milking_model.id,
                "column_names": "animal_id, date, session",
                "area": "farm",
            }
        )
        cls.env.cr.execute(
            """SELECT conname FROM pg_constraint
                WHERE conrelid = 'smart_dairy_milking'::regclass AND contype = 'u'"""
        )
        for (name,) in cls.env.cr.fetchall():
            cls.env.cr.execute(f'ALTER TABLE smart_dairy_milking DROP CONSTRAINT "{name}"')
        cls.copies = {}
        for company, milkings in ((cls.company_a, cls.milkings_a), (cls.company_b, cls.milkings_b)):
            cls.env.cr.execute(
                """INSERT INTO smart_dairy_milking (animal_id, farm_id, company_id, date, session,
                           volume, quality_grade)
                   SELECT animal_id, farm_id, company_id, date, session, volume, quality_grade
                     FROM smart_dairy_milking WHERE id = %s RETURNING id""",
                [milkings[0].id],
            )
            cls.copies[company] = sorted([milkings[0].id, cls.env.cr.fetchone()[0]])
        cls.now = datetime.datetime.now().replace(microsecond=0)
        # every check due, whether or not the demo's install ran them
        cls.Check.search([]).write({"last_run": False})

    def result_of(self, company, results):
        return results.filtered(lambda r: r.company_id == company)

    def test_misconfigured_checks_are_refused_at_save(self):
        Check = self.Check.with_user(self.analyst)
        base = {"name": "Bad", "kind": "not_null", "model_id": self.milking_model.id}
        cases = [
            ({"column_names": "litres"}, "no column 'litres'"),
            ({"kind": "value_in_range", "column_names": "session"}, "is not a number"),
            ({"kind": "freshness", "column_names": "volume"}, "not a date or time"),
            ({"column_names": "volume", "filter_text": "[('state',"}, "not a list"),
            ({"column_names": "volume", "filter_text": "[('state', '=', 1)]"}, "no column 'state'"),
            ({"column_names": "volume", "filter_text": "[('id', '~', 1)]"}, "Unknown filter"),
            ({"column_names": "volume", "filter_text": "[('session', '=', 1)]"}, "needs text"),
            ({"column_names": "volume", "tolerance_pct": 150}, "share between 0 and 1"),
            ({"kind": "referential", "column_names": "farm_id"}, "model the key refers to"),
            (
                {
                    "kind": "referential",
                    "column_names": "session",
                    "ref_model_id": self.env["ir.model"]._get("smart.dairy.farm").id,
                },
                "not of the same type",
            ),
            ({"kind": "balance", "column_names": "volume"}, "grouping the rows"),
            (
                {
                    "source": "sensor",
                    "model_id": False,
                    "kind": "freshness",
                    "column_names": "moment",
                    "group_column": "device_id",
                },
                "no column",
            ),
        ]
        for values, pattern in cases:
            with self.subTest(values=values), self.assertRefused(pattern):
                Check.create({**base, **values})
        check = Check.create({**base, "column_names": "volume, scc"})
        with self.assertRefused("no column 'litres'"):
            check.write({"column_names": "litres"})

    def test_without_a_sensor_store_sensor_checks_are_skipped(self):
        self.env.cr.execute("SELECT to_regclass(%s)", [SENSOR_TABLE])
        if self.env.cr.fetchone()[0]:
            self.env.cr.execute(f"ALTER TABLE {SENSOR_TABLE} RENAME TO reading_away")
        values = {
            "name": "Collars", "kind": "freshness", "source": "sensor",
            "column_names": "time", "group_column": "device_id", "max_age_hours": 2,
        }  # fmt: skip
        with self.assertRefused("sensor store has no column moment"):
            self.Check.with_user(self.analyst).create({**values, "column_names": "moment"})
        check = self.Check.with_user(self.analyst).create(values)
        results = check._run_checks(self.now)
        self.assertEqual((results.state, results.company_id.id), ("skipped", False))
        self.assertFalse(results.sample_model)
        self.unique._run_checks(self.now)
        scores = self.env["smart.dairy.quality.score"]._record_scores(self.now)
        scores = scores.filtered(lambda s: s.company_id == self.company_a)
        self.assertIn("farm", scores.mapped("area"))
        self.assertNotIn("sensors", scores.mapped("area"), "a skipped check is not scored")

    def test_checks_on_models_the_manager_may_not_read_are_refused(self):
        model = self.env["ir.model"]._get("ir.config_parameter")
        with self.assertRefused("may not read"):
            self.Check.with_user(self.analyst).create(
                {"name": "Secrets", "kind": "not_null", "model_id": model.id, "column_names": "key"}
            )

    def test_an_erroring_check_is_recorded_and_the_others_run(self):
        broken = self.Check.create(
            {"name": "Broken later", "kind": "not_null", "model_id": self.milking_model.id,
             "column_names": "volume"}
        )  # fmt: skip
        # A column gone since the check was saved (e.g. an uninstalled module).
        self.env.cr.execute(
            "UPDATE smart_dairy_quality_check SET column_names = 'gone' WHERE id = %s", [broken.id]
        )
        broken.invalidate_recordset()
        with self.assertLogs(RUN_LOGGER, "WARNING") as logged:
            results = self.Check._cron_run_checks(self.now, commit=False)
        self.assertIn("Broken later", "".join(logged.output))
        errored = results.filtered(lambda r: r.check_id == broken)
        self.assertEqual(errored.mapped("state"), ["errored"])
        self.assertIn("gone", errored.detail)
        self.assertEqual(
            self.result_of(
                self.company_a, results.filtered(lambda r: r.check_id == self.unique)
            ).state,
            "failed",
        )
        self.assertIn(
            self.env.ref("smart_dairy_bi.quality_check_entries_balanced"), results.check_id
        )
        alerts = self.env["smart.dairy.alert"].search(
            [("dedup_key", "=like", f"quality:{broken.id}:%")]
        )
        self.assertFalse(alerts, "an error is not a failing check")
        # Due again only after its interval.
        later = self.Check._cron_run_checks(self.now + HOUR, commit=False)
        self.assertNotIn(self.unique, later.check_id)
        with self.assertLogs(RUN_LOGGER, "WARNING"):
            next_day = self.Check._cron_run_checks(self.now + 24 * HOUR, commit=False)
        self.assertIn(self.unique, next_day.check_id)

    def test_companies_never_see_each_others_failing_samples(self):
        results = self.unique._run_checks(self.now)
        result_a = self.result_of(self.company_a, results)
        result_b = self.result_of(self.company_b, results)
        self.assertEqual(result_a._samples(), self.copies[self.company_a])
        self.assertEqual(result_b._samples(), self.copies[self.company_b])
        Result = self.env["smart.dairy.quality.result"]
        seen = Result.with_user(self.user).search([("check_id", "=", self.unique.id)])
        self.assertEqual(seen, result_a)
        seen_b = Result.with_user(self.user_b).search([("check_id", "=", self.unique.id)])
        self.assertEqual(seen_b, result_b)
        with self.assertRaises(AccessError):
            result_b.with_user(self.user).action_open_failing()
        with self.assertRaises(AccessError):
            result_b.with_user(self.user).read(["sample_ids"])
        action = result_a.with_user(self.user).action_open_failing()
        found = self.env[action["res_model"]].with_user(self.user).search(action["domain"])
        self.assertEqual(sorted(found.ids), self.copies[self.company_a])
        Alert = self.env["smart.dairy.alert"]
        alert_b = Alert.search([("dedup_key", "=", alert_key(self.unique.id, self.company_b.id))])
        self.assertEqual((len(alert_b), alert_b.company_id), (1, self.company_b))
        self.assertFalse(Alert.with_user(self.user).search([("id", "=", alert_b.id)]))

    def test_roles(self):
        results = self.unique._run_checks(self.now)
        result_a = self.result_of(self.company_a, results)
        values = {"name": "Mine", "kind": "not_null", "model_id": self.milking_model.id,
                  "column_names": "volume"}  # fmt: skip
        # Users read checks and results of their companies, nothing more.
        with self.assertRaises(AccessError):
            self.Check.with_user(self.user).create(values)
        with self.assertRaises(AccessError):
            self.unique.with_user(self.user).write({"column_names": "volume"})
        with self.assertRaises(AccessError):
            self.unique.with_user(self.user).action_run_now()
        with self.assertRaises(AccessError):
            result_a.with_user(self.user).write({"state": "passed"})
        with self.assertRaises(AccessError):
            result_a.with_user(self.user).unlink()
        action = self.unique.with_user(self.user).action_open_results()
        self.assertIn(result_a.id, action["domain"][0][2])
        # Outside the Smart Dairy groups: nothing.
        for call in (
            lambda: self.unique.with_user(self.outsider).action_open_results(),
            lambda: result_a.with_user(self.outsider).action_open_failing(),
            lambda: self.unique.with_user(self.outsider).read(["name"]),
        ):
            with self.assertRaises(AccessError):
                call()
        # Analytics Managers configure and run; results and alerts stay the system's.
        check = self.Check.with_user(self.analyst).create(values)
        action = check.with_user(self.analyst).action_run_now()
        self.assertEqual(action["res_model"], "smart.dairy.quality.result")
        self.assertTrue(check.last_run)
        with self.assertRaises(AccessError):
            check.with_user(self.analyst).write({"last_run": False})
        with self.assertRaises(AccessError):
            self.env["smart.dairy.quality.score"].with_user(self.analyst).create(
                {"date": self.now.date(), "company_id": self.company_a.id, "area": "farm"}
            )

    def test_old_results_are_vacuumed_but_each_latest_is_kept(self):
        old = self.now - datetime.timedelta(days=120)
        self.unique._run_checks(old - HOUR)
        self.unique._run_checks(old)
        Result = self.env["smart.dairy.quality.result"]
        before = Result.search([("check_id", "=", self.unique.id)])
        companies = before.company_id
        self.assertLessEqual(self.company_a | self.company_b, companies)
        self.assertEqual(len(before), 2 * len(companies))  # two runs, one per company
        Result._gc_old_results()
        kept = Result.search([("check_id", "=", self.unique.id)])
        self.assertEqual(set(kept.mapped("run_at")), {old})
        self.assertEqual((len(kept), kept.company_id), (len(companies), companies))
        self.unique._run_checks(self.now)
        Result._gc_old_results()
        kept = Result.search([("check_id", "=", self.unique.id)])
        self.assertEqual(set(kept.mapped("run_at")), {self.now})
        self.assertEqual(len(kept), len(companies))

    def test_row_checks_over_the_same_rows_share_a_scan_and_agree_with_single_runs(self):
        self.env.cr.execute(
            "UPDATE smart_dairy_milking SET volume = NULL WHERE id = %s", [self.milkings_a[1].id]
        )
        self.env.invalidate_all()
        kinds = ("not_null", "accepted_values", "value_in_range")
        model = ("model_id", "=", self.milking_model.id)
        checks = self.Check.search([model, ("kind", "in", kinds), ("filter_text", "=", False)])
        self.assertGreaterEqual(len(checks), 3)
        self.assertEqual(checks._batches(), [checks], "one batch")

        def seen(results):
            return {
                (r.check_id.id, r.company_id.id): (r.state, r.examined, r.failing, r.sample_ids)
                for r in results
                if r.company_id in (self.company_a | self.company_b)
            }

        alone = self.env["smart.dairy.quality.result"].union(
            *(check._run_one(self.now) for check in checks)
        )
        together = checks._run_checks(self.now + datetime.timedelta(minutes=1))
        self.assertEqual(seen(together), seen(alone))
        self.assertIn(("failed", str(self.milkings_a[1].id)), {
            (state, samples) for state, _e, _f, samples in seen(together).values()
        })  # fmt: skip
