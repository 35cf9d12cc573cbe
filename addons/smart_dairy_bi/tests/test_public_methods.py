"""Every public method of the suite's models is an API (JSON-2): each one is listed
here with who may call it, so a new one cannot slip in unreviewed."""

from odoo.tests import TransactionCase, tagged

from odoo.addons.smart_dairy_base.tests.public_methods import public_methods

MODULES = ("odoo.addons.smart_dairy_base.", "odoo.addons.smart_dairy_bi.")
USER, FARM, ANALYTICS = "User", "Farm Manager", "Analytics Manager"
# model -> method -> who may call it (record rules apply on top).
AUDITED = {
    "smart.dairy.farm": {
        "action_open_animals": USER,
        "action_open_milkings": USER,
        "action_record_milking_round": FARM,
    },
    "smart.dairy.animal": {
        "action_open_milkings": USER,
    },
    "smart.dairy.milking": {"create": "Farm Manager (access rights), sessions free"},
    "smart.dairy.feed": {},
    "smart.dairy.milking.round": {"action_record": "access rights (Farm Manager)"},
    "smart.dairy.kpi": {
        "action_preview": ANALYTICS,
        "action_recompute": ANALYTICS + ", in their companies",
        "action_open_values": USER,
        "get_values": USER + ", KPIs they may read",
    },
    "smart.dairy.kpi.target": {},
    "smart.dairy.kpi.preview": {
        "create": "access rights (Analytics Manager)",
        "action_refresh": ANALYTICS,
        "action_open": "access rights (Analytics Manager)",
    },
    "smart.dairy.dashboard": {
        "get_dashboard_data": USER + ", dashboards shared with them",
        "save_filters": USER + ", dashboards shared with them",
        "action_drilldown": USER + ", dashboards shared with them",
        "action_export": USER + ", dashboards shared with them",
    },
    "smart.dairy.dashboard.widget": {},
    "smart.dairy.report.schedule": {
        "create": "Analytics Manager; Render As themselves unless administrator",
        "write": "Analytics Manager; Render As themselves unless administrator",
        "action_send_now": ANALYTICS + ", schedules of their companies",
    },
    "smart.dairy.alert": {
        "action_acknowledge": FARM,
        "action_resolve": FARM,
        "write": "Farm Manager, responsible person only (the rest is the system's)",
    },
    "smart.dairy.alert.rule": {
        "action_evaluate": ANALYTICS + ", in their companies",
        "action_test": ANALYTICS,
        "action_open_alerts": USER,
    },
    "smart.dairy.alert.rule.test": {
        "create": "access rights (Analytics Manager)",
        "action_run": ANALYTICS,
    },
    "smart.dairy.quality.check": {
        "action_run_now": ANALYTICS,
        "action_open_results": USER,
    },
    "smart.dairy.quality.result": {"action_open_failing": USER + ", results of their companies"},
    # smart_dairy_iot, when installed: its own methods are audited in its own test
    "smart.dairy.iot.device": {},
    "smart.dairy.iot.metric": {},
    "smart.dairy.iot.quarantine": {},
    # smart_dairy_forecast, when installed: audited in its own test
    "smart.dairy.forecast.config": {},
}


# smart.dairy.access.mixin: create and write refuse system fields (read-only computed
# and related ones, and each model's _system_fields); write rechecks the record
# rules on the records as written. Access rights and record rules apply as usual.
MIXIN = {"create": "access rights, no system field", "write": "access rights, rules after"}
GUARDED = {
    "smart.dairy.farm", "smart.dairy.animal", "smart.dairy.milking", "smart.dairy.feed",
    "smart.dairy.kpi", "smart.dairy.kpi.target", "smart.dairy.kpi.preview",
    "smart.dairy.alert", "smart.dairy.alert.rule", "smart.dairy.alert.rule.test",
    "smart.dairy.report.schedule", "smart.dairy.dashboard", "smart.dairy.dashboard.widget",
    "smart.dairy.iot.device", "smart.dairy.iot.metric", "smart.dairy.iot.quarantine",
    "smart.dairy.forecast.config",
    "smart.dairy.quality.check", "smart.dairy.quality.result",
}  # fmt: skip


@tagged("post_install", "-at_install")
class TestPublicMethods(TransactionCase):
    def test_every_public_method_of_the_suite_is_audited(self):
        found = public_methods(self.env, MODULES)
        found.pop("smart.dairy.access.mixin", None)
        expected = {
            model: set(methods) | (set(MIXIN) if model in GUARDED else set())
            for model, methods in AUDITED.items()
            if model in self.env.registry
        }
        self.maxDiff = None
        self.assertEqual(found, expected)
        guarded = self.env.registry["smart.dairy.access.mixin"]._inherit_children
        self.assertLessEqual({m for m in GUARDED if m in self.env.registry}, set(guarded))
