from psycopg2 import IntegrityError

from odoo.exceptions import ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import SmartDairyCommon


@tagged("post_install", "-at_install")
class TestFarmAnimal(SmartDairyCommon):
    def test_herd_size_counts_lactating_dry_and_heifers(self):
        self.assertEqual(self.farm_a.herd_size, 3)
        heifer = self.env["smart.dairy.animal"].create(
            {"ear_tag": "A-010", "farm_id": self.farm_a.id}
        )
        self.assertEqual(heifer.status, "heifer")
        self.assertEqual(self.farm_a.herd_size, 4)
        self.cow_2.status = "sold"
        self.cow_dry.status = "dead"
        self.assertEqual(self.farm_a.herd_size, 2)
        heifer.active = False
        self.assertEqual(self.farm_a.herd_size, 1)
        self.cow_1.farm_id = self.farm_a2
        self.assertEqual(self.farm_a.herd_size, 0)
        self.assertEqual(self.farm_a2.herd_size, 2)

    def test_ear_tag_unique_per_company(self):
        # the same tag is fine in another company
        other = self.env["smart.dairy.animal"].create(
            {"ear_tag": "A-001", "farm_id": self.farm_b.id}
        )
        self.assertEqual(other.company_id, self.company_b)
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError):
            self.env["smart.dairy.animal"].create({"ear_tag": "A-001", "farm_id": self.farm_a2.id})

    def test_farm_code_unique_per_company(self):
        self.env["smart.dairy.farm"].create(
            {"name": "Other Hill", "code": "HILL", "company_id": self.company_b.id}
        )
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError):
            self.env["smart.dairy.farm"].create(
                {"name": "Other Hill", "code": "HILL", "company_id": self.company_a.id}
            )

    def test_negative_capacity_refused(self):
        with self.assertRaisesMessage(
            ValidationError, "daily capacity of a farm cannot be negative"
        ):
            self.farm_a.daily_capacity = -1
        self.farm_a.daily_capacity = 2500
        self.assertEqual(self.farm_a.daily_capacity, 2500)

    def test_invalid_coordinates_refused(self):
        with self.assertRaisesMessage(ValidationError, "latitude must be between -90"):
            self.farm_a.latitude = 91

    def test_animal_company_follows_farm(self):
        self.assertEqual(self.cow_1.company_id, self.company_a)
        self.assertEqual(self.cow_b.company_id, self.company_b)
        self.assertEqual(self.cow_1.display_name, "A-001 Daisy")
        self.assertEqual(self.cow_river.display_name, "R-001")

    def test_animal_dates_checked(self):
        with self.assertRaisesMessage(
            ValidationError, "birth date of A-001 Daisy is in the future"
        ):
            self.cow_1.birth_date = "2999-01-01"
        self.cow_1.birth_date = "2020-02-01"
        with self.assertRaisesMessage(ValidationError, "cannot have calved before being born"):
            self.cow_1.last_calving_date = "2019-05-01"
        with self.assertRaisesMessage(ValidationError, "lactation number cannot be negative"):
            self.cow_1.lactation_number = -1

    def test_feed_amounts_cannot_be_negative(self):
        product = self.env["product.product"].create({"name": "Silage"})
        Feed = self.env["smart.dairy.feed"]
        with self.assertRaisesMessage(ValidationError, "feed quantity cannot be negative"):
            Feed.create({"farm_id": self.farm_a.id, "product_id": product.id, "quantity": -5})
        with self.assertRaisesMessage(ValidationError, "feed cost cannot be negative"):
            Feed.create(
                {"farm_id": self.farm_a.id, "product_id": product.id, "quantity": 5, "cost": -1}
            )
        feed = Feed.create(
            {"farm_id": self.farm_a.id, "product_id": product.id, "quantity": 400, "cost": 100}
        )
        self.assertEqual(feed.company_id, self.company_a)
        self.assertEqual(feed.currency_id, self.company_a.currency_id)
        self.assertAlmostEqual(feed.cost_per_kg, 0.25)

    def test_farm_buttons_open_its_records(self):
        self.env["smart.dairy.milking"].create(self._milking_vals(self.cow_1))
        self.assertEqual(self.farm_a.milking_count, 1)
        self.assertEqual(self.farm_a2.milking_count, 0)
        self.assertEqual(self.cow_1.milking_count, 1)
        action = self.farm_a.action_open_animals()
        self.assertEqual(
            self.env["smart.dairy.animal"].search(action["domain"]),
            self.cow_1 | self.cow_2 | self.cow_dry,
        )
        action = self.farm_a.action_record_milking_round()
        self.assertEqual(action["res_model"], "smart.dairy.milking.round")
        self.assertEqual(action["context"], {"default_farm_id": self.farm_a.id})
