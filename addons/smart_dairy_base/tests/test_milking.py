import datetime

from psycopg2 import IntegrityError

from odoo import fields
from odoo.exceptions import ValidationError
from odoo.tests import freeze_time, tagged
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

    def test_milk_without_lab_values_is_ungraded(self):
        volume_only = self._create(self.cow_1, fat_pct=0, protein_pct=0, scc=0)
        self.assertEqual(volume_only.quality_grade, "ungraded")
        Milking = self.env["smart.dairy.milking"]
        bare = Milking.create(
            {"animal_id": self.cow_2.id, "date": "2025-03-10", "session": "morning", "volume": 9}
        )
        self.assertEqual(bare.quality_grade, "ungraded")
        no_scc = self._create(self.cow_1, session="evening", scc=0)
        self.assertEqual(no_scc.quality_grade, "ungraded", "fat and protein alone grade nothing")
        cases = [
            ({"scc": 150000, "fat_pct": 0, "protein_pct": 0}, "a"),
            ({"scc": 150000, "fat_pct": 4.0, "protein_pct": 0}, "a"),
            ({"scc": 150000, "fat_pct": 0, "protein_pct": 3.4}, "a"),
            ({"scc": 500000, "fat_pct": 0, "protein_pct": 0}, "b"),
            ({"scc": 800000, "fat_pct": 0, "protein_pct": 0}, "rejected"),
        ]
        for day, (values, expected) in enumerate(cases, start=1):
            with self.subTest(values=values):
                milking = self._create(self.cow_2, date=f"2025-04-{day:02d}", **values)
                self.assertEqual(milking.quality_grade, expected)
        volume_only.scc = 150000
        self.assertEqual(volume_only.quality_grade, "a")
        volume_only.write({"fat_pct": 4.0, "protein_pct": 3.4})
        self.assertEqual(volume_only.quality_grade, "premium")

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

    def test_volume_limit_per_company(self):
        with self.assertRaisesMessage(
            ValidationError,
            r"9,999 L from A-001 Daisy in one session is more than the 40 L per cow and "
            r"session that Dairy Co A accepts",
        ):
            self._create(self.cow_1, volume=9999)
        self.assertEqual(self._create(self.cow_1, volume=40).volume, 40)
        self.company_b.dairy_max_volume = 60
        self.assertEqual(self._create(self.cow_b, volume=55).volume, 55)
        with self.assertRaisesMessage(ValidationError, "more than the 40 L"):
            self._create(self.cow_2, volume=55)
        with self.assertRaisesMessage(ValidationError, r"B-001.*more than the 60 L"):
            self._create(self.cow_b, session="evening", volume=61)

    def test_solids_limits_per_company(self):
        settings = (
            self.env["res.config.settings"]
            .with_company(self.company_b)
            .create({"dairy_min_fat_pct": 2.5, "dairy_max_fat_pct": 6.0})
        )
        settings.execute()
        self.assertEqual(
            (self.company_b.dairy_min_fat_pct, self.company_b.dairy_max_fat_pct), (2.5, 6)
        )
        self.assertEqual(self.company_a.dairy_max_fat_pct, 7, "other company unaffected")
        self.assertEqual(self._create(self.cow_1, fat_pct=6.5).fat_pct, 6.5)
        with self.assertRaisesMessage(
            ValidationError, r"Fat of 6.5 % for B-001 is outside 2.5 to 6 %.*Dairy Co B"
        ):
            self._create(self.cow_b, fat_pct=6.5)
        with self.assertRaisesMessage(ValidationError, "plausible fat and protein contents"):
            self.company_b.dairy_max_protein_pct = 1.5
        with self.assertRaisesMessage(ValidationError, "must be above 0 L"):
            self.company_b.dairy_max_volume = 0

    def test_future_dates_refused(self):
        Milking = self.env["smart.dairy.milking"]
        today = fields.Date.context_today(Milking)
        self.assertEqual(self._create(self.cow_1, date=today).date, today)
        tomorrow = today + datetime.timedelta(days=1)
        with self.assertRaisesMessage(
            ValidationError, rf"A-002 Bella is dated {tomorrow}, after today \({today}\)"
        ):
            self._create(self.cow_2, date=tomorrow)
        milking = self._create(self.cow_2, date=today - datetime.timedelta(days=1))
        with self.assertRaisesMessage(ValidationError, "after today"):
            milking.date = "2027-12-25" if today < datetime.date(2027, 12, 25) else tomorrow

    def test_future_date_is_the_users_today(self):
        # 11:30 UTC on 10 March: already 11 March at UTC+14, still 10 March at UTC-11.
        with freeze_time("2026-03-10 11:30:00"):
            Milking = self.env["smart.dairy.milking"].with_user(self.farm_manager)
            ahead = Milking.with_context(tz="Pacific/Kiritimati")
            behind = Milking.with_context(tz="Pacific/Pago_Pago")
            milking = ahead.create(self._milking_vals(self.cow_1, date="2026-03-11"))
            self.assertEqual(str(milking.date), "2026-03-11")
            with self.assertRaisesMessage(ValidationError, r"after today \(2026-03-10\)"):
                behind.create(self._milking_vals(self.cow_2, date="2026-03-11"))
            with self.assertRaisesMessage(ValidationError, r"after today \(2026-03-11\)"):
                ahead.create(self._milking_vals(self.cow_2, date="2026-03-12"))

    def test_negative_volume_refused(self):
        with self.assertRaisesMessage(ValidationError, "Milk volume cannot be negative"):
            self._create(self.cow_1, volume=-2)

    def test_fat_and_protein_range(self):
        with self.assertRaisesMessage(
            ValidationError, r"Fat of 7.5 % for A-001 Daisy is outside 2 to 7 %"
        ):
            self._create(self.cow_1, fat_pct=7.5)
        with self.assertRaisesMessage(ValidationError, "Fat of -0.1 % for A-001 Daisy"):
            self._create(self.cow_1, fat_pct=-0.1)
        with self.assertRaisesMessage(
            ValidationError, r"Protein of 1.9 % for A-001 Daisy is outside 2 to 5 %"
        ):
            self._create(self.cow_1, protein_pct=1.9)
        milking = self._create(self.cow_1, fat_pct=7, protein_pct=0)
        self.assertEqual(milking.fat_pct, 7)
        self.assertEqual(milking.quality_grade, "a", "protein not measured: never Premium")

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
