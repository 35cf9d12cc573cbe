import datetime

from odoo import fields
from odoo.tests import HttpCase, new_test_user, tagged

from .json2 import Json2Mixin


@tagged("post_install", "-at_install")
class TestMilkingJson2(Json2Mixin, HttpCase):
    """Milkings created over the JSON-2 API meet the same limits as in the forms."""

    def test_implausible_milking_refused_over_json2(self):
        company = self.env.company
        user = new_test_user(
            self.env,
            login="dairy_api_manager",
            groups="smart_dairy_base.group_smart_dairy_farm_manager",
            company_id=company.id,
            company_ids=[company.id],
        )
        farm = self.env["smart.dairy.farm"].create({"name": "API Farm", "company_id": company.id})
        cow = self.env["smart.dairy.animal"].create(
            {"ear_tag": "API-1", "name": "Juno", "farm_id": farm.id, "status": "lactating"}
        )
        today = fields.Date.context_today(self.env["smart.dairy.milking"].with_user(user))

        def create(**values):
            vals = {"animal_id": cow.id, "session": "morning", "volume": 12.0, **values}
            return self.json2(user, "smart.dairy.milking", "create", {"vals_list": [vals]})

        far = today + datetime.timedelta(days=400)
        response = create(date=far.isoformat())
        self.assertEqual(response.status_code, 422, response.text)
        self.assertIn(f"API-1 Juno is dated {far}, after today", response.json()["message"])
        response = create(date=today.isoformat(), volume=9999)
        self.assertEqual(response.status_code, 422, response.text)
        self.assertIn("more than the 40 L per cow and session", response.json()["message"])
        response = create(date=today.isoformat(), fat_pct=12)
        self.assertEqual(response.status_code, 422, response.text)
        self.assertIn("Fat of 12 % for API-1 Juno", response.json()["message"])
        self.assertFalse(self.env["smart.dairy.milking"].search([("animal_id", "=", cow.id)]))
        response = create(date=today.isoformat())
        self.assertEqual(response.status_code, 200, response.text)
        milking = self.env["smart.dairy.milking"].browse(response.json())
        self.assertEqual((milking.volume, milking.quality_grade), (12.0, "ungraded"))
