"""Issue 9, finding 4 (values): saved dashboard filters were never validated, so
{"preset": "custom", "date_from": 5} saved for a user made that user's dashboard
answer 500 on every load. Saved values are now checked on create and write, and
values stored before the checks are tolerated on load (the defaults apply)."""

from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .test_dashboard_data import DashboardCase


@tagged("post_install", "-at_install")
class TestSavedFilterValues(DashboardCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.dashboard = cls._dashboard([cls._widget("Milk", "kpi_card", ["PRODUCTION"])])
        cls.Filter = cls.env["smart.dairy.dashboard.filter"]

    def test_bad_values_are_refused_on_create_and_write(self):
        # Saved filters are written by the system only (save_filters, as superuser, for the
        # caller): the checks hold there, reading ids as the filter's owner would.
        Filter = self.Filter.sudo().with_context(default_user_id=self.user.id)
        for values, words in [
            ({"preset": "custom", "date_from": 5}, "filters.date_from"),
            ({"preset": "custom", "date_from": 5, "date_to": "2025-01-01"}, "not a number"),
            ({"preset": ["x"]}, "filters.preset: must be a string"),
            ({"farm_ids": ["a1"]}, "filters.farm_ids\\[0\\]"),
            ({"farm_ids": [self.farm_b.id]}, "not yours to read"),
            ("last_30_days", "must be an object"),
        ]:
            with self.assertRefused(words, ValidationError):
                Filter.create({"dashboard_id": self.dashboard.id, "values": values})
        saved = Filter.create({"dashboard_id": self.dashboard.id, "values": {"preset": "today"}})
        with self.assertRefused("filters.date_to", ValidationError):
            saved.write({"values": {"preset": "custom", "date_from": "2025-01-01", "date_to": 5}})

    def test_values_stored_before_the_checks_fall_back_to_the_defaults(self):
        saved = self.Filter.create(
            {"dashboard_id": self.dashboard.id, "user_id": self.user.id, "values": {}}
        )
        # Planted as a row written before validation existed (no ORM checks).
        self.env.cr.execute(
            "UPDATE smart_dairy_dashboard_filter SET values = %s WHERE id = %s",
            ['{"preset": "custom", "date_from": 5}', saved.id],
        )
        self.env.invalidate_all()
        data = self.Dashboard.with_user(self.user).get_dashboard_data(self.dashboard.id)
        self.assertEqual(data["filters"]["preset"], "last_30_days")
        self.assertEqual(len(data["widgets"]), 1)

    def test_ids_no_longer_readable_are_dropped_the_rest_kept(self):
        saved = self.Filter.create(
            {"dashboard_id": self.dashboard.id, "user_id": self.user.id, "values": {}}
        )
        self.env.cr.execute(
            "UPDATE smart_dairy_dashboard_filter SET values = %s WHERE id = %s",
            [f'{{"preset": "today", "farm_ids": [{self.farm_a.id}, {self.farm_b.id}]}}', saved.id],
        )
        self.env.invalidate_all()
        data = self.Dashboard.with_user(self.user).get_dashboard_data(self.dashboard.id)
        self.assertEqual(data["filters"]["preset"], "today")
        self.assertEqual(data["filters"]["farm_ids"], [self.farm_a.id])
