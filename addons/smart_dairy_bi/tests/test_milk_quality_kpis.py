import datetime

from odoo.tests import tagged

from .common import KpiCase

QUALITY = ["PRODUCTION", "QUALITY_PREMIUM_RATE", "AVG_SCC", "AVG_FAT", "AVG_PROTEIN"]


@tagged("post_install", "-at_install")
class TestMilkQualityKpis(KpiCase):
    """Quality KPIs count only the milk that has the value measured."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.day = cls.today - datetime.timedelta(days=3)
        cow0, cow1, cow2 = cls.cows_a
        rows = [
            # cow, session, litres, cells/mL, fat %, protein %: grade
            (cow0, "morning", 20.0, 150_000, 4.0, 3.4),  # premium
            (cow1, "morning", 10.0, 300_000, 4.0, 3.4),  # A
            (cow2, "morning", 30.0, 0, 0.0, 0.0),  # ungraded: a volume only
            (cow0, "evening", 10.0, 150_000, 0.0, 0.0),  # A: no fat nor protein
            (cow2, "evening", 10.0, 0, 5.0, 3.0),  # ungraded: no cell count
        ]
        cls.milkings = cls.env["smart.dairy.milking"].create(
            [
                {
                    "animal_id": cow.id,
                    "date": cls.day,
                    "session": session,
                    "volume": volume,
                    "scc": scc,
                    "fat_pct": fat,
                    "protein_pct": protein,
                }
                for cow, session, volume, scc, fat, protein in rows
            ]
        )
        # Company B has only ungraded milk that day.
        cls.env["smart.dairy.milking"].create(
            {"animal_id": cls.cows_b[0].id, "date": cls.day, "session": "morning", "volume": 11}
        )

    def test_grades_of_the_example(self):
        self.assertEqual(
            self.milkings.mapped("quality_grade"), ["premium", "a", "ungraded", "a", "ungraded"]
        )

    def test_quality_kpis_count_only_measured_milk(self):
        run = self.materialise(QUALITY)
        self.assertEqual(run.state, "done", run.error)
        value = {code: self.stored(code, self.company_a)[self.day] for code in QUALITY}
        # 80 L in all; 40 L graded (20 + 10 + 10), of which 20 L Premium.
        self.assertAlmostEqual(value["PRODUCTION"], 80.0)
        self.assertAlmostEqual(value["QUALITY_PREMIUM_RATE"], 50.0)  # not 20 / 80 = 25 %
        # (150,000 x 20 + 300,000 x 10 + 150,000 x 10) / 40 L with a cell count
        self.assertAlmostEqual(value["AVG_SCC"], 187_500.0)
        # fat: (20 x 4.0 + 10 x 4.0 + 10 x 5.0) / 40 L with fat measured
        self.assertAlmostEqual(value["AVG_FAT"], 4.25)
        # protein: (20 x 3.4 + 10 x 3.4 + 10 x 3.0) / 40 L with protein measured
        self.assertAlmostEqual(value["AVG_PROTEIN"], 3.3)

    def test_rate_without_graded_milk_is_undefined_not_zero(self):
        self.materialise(QUALITY)
        self.assertAlmostEqual(self.stored("PRODUCTION", self.company_b)[self.day], 11.0)
        self.assertIsNone(self.stored("QUALITY_PREMIUM_RATE", self.company_b).get(self.day))
        kpis = self.Kpi.with_context(allowed_company_ids=self.company_b.ids)
        result = kpis.get_values(QUALITY, "day", self.day, self.day)
        self.assertAlmostEqual(result["PRODUCTION"]["current"]["value"], 11.0)
        for code in QUALITY[1:]:
            self.assertIsNone(result[code]["current"]["value"], code)

    def test_fact_leaves_unmeasured_values_out(self):
        facts = self.env["smart.dairy.fact.milk"].search(
            [("id", "in", self.milkings.ids)], order="id"
        )
        self.assertEqual(facts.mapped("graded_volume"), [20.0, 10.0, 0.0, 10.0, 0.0])
        self.assertEqual(facts.mapped("scc_measured_volume"), [20.0, 10.0, 0.0, 10.0, 0.0])
        groups = self.env["smart.dairy.fact.milk"]._read_group(
            [("id", "in", self.milkings.ids)], [], ["fat_pct:avg", "scc:avg"]
        )
        self.assertAlmostEqual(groups[0][0], (4.0 + 4.0 + 5.0) / 3)  # blanks are not zeros
        self.assertAlmostEqual(groups[0][1], 200_000.0)
