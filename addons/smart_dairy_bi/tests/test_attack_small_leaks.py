"""Issue 9, finding 9: small leaks. get_values named another company's KPI;
dashboard errors named a hidden dashboard and its company; 422 versus 403 told
which ids exist."""

import json

from odoo import Command
from odoo.tests import tagged

from .common_attack import AttackCase

SECRET = "Secret margin of B"
HIDDEN = "Board of B"


@tagged("post_install", "-at_install")
class TestSmallLeaks(AttackCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.kpi_b = cls.env["smart.dairy.kpi"].create(
            {
                "code": "ATK_SECRET_B",
                "name": SECRET,
                "unit": "zz",
                "kind": "formula",
                "formula": "PRODUCTION * 2",
                "company_id": cls.company_b.id,
            }
        )
        Dashboard = cls.env["smart.dairy.dashboard"]
        cls.hidden = Dashboard.create(
            {
                "name": HIDDEN,
                "company_ids": [Command.set(cls.company_b.ids)],
                "widget_ids": [
                    Command.create(
                        {
                            "title": "Milk",
                            "widget_type": "kpi_card",
                            "kpi_ids": [
                                Command.set(
                                    cls.env["smart.dairy.kpi"]
                                    .search([("code", "=", "PRODUCTION")])
                                    .ids
                                )
                            ],
                        }
                    )
                ],
            }
        )
        cls.missing = Dashboard.search([], order="id desc", limit=1).id + 1000
        cls.missing_widget = cls.hidden.widget_ids.id + 1000

    def _values(self, codes):
        return self.call(
            self.user_a, "smart.dairy.kpi", "get_values",
            codes=codes, grain="day", date_from="2025-01-01", date_to="2025-01-02",
        )  # fmt: skip

    def test_get_values_knows_only_readable_kpis(self):
        hidden = self._values(["ATK_SECRET_B"])
        self.assertNotIn(SECRET, hidden.text)
        self.assertNotIn('"zz"', hidden.text)
        absent = self._values(["ATK_NO_SUCH_KPI"])
        self.assertEqual(hidden.status_code, absent.status_code)
        self.assertEqual(
            self.assertRefused(hidden, 422).replace("ATK_SECRET_B", "<code>"),
            self.assertRefused(absent, 422).replace("ATK_NO_SUCH_KPI", "<code>"),
        )
        mine = self.call(
            self.analyst_b, "smart.dairy.kpi", "get_values",
            codes=["ATK_SECRET_B"], grain="day", date_from="2025-01-01", date_to="2025-01-02",
        )  # fmt: skip
        self.assertEqual(mine.json()["ATK_SECRET_B"]["name"], SECRET)

    def test_hidden_and_missing_dashboards_get_the_same_answer(self):
        calls = (
            ("get_dashboard_data", {}),
            ("save_filters", {"filters": {"preset": "today"}}),
            ("action_export", {"filters": {}, "fmt": "xlsx"}),
        )
        for method, params in calls:
            with self.subTest(method=method):
                answers = [
                    self.call(
                        self.user_a, "smart.dairy.dashboard", method, dashboard_id=id_, **params
                    )
                    for id_ in (self.hidden.id, self.missing)
                ]
                messages = [self.assertRefused(answer, 403) for answer in answers]
                self.assertEqual(messages[0], messages[1])
                self.assertNotIn(HIDDEN, messages[0])
                self.assertNotIn("Attack B", messages[0])
        drills = [
            self.call(
                self.user_a,
                "smart.dairy.dashboard",
                "action_drilldown",
                widget_id=widget_id,
                kpi_code="PRODUCTION",
                filters={"preset": "today"},
            )
            for widget_id in (self.hidden.widget_ids.id, self.missing_widget)
        ]
        self.assertEqual(self.assertRefused(drills[0]), self.assertRefused(drills[1]))
        # The rightful user still opens it.
        mine = self.call(
            self.analyst_b, "smart.dairy.dashboard", "get_dashboard_data",
            dashboard_id=self.hidden.id,
        )  # fmt: skip
        self.assertEqual(mine.json()["dashboard"]["name"], HIDDEN)

    def test_analytics_manager_of_another_company_sees_no_dashboard_of_b(self):
        Dashboard = "smart.dairy.dashboard"
        listed = self.call(self.analyst_a, Dashboard, "search_read", domain=[], fields=["name"])
        self.assertEqual(listed.status_code, 200, listed.text)
        self.assertNotIn(HIDDEN, listed.text)
        widgets = self.call(
            self.analyst_a, "smart.dairy.dashboard.widget", "search", domain=[]
        ).json()
        self.assertNotIn(self.hidden.widget_ids.id, widgets)
        for method, params in (
            ("read", {"fields": ["name"]}),
            ("write", {"vals": {"company_ids": [[6, 0, self.company_a.ids]]}}),
            ("unlink", {}),
        ):
            with self.subTest(method=method):
                response = self.call(
                    self.analyst_a, Dashboard, method, ids=self.hidden.ids, **params
                )
                self.assertRefused(response, 403)
        mine = self.env[Dashboard].with_user(self.analyst_a).create({"name": "Mine"})
        moved = self.call(
            self.analyst_a, Dashboard, "write", ids=mine.ids,
            vals={"company_ids": [[6, 0, self.company_b.ids]]},
        )  # fmt: skip
        self.assertRefused(moved, 403)
        stolen = self.call(
            self.analyst_a, "smart.dairy.dashboard.widget", "write",
            ids=self.hidden.widget_ids.ids, vals={"dashboard_id": mine.id},
        )  # fmt: skip
        self.assertRefused(stolen, 403)
        self.assertEqual(self.hidden.sudo().company_ids, self.company_b)
        self.assertEqual(mine.sudo().company_ids, self.env["res.company"])
        self.assertEqual(self.hidden.sudo().widget_ids.dashboard_id, self.hidden)

    def test_export_route_answers_alike(self):
        self.authenticate("atk_user_a", "atk_user_a")
        filters = json.dumps({"preset": "today"})
        answers = [
            self.url_open(f"/smart_dairy/dashboard/{dashboard_id}/export/xlsx?filters={filters}")
            for dashboard_id in (self.hidden.id, self.missing)
        ]
        self.assertEqual([answer.status_code for answer in answers], [403, 403])
        self.assertEqual(answers[0].json(), answers[1].json())
        self.assertNotIn(HIDDEN, answers[0].text)

    def test_shared_dashboard_shows_nothing_of_another_companys_kpi(self):
        """A dashboard open to everyone with a widget over company B's KPI: users of A see
        the dashboard without that widget, and cannot drill into it."""
        production = self.env["smart.dairy.kpi"].search([("code", "=", "PRODUCTION")])
        shared = self.env["smart.dairy.dashboard"].create(
            {
                "name": "Shared board",
                "widget_ids": [
                    Command.create(
                        {"title": "Milk", "widget_type": "kpi_card", "kpi_ids": production.ids}
                    ),
                    Command.create(
                        {"title": "Margin", "widget_type": "kpi_card", "kpi_ids": self.kpi_b.ids}
                    ),
                ],
            }
        )
        seen = self.call(
            self.user_a, "smart.dairy.dashboard", "get_dashboard_data", dashboard_id=shared.id
        )
        self.assertEqual(seen.status_code, 200, seen.text)
        self.assertEqual([w["title"] for w in seen.json()["widgets"]], ["Milk"])
        self.assertNotIn(SECRET, seen.text)
        self.assertNotIn('"zz"', seen.text)
        margin = shared.widget_ids.filtered(lambda w: w.title == "Margin")
        drill = self.call(
            self.user_a, "smart.dairy.dashboard", "action_drilldown",
            widget_id=margin.id, kpi_code="ATK_SECRET_B", filters={"preset": "today"},
        )  # fmt: skip
        missing = self.call(
            self.user_a, "smart.dairy.dashboard", "action_drilldown",
            widget_id=self.missing_widget, kpi_code="ATK_SECRET_B", filters={"preset": "today"},
        )  # fmt: skip
        self.assertEqual(self.assertRefused(drill), self.assertRefused(missing))
        self.assertNotIn(SECRET, drill.text)
        theirs = self.call(
            self.analyst_b, "smart.dairy.dashboard", "get_dashboard_data", dashboard_id=shared.id
        )
        self.assertEqual([w["title"] for w in theirs.json()["widgets"]], ["Milk", "Margin"])
