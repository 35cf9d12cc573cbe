"""Issue 9, finding 5: unbounded requests (codes repeated 200,000 times, day grain
over 100 years, 200,000 region ids) each occupied a worker for seconds. Lists are
now deduplicated and bounded, and the periods a call may return are limited, with
limits from the settings and a 422 saying which limit was hit and how to page."""

from odoo.tests import tagged

from .http_api import Json2Case
from .test_dashboard_export import ExportCase


@tagged("post_install", "-at_install")
class TestRequestLimits(ExportCase, Json2Case):
    def values(self, **payload):
        base = {"codes": ["PRODUCTION"], "grain": "day",
                "date_from": self.week["date_from"], "date_to": self.week["date_to"]}  # fmt: skip
        return self.call("smart.dairy.kpi", "get_values", {**base, **payload})

    def test_repeated_codes_are_answered_once(self):
        response = self.values(codes=["PRODUCTION"] * 200_000)
        self.assertEqual(response.status_code, 200, response.text[:300])
        self.assertEqual(list(response.json()), ["PRODUCTION"])

    def test_a_century_by_day_is_refused_with_how_to_page(self):
        response = self.values(date_from="1925-01-01", date_to="2024-12-31")
        body = self.assertJsonError(response, 422, "date_to")
        self.assertEqual(body["limit"], "periods")
        self.assertIn("36525 day periods, more than the 1000", body["problem"])
        self.assertIn("ranges of at most 1000 periods", body["problem"])
        # The same century by year is one small answer.
        self.assertEqual(self.values(date_from="1925-01-01", date_to="2024-12-31",
                                     grain="year").status_code, 200)  # fmt: skip

    def test_too_many_distinct_codes_or_ids_are_refused(self):
        codes = self.Kpi.search([]).mapped("code")
        self.env["ir.config_parameter"].set_param("smart_dairy_bi.request_max_codes", "3")
        body = self.assertJsonError(self.values(codes=codes), 422, "codes")
        self.assertEqual(body["limit"], "codes")
        self.assertIn(f"{len(codes)} items, more than the 3", body["problem"])
        response = self.call(
            "smart.dairy.dashboard",
            "get_dashboard_data",
            {"dashboard_id": self.dashboard.id, "filters": {"region_ids": list(range(1, 200_001))}},
        )
        body = self.assertJsonError(response, 422, "filters.region_ids")
        self.assertEqual(body["limit"], "ids")

    def test_limits_come_from_the_settings(self):
        self.assertEqual(self.values().status_code, 200)
        settings = self.env["res.config.settings"].create({"smart_dairy_request_max_periods": 6})
        settings.execute()
        body = self.assertJsonError(self.values(), 422, "date_to")  # the week has 7 days
        self.assertIn("more than the 6", body["problem"])
        self.assertEqual(self.values(grain="week").status_code, 200)
        # Dashboards obey the same limit, naming the filter that set the range.
        response = self.call(
            "smart.dairy.dashboard",
            "get_dashboard_data",
            {"dashboard_id": self.dashboard.id, "filters": self.week},
        )
        self.assertJsonError(response, 422, "filters.date_to")
