"""Issue 9: record rules hold for records as they are after a write, so a Farm
Manager cannot move farm data into a company they do not work in."""

from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import SmartDairyCommon


@tagged("post_install", "-at_install")
class TestAccessAfterWrite(SmartDairyCommon):
    def test_farm_data_cannot_be_moved_to_another_company(self):
        milking = self.env["smart.dairy.milking"].create(self._milking_vals(self.cow_1))
        feed = self.env["smart.dairy.feed"].create(
            {
                "farm_id": self.farm_a.id,
                "product_id": self.env["product.product"].create({"name": "Hay"}).id,
                "quantity": 10.0,
            }
        )
        attempts = (
            (self.farm_a, {"company_id": self.company_b.id}),
            (self.cow_1, {"farm_id": self.farm_b.id}),
            (milking, {"farm_id": self.farm_b.id, "animal_id": self.cow_b.id}),
            (feed, {"farm_id": self.farm_b.id}),
        )
        for record, vals in attempts:
            with (
                self.subTest(record=record, vals=vals),
                self.assertRaisesMessage(AccessError, "top-secret|not allowed|access"),
            ):
                record.with_user(self.farm_manager).write(vals)
        self.env.invalidate_all()
        self.assertEqual(self.farm_a.company_id, self.company_a)
        self.assertEqual(self.cow_1.company_id, self.company_a)
        self.assertEqual(milking.company_id | feed.company_id, self.company_a)

    def test_computed_fields_are_the_systems(self):
        Milking = self.env["smart.dairy.milking"].with_user(self.farm_manager)
        bad = self._milking_vals(self.cow_1, scc=900_000)
        with self.assertRaisesMessage(AccessError, "Quality Grade"):
            Milking.create({**bad, "quality_grade": "premium"})
        milking = Milking.create(bad)
        self.assertNotEqual(milking.quality_grade, "premium")
        for vals in ({"quality_grade": "premium"}, {"company_id": self.company_a.id}):
            with self.assertRaisesMessage(AccessError, "set by the system"):
                milking.write(vals)
        with self.assertRaisesMessage(AccessError, "set by the system"):
            self.farm_a.with_user(self.farm_manager).herd_size = 500

    def test_writes_within_ones_companies_still_work(self):
        self.cow_1.with_user(self.farm_manager).farm_id = self.farm_a2
        self.assertEqual(self.cow_1.farm_id, self.farm_a2)
        self.farm_a.with_user(self.farm_manager).name = "Hill Farm North"
        self.assertEqual(self.farm_a.name, "Hill Farm North")

    def test_farm_actions_need_the_right_role(self):
        self.assertEqual(
            self.farm_a.with_user(self.dairy_user).action_open_animals()["domain"],
            [("farm_id", "=", self.farm_a.id)],
        )
        with self.assertRaisesMessage(AccessError, "Farm Manager"):
            self.farm_a.with_user(self.dairy_user).action_record_milking_round()
        with self.assertRaisesMessage(AccessError, "do not exist or are not yours"):
            self.farm_b.with_user(self.farm_manager).action_record_milking_round()
        missing = self.farm_b.browse(self.farm_b.id + 1000)
        with self.assertRaisesMessage(AccessError, "do not exist or are not yours"):
            missing.with_user(self.farm_manager).action_open_milkings()
