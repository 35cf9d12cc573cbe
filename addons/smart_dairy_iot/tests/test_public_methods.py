"""Every public method of the IoT models is an API (JSON-2): each is listed here with
who may call it, so a new one cannot slip in unreviewed (as smart_dairy_bi does)."""

from odoo.tests import TransactionCase, tagged

from odoo.addons.smart_dairy_base.tests.public_methods import public_methods

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
        found = public_methods(self.env, MODULE)
        found.pop("smart.dairy.iot.registry.sync", None)  # as mixed into the models below
        self.assertEqual(found, AUDITED)
        guarded = self.env.registry["smart.dairy.access.mixin"]._inherit_children
        self.assertLessEqual(
            {"smart.dairy.iot.device", "smart.dairy.iot.metric", "smart.dairy.iot.quarantine"},
            set(guarded),
        )
