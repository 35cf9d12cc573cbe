"""Issue 9, finding 4: a User plants a saved filter on another user's dashboard by
creating one for themselves and writing its user_id to the victim."""

from odoo.tests import tagged

from .common_attack import AttackCase

MODEL = "smart.dairy.dashboard.filter"
PLANTED = {"preset": "custom", "date_from": 5}


@tagged("post_install", "-at_install")
class TestPlantedFilter(AttackCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.dashboard = cls.env["smart.dairy.dashboard"].create({"name": "Open to all"})
        cls.victim = cls._user("atk_victim", "user", cls.company_a)
        cls.Filter = cls.env[MODEL].sudo()

    def _victims_filters(self):
        return self.Filter.search([("user_id", "=", self.victim.id)])

    def test_filters_are_not_created_or_moved_through_the_api(self):
        create = self.call(
            self.user_a, MODEL, "create",
            vals_list=[{"dashboard_id": self.dashboard.id, "values": PLANTED}],
        )  # fmt: skip
        self.assertRefused(create, 403)
        for user in (self.victim, self.user_a):
            planted = self.call(
                self.user_a, MODEL, "create",
                vals_list=[
                    {"dashboard_id": self.dashboard.id, "values": PLANTED, "user_id": user.id}
                ],
            )  # fmt: skip
            self.assertRefused(planted, 403)
        own = self.Filter.create(
            {"user_id": self.user_a.id, "dashboard_id": self.dashboard.id, "values": {}}
        )
        moved = self.call(
            self.user_a, MODEL, "write", ids=own.ids,
            vals={"user_id": self.victim.id, "values": PLANTED},
        )  # fmt: skip
        self.assertRefused(moved, 403)
        self.assertEqual(own.user_id, self.user_a)
        self.assertFalse(self._victims_filters())
        # The victim's dashboard still opens.
        data = self.call(
            self.victim, "smart.dairy.dashboard", "get_dashboard_data",
            dashboard_id=self.dashboard.id,
        )  # fmt: skip
        self.assertEqual(data.status_code, 200, data.text)

    def test_analytics_managers_plant_nothing_either(self):
        planted = self.call(
            self.analyst_a, MODEL, "create",
            vals_list=[
                {"dashboard_id": self.dashboard.id, "values": PLANTED, "user_id": self.victim.id}
            ],
        )  # fmt: skip
        self.assertRefused(planted, 403)
        self.assertFalse(self._victims_filters())

    def test_save_filters_saves_for_the_caller_only(self):
        saved = self.call(
            self.user_a, "smart.dairy.dashboard", "save_filters",
            dashboard_id=self.dashboard.id, filters={"preset": "today"},
        )  # fmt: skip
        self.assertEqual(saved.status_code, 200, saved.text)
        mine = self.Filter.search([("dashboard_id", "=", self.dashboard.id)])
        self.assertEqual(mine.user_id, self.user_a)
        self.assertEqual(mine.values["preset"], "today")
        read = self.call(self.user_a, MODEL, "search_read", domain=[], fields=["user_id"])
        self.assertEqual([row["id"] for row in read.json()], mine.ids)
        self.assertFalse(self.call(self.victim, MODEL, "search", domain=[]).json())
        forget = self.call(self.user_a, MODEL, "unlink", ids=mine.ids)
        self.assertEqual(forget.status_code, 200, forget.text)
        self.assertFalse(mine.exists())
