from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestMilkingRoundTour(HttpCase):
    browser_size = "375x667"
    touch_enabled = True

    def test_milking_round_tour_on_phone(self):
        company = self.env.company
        user = new_test_user(
            self.env,
            login="dairy_tour_manager",
            groups="smart_dairy_base.group_smart_dairy_farm_manager",
            company_id=company.id,
            company_ids=[company.id],
        )
        if "odoobot_state" in user._fields:
            # OdooBot's welcome chat would cover the whole phone screen
            user.odoobot_state = "disabled"
        farm = self.env["smart.dairy.farm"].create(
            {"name": "Tour Meadow Farm", "company_id": company.id, "manager_id": user.id}
        )
        self.env["smart.dairy.animal"].create(
            [
                {
                    "ear_tag": "TOUR-001",
                    "name": "Clover",
                    "farm_id": farm.id,
                    "status": "lactating",
                },
                {"ear_tag": "TOUR-002", "name": "Maple", "farm_id": farm.id, "status": "lactating"},
                {"ear_tag": "TOUR-003", "name": "Hazel", "farm_id": farm.id, "status": "heifer"},
            ]
        )
        self.start_tour("/odoo", "smart_dairy_milking_round_tour", login=user.login)
        milkings = self.env["smart.dairy.milking"].search([("farm_id", "=", farm.id)])
        self.assertEqual(sorted(milkings.mapped("volume")), [9.5, 11.25])
        self.assertEqual(milkings.sorted("volume").mapped("fat_pct"), [0.0, 4.1])
        self.assertEqual(sorted(milkings.animal_id.mapped("ear_tag")), ["TOUR-001", "TOUR-002"])
        self.assertEqual(milkings.create_uid, user)
