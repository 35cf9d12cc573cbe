"""Issue 9, finding 8: malformed input answered 500 with a traceback (JSON-2) or an
HTML page (export route). Each case must now answer 4xx with a JSON body naming the
field and the problem."""

import json
import urllib.parse

from odoo.tests import tagged

from .http_api import Json2Case
from .test_dashboard_export import ExportCase


@tagged("post_install", "-at_install")
class TestRequestErrors(ExportCase, Json2Case):
    def values(self, **payload):
        base = {"codes": ["PRODUCTION"], "grain": "day",
                "date_from": self.week["date_from"], "date_to": self.week["date_to"]}  # fmt: skip
        return self.call("smart.dairy.kpi", "get_values", {**base, **payload})

    def test_reported_get_values_payloads_answer_422_naming_the_field(self):
        self.assertEqual(self.values().status_code, 200)
        for payload, field, words in [
            ({"codes": [1]}, "codes[0]", "must be a string"),
            ({"date_from": "0001-01-01"}, "date_from", "between 1900-01-01 and 2199-12-31"),
            ({"date_to": "9999-12-31"}, "date_to", "between 1900-01-01"),
            ({"breakdown": 1}, "breakdown", "must be a string"),
            ({"breakdown": "farm_id", "dimension_values": [1, "1", None]},
             "dimension_values[2]", "a record id or a short text"),
            ({"dimension_values": [1, "1"]}, "dimension_values", "needs a breakdown"),
        ]:  # fmt: skip
            body = self.assertJsonError(self.values(**payload), 422, field)
            self.assertIn(words, body["problem"])
            self.assertIn(field, body["message"])

    def test_dimension_values_of_mixed_types_count_once(self):
        farm = self.farm_a.id
        response = self.values(breakdown="farm_id", dimension_values=[farm, str(farm)])
        self.assertEqual(response.status_code, 200, response.text)

    def test_reported_dashboard_payloads_answer_422(self):
        for body, field in [
            ({"dashboard_id": "1a", "filters": None}, "dashboard_id"),
            ({"dashboard_id": [self.dashboard.id]}, "dashboard_id"),
            ({"dashboard_id": self.dashboard.id, "filters": {"preset": ["x"]}}, "filters.preset"),
            ({"dashboard_id": self.dashboard.id, "filters": ["x"]}, "filters"),
            ({"dashboard_id": self.dashboard.id,
              "filters": {"preset": "custom", "date_from": 5, "date_to": "2025-01-01"}},
             "filters.date_from"),
            ({"dashboard_id": self.dashboard.id, "filters": {"farm_ids": [self.farm_b.id]}},
             "filters.farm_ids"),  # another company's farm: not readable
        ]:  # fmt: skip
            response = self.call("smart.dairy.dashboard", "get_dashboard_data", body)
            self.assertJsonError(response, 422, field)

    def test_export_route_answers_json_not_html(self):
        self.authenticate("sd_user", "sd_user")
        base = f"/smart_dairy/dashboard/{self.dashboard.id}/export/xlsx"
        for filters, status, field in [
            ({"preset": ["x"]}, 422, "filters.preset"),
            ({"preset": "custom", "date_from": "0001-01-01", "date_to": "2024-01-01"},
             422, "filters.date_from"),
            ({"region_ids": "all"}, 422, "filters.region_ids"),
            ({"farm_ids": [2**40]}, 422, "filters.farm_ids[0]"),
        ]:  # fmt: skip
            query = urllib.parse.urlencode({"filters": json.dumps(filters)})
            response = self.url_open(f"{base}?{query}")
            body = self.assertJsonError(response, status)
            self.assertEqual(body["field"], field, response.text)
        response = self.url_open(f"{base}?filters=%7B&colour=red")
        self.assertJsonError(response, 400)
