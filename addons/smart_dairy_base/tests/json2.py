import datetime
import json


class Json2Mixin:
    """For HttpCase tests: calls of Odoo's JSON-2 API over real HTTP, each user with an
    API key of their own (created in the test's transaction)."""

    def api_key(self, user):
        keys = self.__dict__.setdefault("_api_keys", {})
        if user not in keys:
            expiry = datetime.datetime.now() + datetime.timedelta(days=1)
            keys[user] = (
                self.env["res.users.apikeys"].with_user(user)._generate("rpc", "test", expiry)
            )
        return keys[user]

    def json2(self, user, model, method, body):
        """POST ``body`` (an object, or raw text) to /json/2/<model>/<method> as ``user``."""
        self.env.flush_all()
        response = self.url_open(
            f"/json/2/{model}/{method}",
            data=body if isinstance(body, str) else json.dumps(body),
            headers={
                "Authorization": f"bearer {self.api_key(user)}",
                "Content-Type": "application/json",
            },
        )
        self.env.invalidate_all()
        return response
