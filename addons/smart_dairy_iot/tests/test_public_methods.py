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
        "get_latest",  # Smart Dairy User, devices they may read
        "get_series",  # Smart Dairy User, devices they may read
        "get_farm_series",  # Smart Dairy User, a farm they may read, their companies
        "get_status_list",  # Smart Dairy User, devices they may read
        "get_ingestion_stats",  # Analytics Manager, their companies
    },
    "smart.dairy.iot.metric": MIXIN | {"unlink"},  # access rights (Farm Manager)
    "smart.dairy.iot.quarantine": {"action_replay"},  # Farm Manager, rows they may read
    # Smart Dairy User; the download checks the device or farm again (_export_plan)
    "smart.dairy.iot.export": {"default_get", "action_export"},
    "smart.dairy.iot.broker.files": {"action_generate"},  # Settings (access rights)
    # access rights; resync snapshot; the alerts action opens what the alert rules let read
    "smart.dairy.animal": {"create", "write", "unlink", "action_open_alerts"},
}


@tagged("post_install", "-at_install")
class TestPublicMethods(TransactionCase):
    def test_every_public_method_of_the_addon_is_audited(self):
        found = public_methods(self.env, MODULE)
        # as mixed into the models below
        found.pop("smart.dairy.iot.registry.sync", None)
        found.pop("smart.dairy.iot.device.readings", None)
        self.assertEqual(found, AUDITED)
        guarded = self.env.registry["smart.dairy.access.mixin"]._inherit_children
        self.assertLessEqual(
            {"smart.dairy.iot.device", "smart.dairy.iot.metric", "smart.dairy.iot.quarantine"},
            set(guarded),
        )
