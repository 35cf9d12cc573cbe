from odoo import Command
from odoo.tests import HttpCase, new_test_user

from odoo.addons.smart_dairy_base.tests.json2 import Json2Mixin

GROUPS = {
    "user": "base.group_user,smart_dairy_base.group_smart_dairy_user",
    "farm_manager": "base.group_user,smart_dairy_base.group_smart_dairy_farm_manager",
    "analyst": "base.group_user,smart_dairy_base.group_smart_dairy_analytics_manager",
}


class AttackCase(Json2Mixin, HttpCase):
    """Two companies and the suite's roles in each, calling the JSON-2 API over real
    HTTP with their own API keys, as an attacker would."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_a = cls.env["res.company"].create({"name": "Attack A"})
        cls.company_b = cls.env["res.company"].create({"name": "Attack B"})
        cls.user_a = cls._user("atk_user_a", "user", cls.company_a)
        cls.farm_manager_a = cls._user("atk_fm_a", "farm_manager", cls.company_a)
        cls.farm_manager_b = cls._user("atk_fm_b", "farm_manager", cls.company_b)
        cls.analyst_a = cls._user("atk_analyst_a", "analyst", cls.company_a)
        cls.analyst_b = cls._user("atk_analyst_b", "analyst", cls.company_b)
        cls.admin = cls.env.ref("base.user_admin")
        cls.admin.company_ids = [Command.link(cls.company_a.id), Command.link(cls.company_b.id)]

    @classmethod
    def _user(cls, login, role, company):
        return new_test_user(
            cls.env, login, groups=GROUPS[role], email=f"{login}@example.com",
            company_ids=[Command.set(company.ids)], company_id=company.id,
        )  # fmt: skip

    def call(self, user, model, method, **params):
        """POST /json/2/<model>/<method> with ``user``'s API key; the response."""
        return self.json2(user, model, method, params)

    def assertRefused(self, response, status=403):
        """The call was refused with ``status`` and a JSON error body; its message."""
        self.assertEqual(response.status_code, status, response.text)
        body = response.json()
        self.assertIn("message", body, body)
        return body["message"]
