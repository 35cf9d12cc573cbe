"""Every public method of the suite's models is an API (JSON-2): each one is listed
here with who may call it, so a new one cannot slip in unreviewed."""

from odoo.exceptions import AccessError
from odoo.service.model import get_public_method
from odoo.tests import TransactionCase, tagged

MODULES = ("odoo.addons.smart_dairy_base.", "odoo.addons.smart_dairy_bi.")
USER, FARM, ANALYTICS = "User", "Farm Manager", "Analytics Manager"
# model -> method -> who may call it (record rules apply on top).
AUDITED = {
    "smart.dairy.farm": {
        "action_open_animals": USER,
        "action_open_milkings": USER,
        "action_record_milking_round": FARM,
        "write": "access rights; record rules rechecked after the write",
    },
    "smart.dairy.animal": {
        "action_open_milkings": USER,
        "write": "access rights; record rules rechecked after the write",
    },
    "smart.dairy.milking": {
        "create": "access rights and record rules (Farm Manager)",
        "write": "access rights; record rules rechecked after the write",
    },
    "smart.dairy.feed": {"write": "access rights; record rules rechecked after the write"},
    "smart.dairy.milking.round": {"action_record": "access rights (Farm Manager)"},
    "smart.dairy.kpi": {
        "action_preview": ANALYTICS,
        "action_recompute": ANALYTICS + ", in their companies",
        "action_open_values": USER,
        "get_values": USER + ", KPIs they may read",
        "write": "access rights; record rules rechecked after the write",
    },
    "smart.dairy.kpi.target": {"write": "access rights; record rules rechecked after the write"},
    "smart.dairy.kpi.preview": {
        "create": "access rights (Analytics Manager)",
        "action_refresh": ANALYTICS,
        "action_open": "access rights (Analytics Manager)",
        "write": "access rights; record rules rechecked after the write",
    },
    "smart.dairy.dashboard": {
        "get_dashboard_data": USER + ", dashboards shared with them",
        "save_filters": USER + ", dashboards shared with them",
        "action_drilldown": USER + ", dashboards shared with them",
        "action_export": USER + ", dashboards shared with them",
    },
    "smart.dairy.report.schedule": {
        "create": "Analytics Manager; Render As themselves unless administrator",
        "write": "Analytics Manager; Render As themselves unless administrator",
        "action_send_now": ANALYTICS + ", schedules of their companies",
    },
    "smart.dairy.alert": {
        "action_acknowledge": FARM,
        "action_resolve": FARM,
        "write": "Farm Manager, responsible person only",
    },
    "smart.dairy.alert.rule": {
        "action_evaluate": ANALYTICS + ", in their companies",
        "action_test": ANALYTICS,
        "action_open_alerts": USER,
        "write": "access rights; record rules rechecked after the write",
    },
    "smart.dairy.alert.rule.test": {
        "create": "access rights (Analytics Manager)",
        "action_run": ANALYTICS,
        "write": "access rights; record rules rechecked after the write",
    },
}


@tagged("post_install", "-at_install")
class TestPublicMethods(TransactionCase):
    def test_every_public_method_of_the_suite_is_audited(self):
        found = {}
        for name in self.env.registry:
            model = self.env[name]
            for cls in type(model).mro():
                if not cls.__module__.startswith(MODULES):
                    continue
                for method in vars(cls):
                    if method.startswith("_") or not callable(getattr(cls, method)):
                        continue
                    try:
                        get_public_method(model, method)
                    except AccessError:
                        continue  # @api.private
                    found.setdefault(name, set()).add(method)
        found.pop("smart.dairy.access.mixin", None)
        self.assertEqual(found, {model: set(methods) for model, methods in AUDITED.items()})
