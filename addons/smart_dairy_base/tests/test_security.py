from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import SmartDairyCommon


@tagged("post_install", "-at_install")
class TestSecurity(SmartDairyCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.milking = cls.env["smart.dairy.milking"].create(cls._milking_vals(cls.cow_1))
        cls.milking_b = cls.env["smart.dairy.milking"].create(cls._milking_vals(cls.cow_b))

    def test_user_reads_but_cannot_change_milkings(self):
        Milking = self.env["smart.dairy.milking"].with_user(self.dairy_user)
        self.assertEqual(Milking.search([]), self.milking)
        self.assertEqual(self.milking.with_user(self.dairy_user).volume, 12.5)
        with self.assertRaises(AccessError):
            Milking.create(self._milking_vals(self.cow_2))
        with self.assertRaises(AccessError):
            self.milking.with_user(self.dairy_user).write({"volume": 1})
        with self.assertRaises(AccessError):
            self.milking.with_user(self.dairy_user).unlink()

    def test_user_cannot_change_farm_data_nor_config(self):
        with self.assertRaises(AccessError):
            self.farm_a.with_user(self.dairy_user).write({"name": "Renamed"})
        with self.assertRaises(AccessError):
            self.cow_1.with_user(self.dairy_user).write({"status": "dry"})
        region = self.env.ref("smart_dairy_base.region_north")
        self.assertEqual(region.with_user(self.dairy_user).code, "N")
        with self.assertRaises(AccessError):
            region.with_user(self.dairy_user).write({"code": "NN"})
        with self.assertRaises(AccessError):
            self.env["res.config.settings"].with_user(self.dairy_user).create({})
        Menu = self.env["ir.ui.menu"].with_user(self.dairy_user)
        visible = Menu._visible_menu_ids()
        self.assertIn(self.env.ref("smart_dairy_base.menu_smart_dairy_farm_farms").id, visible)
        for xmlid in (
            "smart_dairy_base.menu_smart_dairy_config",
            "smart_dairy_base.menu_smart_dairy_farm_milking_round",
        ):
            self.assertNotIn(self.env.ref(xmlid).id, visible, xmlid)

    def test_farm_manager_records_farm_data(self):
        env = self.env(user=self.farm_manager)
        milking = env["smart.dairy.milking"].create(self._milking_vals(self.cow_2))
        milking.volume = 8
        milking.unlink()
        animal = env["smart.dairy.animal"].create({"ear_tag": "A-050", "farm_id": self.farm_a.id})
        self.assertEqual(animal.company_id, self.company_a)
        env["smart.dairy.farm"].create({"name": "New Farm"})
        with self.assertRaises(AccessError):
            env["smart.dairy.region"].create({"name": "Far North", "code": "FN"})

    def test_companies_are_isolated(self):
        env_b = self.env(user=self.manager_b)
        self.assertEqual(env_b["smart.dairy.farm"].search([]), self.farm_b)
        self.assertEqual(env_b["smart.dairy.animal"].search([]), self.cow_b)
        self.assertEqual(env_b["smart.dairy.milking"].search([]), self.milking_b)
        with self.assertRaises(AccessError):
            self.farm_a.with_user(self.manager_b).read(["name"])
        with self.assertRaises(AccessError):
            self.milking.with_user(self.manager_b).read(["volume"])
        env_a = self.env(user=self.farm_manager)
        self.assertEqual(env_a["smart.dairy.farm"].search([]), self.farm_a | self.farm_a2)
        self.assertNotIn(self.milking_b, env_a["smart.dairy.milking"].search([]))
