from odoo.tests import HttpCase

from odoo.addons.smart_dairy_base.tests.json2 import Json2Mixin


class Json2Case(Json2Mixin, HttpCase):
    """Calls of the JSON-2 API over real HTTP, by default as ``self.user``."""

    def call(self, model, method, body, user=None):
        """POST a body (an object, or raw text) to /json/2/<model>/<method>."""
        return self.json2(user or self.user, model, method, body)

    def assertJsonError(self, response, status=None, field=None):
        """A 4xx answer with a JSON body, no traceback; its field when given."""
        context = f"{response.status_code} {response.text[:300]}"
        if status is not None:
            self.assertEqual(response.status_code, status, context)
        self.assertTrue(400 <= response.status_code < 500, context)
        content_type = response.headers.get("Content-Type", "").split(";")[0]
        self.assertEqual(content_type, "application/json", context)
        body = response.json()
        self.assertNotIn("debug", body, context)
        self.assertNotIn("Traceback", response.text, context)
        if field is not None:
            self.assertEqual(body.get("field"), field, context)
        return body
