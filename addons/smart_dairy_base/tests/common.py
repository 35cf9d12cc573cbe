from contextlib import contextmanager

from odoo.tests import TransactionCase, new_test_user


class SmartDairyCommon(TransactionCase):
    """Two companies with farms, animals and users of each access level."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_a = cls.env["res.company"].create({"name": "Dairy Co A"})
        cls.company_b = cls.env["res.company"].create({"name": "Dairy Co B"})
        cls.dairy_user = new_test_user(
            cls.env,
            login="dairy_reader",
            groups="smart_dairy_base.group_smart_dairy_user",
            company_id=cls.company_a.id,
            company_ids=[cls.company_a.id],
        )
        cls.farm_manager = new_test_user(
            cls.env,
            login="dairy_farm_manager",
            groups="smart_dairy_base.group_smart_dairy_farm_manager",
            company_id=cls.company_a.id,
            company_ids=[cls.company_a.id],
        )
        cls.manager_b = new_test_user(
            cls.env,
            login="dairy_manager_b",
            groups="smart_dairy_base.group_smart_dairy_farm_manager",
            company_id=cls.company_b.id,
            company_ids=[cls.company_b.id],
        )
        Farm = cls.env["smart.dairy.farm"]
        cls.farm_a = Farm.create(
            {"name": "Hill Farm", "code": "HILL", "company_id": cls.company_a.id}
        )
        cls.farm_a2 = Farm.create(
            {"name": "River Farm", "code": "RIV", "company_id": cls.company_a.id}
        )
        cls.farm_b = Farm.create(
            {"name": "Lake Farm", "code": "LAKE", "company_id": cls.company_b.id}
        )
        Animal = cls.env["smart.dairy.animal"]
        cls.cow_1 = Animal.create(
            {"ear_tag": "A-001", "name": "Daisy", "farm_id": cls.farm_a.id, "status": "lactating"}
        )
        cls.cow_2 = Animal.create(
            {"ear_tag": "A-002", "name": "Bella", "farm_id": cls.farm_a.id, "status": "lactating"}
        )
        cls.cow_dry = Animal.create(
            {"ear_tag": "A-003", "name": "Rosie", "farm_id": cls.farm_a.id, "status": "dry"}
        )
        cls.cow_river = Animal.create(
            {"ear_tag": "R-001", "farm_id": cls.farm_a2.id, "status": "lactating"}
        )
        cls.cow_b = Animal.create(
            {"ear_tag": "B-001", "farm_id": cls.farm_b.id, "status": "lactating"}
        )

    @classmethod
    def _milking_vals(cls, animal, **values):
        return {
            "animal_id": animal.id,
            "date": "2025-03-10",
            "session": "morning",
            "volume": 12.5,
            "fat_pct": 4.0,
            "protein_pct": 3.4,
            "scc": 150000,
            **values,
        }

    @contextmanager
    def assertRaisesMessage(self, exception, regex):
        """Like assertRaisesRegex, but rolls the failed operation back."""
        with self.assertRaises(exception) as catcher:
            yield catcher
        self.assertRegex(str(catcher.exception), regex)
