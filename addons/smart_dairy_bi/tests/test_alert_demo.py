import datetime
from collections import defaultdict

from smart_dairy.demo import load_settings

from odoo.tests import TransactionCase, tagged

from odoo.addons.smart_dairy_base.tests.demo import demo_company_and_day

DAY = datetime.timedelta(days=1)


@tagged("post_install", "-at_install")
class TestAlertDemo(TransactionCase):
    """The demo's incidents, evaluated by the shipped rules at install, and the
    shipped SCC rule on the demo herd against figures computed from the records."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company, cls.day = demo_company_and_day(cls.env)
        cls.farms = cls.env["smart.dairy.farm"].search(
            [("company_id", "=", cls.company.id if cls.company else False)]
        )

    def setUp(self):
        super().setUp()
        if not self.day or not self.farms:
            self.skipTest("needs the demo data")

    def _open(self, xmlid, period_start, value=""):
        alerts = self.env["smart.dairy.alert"].search(
            [
                ("rule_id", "=", self.env.ref(xmlid).id),
                ("company_id", "=", self.company.id),
                ("period_start", "=", period_start),
                ("dimension_value", "=", value or False),
                ("state", "=", "open"),
            ]
        )
        self.assertEqual(len(alerts), 1, xmlid)
        managers = self.env.ref("smart_dairy_base.group_smart_dairy_analytics_manager")
        self.assertTrue(alerts.activity_ids, "the responsible group has a to-do")
        self.assertLessEqual(alerts.activity_ids.user_id, managers.all_user_ids)
        return alerts

    def test_incidents_raise_open_alerts_at_install(self):
        incidents = load_settings()["incidents"]
        farm = {farm.code: farm for farm in self.farms}
        yesterday = self.day - DAY
        scc = self._open(
            "smart_dairy_bi.rule_avg_scc", yesterday, str(farm[incidents["mastitis"]["farm"]].id)
        )
        self.assertGreater(scc.value, scc.kpi_id.warning_high)
        self._open("smart_dairy_bi.rule_production_below_target", yesterday)
        capacity = self._open(
            "smart_dairy_bi.rule_capacity_utilisation",
            yesterday,
            str(farm[incidents["shortfall"]["farm"]].id),
        )
        self.assertLess(capacity.value, capacity.kpi_id.warning_low)
        region = self.env.ref(load_settings()["regions"][incidents["sales_dip"]["region"]]["xmlid"])
        last_month = (self.day.replace(day=1) - DAY).replace(day=1)
        self._open(
            "smart_dairy_bi.rule_region_revenue_down_year_on_year", last_month, str(region.id)
        )
        # Odoo's own demo company has no farm and raises none of them.
        self.assertFalse(
            self.env["smart.dairy.alert"].search_count(
                [("company_id", "!=", self.company.id), ("kpi_id.category", "!=", "sales")]
            )
        )

    def test_scc_rule_on_demo_data(self):
        milkings = self.env["smart.dairy.milking"].search([("farm_id", "in", self.farms.ids)])
        last = self.day
        rule = self.env.ref("smart_dairy_bi.rule_avg_scc")
        rule.write({"lookback": 14, "auto_resolve": False})
        first = last - 13 * DAY
        self.env["smart.dairy.kpi.run"]._run(
            rule.kpi_id, "manual", commit=False, date_from=first, date_to=last
        )
        sums = defaultdict(lambda: [0.0, 0.0])
        for milking in milkings.filtered(lambda m: m.date >= first):
            key = (milking.company_id, str(milking.farm_id.id), milking.date)
            sums[key][0] += milking.scc * milking.volume
            sums[key][1] += milking.volume
        daily = {key: w / v for key, (w, v) in sums.items() if v}
        # Limits inside the demo herd's range, so that both severities occur.
        ranked = sorted(daily.values())
        # Midway between two observed values: no farm-day sits on a limit.
        mid, top = len(ranked) // 2, len(ranked) * 9 // 10
        warning = (ranked[mid] + ranked[mid + 1]) / 2
        critical = (ranked[top] + ranked[top + 1]) / 2
        rule.kpi_id.write({"warning_high": warning, "critical_high": critical})
        alerts = rule._evaluate(today=last + DAY)
        expected = set()
        for key, scc in daily.items():
            if scc > critical:
                expected.add((*key, "critical"))
            elif scc > warning:
                expected.add((*key, "warning"))
        self.assertTrue({"warning", "critical"} <= {item[-1] for item in expected})
        found = {(a.company_id, a.dimension_value, a.period_start, a.severity) for a in alerts}
        self.assertEqual(found, expected)
