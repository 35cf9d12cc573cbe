from psycopg2 import IntegrityError

from odoo.exceptions import ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import SmartDairyCommon


@tagged("post_install", "-at_install")
class TestMilking(SmartDairyCommon):
    def _create(self, animal, **values):
        return self.env["smart.dairy.milking"].create(self._milking_vals(animal, **values))

    def test_farm_and_company_default_from_animal(self):
        milking = self._create(self.cow_1)
        self.assertEqual(milking.farm_id, self.farm_a)
        self.assertEqual(milking.company_id, self.company_a)
        self.assertEqual(milking.display_name, "A-001 Daisy · 2025-03-10 · Morning")

    def test_quality_grades(self):
        cases = [
            ({"scc": 150000, "fat_pct": 4.0, "protein_pct": 3.4}, "premium"),
            ({"scc": 200000, "fat_pct": 3.8, "protein_pct": 3.2}, "premium"),
            ({"scc": 150000, "fat_pct": 3.5, "protein_pct": 3.4}, "a"),
            ({"scc": 400000}, "a"),
            ({"scc": 400001}, "b"),
            ({"scc": 750000}, "b"),
            ({"scc": 750001}, "rejected"),
        ]
        for day, (values, expected) in enumerate(cases, start=1):
            with self.subTest(values=values):
                milking = self._create(self.cow_1, date=f"2025-04-{day:02d}", **values)
                self.assertEqual(milking.quality_grade, expected)

    def test_grade_follows_record_changes(self):
        milking = self._create(self.cow_1)
        self.assertEqual(milking.quality_grade, "premium")
        milking.scc = 800000
        self.assertEqual(milking.quality_grade, "rejected")

    def test_changing_company_thresholds_regrades(self):
        milking_a = self._create(self.cow_1)
        milking_b = self._create(self.cow_b)
        self.assertEqual(milking_a.quality_grade, "premium")
        settings = (
            self.env["res.config.settings"]
            .with_company(self.company_a)
            .create({"dairy_premium_min_fat": 4.5})
        )
        settings.execute()
        self.assertEqual(self.company_a.dairy_premium_min_fat, 4.5)
        self.assertEqual(milking_a.quality_grade, "a")
        self.assertEqual(milking_b.quality_grade, "premium", "other company unaffected")
        self.company_a.write({"dairy_premium_max_scc": 50000, "dairy_grade_a_max_scc": 100000})
        self.assertEqual(milking_a.quality_grade, "b")
        self.company_a.dairy_grade_b_max_scc = 120000
        self.assertEqual(milking_a.quality_grade, "rejected")

    def test_threshold_order_checked(self):
        with self.assertRaisesMessage(ValidationError, "must go up from grade to grade"):
            self.company_a.dairy_grade_a_max_scc = 100000
        with self.assertRaisesMessage(ValidationError, "thresholds cannot be negative"):
            self.company_a.dairy_premium_min_fat = -1

    def test_negative_volume_refused(self):
        with self.assertRaisesMessage(ValidationError, "Milk volume cannot be negative"):
            self._create(self.cow_1, volume=-2)

    def test_fat_and_protein_range(self):
        with self.assertRaisesMessage(ValidationError, "Fat content must be between 0 and 15 %"):
            self._create(self.cow_1, fat_pct=15.5)
        with self.assertRaisesMessage(ValidationError, "Fat content must be between 0 and 15 %"):
            self._create(self.cow_1, fat_pct=-0.1)
        with self.assertRaisesMessage(
            ValidationError, "Protein content must be between 0 and 15 %"
        ):
            self._create(self.cow_1, protein_pct=16)
        milking = self._create(self.cow_1, fat_pct=15, protein_pct=0)
        self.assertEqual(milking.fat_pct, 15)

    def test_negative_scc_refused(self):
        with self.assertRaisesMessage(ValidationError, "somatic cell count cannot be negative"):
            self._create(self.cow_1, scc=-1)

    def test_no_milking_for_sold_or_dead_animal(self):
        self.cow_2.status = "sold"
        with self.assertRaisesMessage(ValidationError, "A-002 Bella is sold"):
            self._create(self.cow_2)
        self.cow_2.status = "dead"
        with self.assertRaisesMessage(ValidationError, "A-002 Bella is dead"):
            self._create(self.cow_2)

    def test_farm_must_match_animal(self):
        with self.assertRaisesMessage(ValidationError, "belongs to farm Hill Farm, not River Farm"):
            self._create(self.cow_1, farm_id=self.farm_a2.id)

    def test_duplicate_session_refused_with_plain_message(self):
        self._create(self.cow_1)
        with self.assertRaisesMessage(
            ValidationError,
            "A-001 Daisy already has a milking record for the morning session of 2025-03-10",
        ):
            self._create(self.cow_1, volume=3)
        # same batch twice
        with self.assertRaisesMessage(ValidationError, "for the evening session"):
            self.env["smart.dairy.milking"].create(
                [
                    self._milking_vals(self.cow_1, session="evening"),
                    self._milking_vals(self.cow_1, session="evening"),
                ]
            )
        other = self._create(self.cow_1, session="evening")
        with self.assertRaisesMessage(ValidationError, "for the morning session"):
            other.session = "morning"
        # another session, day or animal is fine
        self._create(self.cow_1, session="midday")
        self._create(self.cow_1, date="2025-03-11")
        self._create(self.cow_2)

    def test_duplicate_session_refused_by_database(self):
        milking = self._create(self.cow_1)
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError):
            self.env.cr.execute(
                """INSERT INTO smart_dairy_milking (animal_id, farm_id, company_id, date, session)
                   VALUES (%s, %s, %s, %s, %s)""",
                (
                    milking.animal_id.id,
                    milking.farm_id.id,
                    milking.company_id.id,
                    milking.date,
                    milking.session,
                ),
            )
