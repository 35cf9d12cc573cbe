"""Every public method of the IoT models is an API (JSON-2): each is listed here with
who may call it, so a new one cannot slip in unreviewed (as smart_dairy_bi does)."""

from odoo.exceptions import AccessError
from odoo.service.model import get_public_method
from odoo.tests import TransactionCase, tagged

MODULE = "odoo.addons.smart_dairy_iot."
MIXIN = {"create", "write"}  # smart.dairy.access.mixin: no system field, rules after write
AUDITED = {
    "smart.dairy.iot.device": MIXIN
    | {
        "unlink",  # access rights (Farm Manager), resyncs the registry snapshot
        "action_generate_token",  # Farm Manager, devices they may write
        "action_revoke_token",  # Farm Manager, devices they may write
    },
    "smart.dairy.iot.metric": MIXIN | {"unlink"},  # access rights (Farm Manager)
    "smart.dairy.iot.quarantine": {"action_replay"},  # Farm Manager, rows they may read
    "smart.dairy.animal": {"create", "write", "unlink"},  # access rights; resync snapshot
}


@tagged("post_install", "-at_install")
class TestPublicMethods(TransactionCase):
    def test_every_public_method_of_the_addon_is_audited(self):
        found = {}
        for name in self.env.registry:
            model = self.env[name]
            for cls in type(model).mro():
                if not cls.__module__.startswith(MODULE):
                    continue
                for method in vars(cls):
                    if method.startswith("_") or not callable(getattr(cls, method)):
                        continue
                    try:
                        get_public_method(model, method)
                    except AccessError:
                        continue  # @api.private
                    found.setdefault(name, set()).add(method)
        self.assertEqual(found, AUDITED)
        guarded = self.env.registry["smart.dairy.access.mixin"]._inherit_children
        self.assertLessEqual(
            {"smart.dairy.iot.device", "smart.dairy.iot.metric", "smart.dairy.iot.quarantine"},
            set(guarded),
        )
