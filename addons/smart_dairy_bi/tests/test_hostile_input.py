"""Generated malformed requests (issue 9): get_values and get_dashboard_data over
JSON-2 with an API key, and the export route with a session. Whatever is sent, the
answer is never a 5xx and always a JSON body; errors name the problem and carry no
traceback."""

import json
import random
import urllib.parse

from odoo.tests import tagged

from .http_api import Json2Case
from .test_dashboard_export import ExportCase

HOSTILE = [
    None, True, False, 0, -1, 1.5, 2**31, 2**64, -(2**63), float("1e308"), "", " ", "x",
    "PRODUCTION", "day", "fortnight", "0001-01-01", "9999-12-31", "1899-12-31", "2200-01-01",
    "2024-02-30", "2024-13-01", "2024-1-1", "20240101", "2024-01-01T00:00:00",
    "'; DROP TABLE res_users; --", "%s", "\u0000", "é" * 300, "x" * 5000,
    [], [None], [1], [1, "1"], ["PRODUCTION", 1], [[1]], [{"a": 1}], [True], list(range(600)),
    {}, {"a": 1}, {"preset": "custom"}, [2**40],
]  # fmt: skip
VALUES_FIELDS = ("codes", "grain", "date_from", "date_to", "breakdown", "dimension_values")
FILTER_KEYS = ("preset", "date_from", "date_to", "region_ids", "categ_ids", "team_ids",
               "farm_ids", "colour")  # fmt: skip
RAW_BODIES = ["", "{", "[]", "1", "null", '"x"', "[" * 2000 + "]" * 2000, '{"codes": }']


def _json(value):
    return json.dumps(value, allow_nan=True)


@tagged("post_install", "-at_install")
class TestHostileInput(ExportCase, Json2Case):
    def check(self, response, what):
        context = f"{what}: {response.status_code} {response.text[:200]}"
        self.assertLess(response.status_code, 500, context)
        content_type = response.headers.get("Content-Type", "").split(";")[0]
        if response.status_code == 200 and "export" in what:
            return
        self.assertEqual(content_type, "application/json", context)
        body = response.json()
        if response.status_code >= 400:
            self.assertTrue(body.get("message") or body.get("error"), context)
            self.assertNotIn("debug", body, context)
            self.assertNotIn("Traceback", response.text, context)

    def test_generated_payloads_never_answer_5xx(self):
        rng = random.Random(9)
        good = {"codes": ["PRODUCTION"], "grain": "day",
                "date_from": self.week["date_from"], "date_to": self.week["date_to"]}  # fmt: skip
        sent = 0
        payloads = [_json({**good, field: value}) for field in VALUES_FIELDS for value in HOSTILE]
        payloads += [*RAW_BODIES, _json({**good, "limit": 5}), _json({**good, "codes": None})]
        for _n in range(40):
            mixed = dict(good)
            for field in rng.sample(VALUES_FIELDS, rng.randint(2, 4)):
                mixed[field] = rng.choice(HOSTILE)
            payloads.append(_json(mixed))
        for body in payloads:
            self.check(self.call("smart.dairy.kpi", "get_values", body), f"get_values {body[:80]}")
            sent += 1

        dashboards = [self.dashboard.id, 999_999, 0, -3, "1", None, [1], 1.0, 2**63]
        for value in HOSTILE:
            body = _json({"dashboard_id": self.dashboard.id, "filters": value})
            self.check(self.call("smart.dairy.dashboard", "get_dashboard_data", body), body[:80])
            sent += 1
        for key in FILTER_KEYS:
            for value in rng.sample(HOSTILE, 10):
                body = _json({"dashboard_id": rng.choice(dashboards), "filters": {key: value}})
                self.check(
                    self.call("smart.dairy.dashboard", "get_dashboard_data", body), body[:80]
                )
                sent += 1
        for body in RAW_BODIES:
            self.check(self.call("smart.dairy.dashboard", "get_dashboard_data", body), body[:80])
            sent += 1

        self.authenticate("sd_user", "sd_user")
        queries = [_json(value) for value in HOSTILE]
        queries += ["{", "[", "nul", "{" * 3000, "%ZZ", "\u0000"]
        for key in FILTER_KEYS:
            queries += [_json({key: value}) for value in rng.sample(HOSTILE, 8)]
        for fmt in ("xlsx", "pdf", "csv", "XLSX", "x" * 300):
            for query in rng.sample(queries, 6 if fmt != "xlsx" else len(queries)):
                url = (
                    f"/smart_dairy/dashboard/{rng.choice([self.dashboard.id, 999_999])}/export/"
                    f"{urllib.parse.quote(fmt)}?filters={urllib.parse.quote(query)}"
                )
                self.check(self.url_open(url, timeout=60), f"export {url[:120]}")
                sent += 1
        self.assertGreaterEqual(sent, 300)
