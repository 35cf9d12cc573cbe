import datetime
from collections import defaultdict

from odoo.tests import TransactionCase, tagged

DAY = datetime.timedelta(days=1)


@tagged("post_install", "-at_install")
class TestAlertDemo(TransactionCase):
    """The shipped SCC rule on the demo herd fires on exactly the farm-days whose
    volume-weighted SCC, computed from the milking records, crosses its limits."""

    def test_scc_rule_on_demo_data(self):
        farms = self.env["smart.dairy.farm"].search([])
        milkings = self.env["smart.dairy.milking"].search([("farm_id", "in", farms.ids)])
        if not milkings:
            self.skipTest("needs the demo data")
        last = max(milkings.mapped("date"))
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
