import datetime
import json

from odoo.tests import HttpCase


class Json2Case(HttpCase):
    """Calls of the JSON-2 API over real HTTP, with an API key of ``self.user``."""

    def api_key(self, user):
        keys = self.__dict__.setdefault("_api_keys", {})
        if user not in keys:
            expiry = datetime.datetime.now() + datetime.timedelta(days=1)
            keys[user] = (
                self.env["res.users.apikeys"].with_user(user)._generate("rpc", "test", expiry)
            )
        return keys[user]

    def call(self, model, method, body, user=None):
        """POST a body (an object, or raw text) to /json/2/<model>/<method>."""
        data = body if isinstance(body, str) else json.dumps(body)
        key = self.api_key(user or self.user)
        return self.url_open(
            f"/json/2/{model}/{method}",
            data=data,
            headers={"Authorization": f"bearer {key}", "Content-Type": "application/json"},
        )

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
