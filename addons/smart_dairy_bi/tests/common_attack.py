import datetime
import json

from odoo import Command
from odoo.tests import HttpCase, new_test_user

GROUPS = {
    "user": "base.group_user,smart_dairy_base.group_smart_dairy_user",
    "farm_manager": "base.group_user,smart_dairy_base.group_smart_dairy_farm_manager",
    "analyst": "base.group_user,smart_dairy_base.group_smart_dairy_analytics_manager",
}


class AttackCase(HttpCase):
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

    def setUp(self):
        super().setUp()
        self.keys = {}  # API keys live in the test's transaction

    @classmethod
    def _user(cls, login, role, company):
        return new_test_user(
            cls.env, login, groups=GROUPS[role], email=f"{login}@example.com",
            company_ids=[Command.set(company.ids)], company_id=company.id,
        )  # fmt: skip

    def key(self, user):
        if user not in self.keys:
            expiry = datetime.datetime.now() + datetime.timedelta(days=1)
            self.keys[user] = (
                self.env["res.users.apikeys"].with_user(user)._generate("rpc", "attack", expiry)
            )
        return self.keys[user]

    def call(self, user, model, method, **params):
        """POST /json/2/<model>/<method> with ``user``'s API key; the response."""
        self.env.flush_all()
        response = self.url_open(
            f"/json/2/{model}/{method}",
            data=json.dumps(params),
            headers={
                "Authorization": f"bearer {self.key(user)}",
                "Content-Type": "application/json",
            },
        )
        self.env.invalidate_all()
        return response

    def assertRefused(self, response, status=403):
        """The call was refused with ``status`` and a JSON error body; its message."""
        self.assertEqual(response.status_code, status, response.text)
        body = response.json()
        self.assertIn("message", body, body)
        return body["message"]
