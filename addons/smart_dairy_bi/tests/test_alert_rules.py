import datetime
from collections import defaultdict

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import tagged

from .common import KpiCase

DAY = datetime.timedelta(days=1)


@tagged("post_install", "-at_install")
class TestAlertRules(KpiCase):
    """Rules raise, update and resolve alerts where the values say so."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Rule = cls.env["smart.dairy.alert.rule"]
        cls.Alert = cls.env["smart.dairy.alert"]
        cls.companies = cls.company_a | cls.company_b
        cls.scc_rule = cls.env.ref("smart_dairy_bi.rule_avg_scc")
        cls.production = cls.Kpi.search([("code", "=", "PRODUCTION")])

    def evaluate(self, rules, day):
        """Evaluate with ``day`` as the last closed period."""
        return rules._evaluate(companies=self.companies, today=day + DAY)

    def production_rule(self, **values):
        return self.Rule.create(
            {
                "name": "Production above 50 L",
                "kpi_id": self.production.id,
                "grain": "day",
                "company_id": self.company_a.id,
                "condition": "threshold",
                "operator": ">",
                "threshold": 50.0,
                "user_id": self.analyst.id,
                **values,
            }
        )

    def test_limits_rule_fires_where_the_milkings_say(self):
        self.materialise(["AVG_SCC"])
        self.evaluate(self.scc_rule, self.today)
        # Independent: volume-weighted SCC per farm from the milking records.
        sums = defaultdict(lambda: [0.0, 0.0])
        for milking in self.milkings_a | self.milkings_b:
            sums[milking.farm_id][0] += milking.scc * milking.volume
            sums[milking.farm_id][1] += milking.volume
        expected = set()
        for farm, (weighted, volume) in sums.items():
            scc = weighted / volume
            if scc > 400_000:
                expected.add((farm.company_id, str(farm.id), "critical"))
            elif scc > 300_000:
                expected.add((farm.company_id, str(farm.id), "warning"))
        alerts = self.Alert.search(
            [("rule_id", "=", self.scc_rule.id), ("company_id", "in", self.companies.ids)]
        )
        self.assertEqual({(a.company_id, a.dimension_value, a.severity) for a in alerts}, expected)
        self.assertEqual(expected, {(self.company_b, str(self.farm_b.id), "critical")})
        self.assertIn("Farm FB", alerts.message)
        self.assertIn("above the critical limit of 400,000", alerts.message)
        self.assertEqual(alerts.period_start, self.today)

    def test_reevaluation_opens_no_duplicates(self):
        self.materialise(["AVG_SCC"])
        first = self.evaluate(self.scc_rule, self.today)
        second = self.evaluate(self.scc_rule, self.today)
        self.assertEqual(first, second)
        ours = [("rule_id", "=", self.scc_rule.id), ("company_id", "in", self.companies.ids)]
        self.assertEqual(len(self.Alert.search(ours)), len(first))
        # Materialising again (the run evaluates every rule) still opens nothing new.
        self.materialise(["AVG_SCC"])
        self.evaluate(self.scc_rule, self.today)
        self.assertEqual(self.Alert.search(ours), first)

    def test_cooldown_and_auto_resolve(self):
        yesterday = self.today - DAY
        self._milk(self.cows_a, volume=5.0, scc=150_000, day=yesterday)  # 30 L: clear
        self._milk(self.cows_a, volume=20.0, scc=150_000, day=yesterday - DAY)  # 120 L
        self.materialise(["PRODUCTION"])
        cooling = self.production_rule(cooldown_hours=24, auto_resolve=False)
        self.evaluate(cooling, yesterday - DAY)
        self.evaluate(cooling, self.today)  # 120 L today, but within the cooldown
        self.assertEqual(len(cooling.alert_ids), 1)
        self.assertEqual(cooling.alert_ids.state, "open")  # clear yesterday, no auto-resolve
        eager = self.production_rule(name="No cooldown")
        self.evaluate(eager, yesterday - DAY)
        alert = eager.alert_ids
        self.assertEqual(alert.value, 120.0)
        self.evaluate(eager, yesterday)  # 30 L: the condition cleared
        self.assertEqual(alert.state, "resolved")
        self.assertFalse(alert.resolved_by)
        self.assertFalse(alert.activity_ids)
        self.evaluate(eager, self.today)
        self.assertEqual(len(eager.alert_ids), 2)
        self.assertEqual(
            eager.alert_ids.filtered(lambda a: a.state == "open").period_start, self.today
        )

    def test_activity_lands_on_the_responsible_user(self):
        self.materialise(["PRODUCTION"])
        rule = self.production_rule(partner_ids=[Command.set(self.user.partner_id.ids)])
        alert = self.evaluate(rule, self.today)
        self.assertEqual(len(alert), 1)
        activity = self.env["mail.activity"].search(
            [("res_model", "=", "smart.dairy.alert"), ("res_id", "=", alert.id)]
        )
        self.assertEqual(activity.user_id, self.analyst)
        mine = (
            self.env["mail.activity"]
            .with_user(self.analyst)
            .search([("user_id", "=", self.analyst.id)])
        )
        self.assertIn(activity, mine)
        self.assertIn(self.user.partner_id, alert.message_partner_ids)
        self.assertIn(alert.message, alert.message_ids.mapped("preview"))
        alert.with_user(self.analyst).action_acknowledge()
        self.assertEqual((alert.state, alert.acknowledged_by), ("acknowledged", self.analyst))
        alert.with_user(self.analyst).action_resolve()
        self.assertEqual((alert.state, alert.resolved_by), ("resolved", self.analyst))
        self.assertFalse(alert.activity_ids)

    def test_group_email_and_test_wizard(self):
        self.materialise(["PRODUCTION"])
        group = self.env.ref("smart_dairy_base.group_smart_dairy_analytics_manager")
        rule = self.production_rule(
            user_id=False, group_id=group.id, channel_email=True,
            partner_ids=[Command.set(self.user.partner_id.ids)],
        )  # fmt: skip
        self.user.partner_id.email = "sd_user@example.com"
        alert = self.evaluate(rule, self.today)
        self.assertIn(self.analyst, alert.activity_ids.user_id)
        self.assertNotIn(self.user, alert.activity_ids.user_id)
        mails = self.env["mail.mail"].search(
            [("model", "=", alert._name), ("res_id", "=", alert.id)]
        )
        email = mails.filtered(lambda mail: "Severity: Warning" in mail.body_html)
        self.assertEqual(email.recipient_ids, self.user.partner_id)
        self.assertEqual(email.subject, alert.name)
        wizard = self.env["smart.dairy.alert.rule.test"].create(
            {"rule_id": rule.id, "company_id": self.company_a.id, "date_to": self.today}
        )
        wizard.action_run()
        self.assertEqual(wizard.fired_count, 1)
        self.assertIn("Production Volume was 120 L", wizard.result)

    def test_companies_and_unprivileged_users_see_only_their_alerts(self):
        key_a, key_b = "test:a", "test:b"
        alert_a = self.Alert._raise(key_a, {"name": "A", "company_id": self.company_a.id})
        alert_b = self.Alert._raise(key_b, {"name": "B", "company_id": self.company_b.id})
        mine = self.Alert.with_user(self.user).search([("dedup_key", "like", "test:")])
        self.assertEqual(mine, alert_a)
        theirs = self.Alert.with_user(self.user_b).search([("dedup_key", "like", "test:")])
        self.assertEqual(theirs, alert_b)
        with self.assertRaises(AccessError):
            self.Alert.with_user(self.outsider).search([])
        with self.assertRaises(AccessError):
            alert_b.with_user(self.user).read(["name"])

    def test_api_deduplicates_by_key(self):
        values = {"name": "Tank sensor offline", "source": "other", "severity": "warning",
                  "company_id": self.company_a.id, "user_id": self.user.id}  # fmt: skip
        alert = self.Alert._raise("iot:42", values)
        again = self.Alert._raise("iot:42", {**values, "severity": "critical", "value": 3.0})
        self.assertEqual(alert, again)
        self.assertEqual((alert.severity, alert.value), ("critical", 3.0))
        self.assertEqual(alert.activity_ids.user_id, self.user)
        self.assertEqual(self.Alert._resolve("iot:42", "Back online."), alert)
        self.assertEqual(alert.state, "resolved")
        self.assertFalse(self.Alert._resolve("iot:42"))
        self.assertNotEqual(self.Alert._raise("iot:42", values), alert)

    def test_dashboard_helper_lists_open_alerts_of_its_kpis(self):
        self.materialise(["AVG_SCC"])
        alert = self.evaluate(self.scc_rule, self.today)
        scc = self.scc_rule.kpi_id
        data = self.Alert.with_user(self.user_b)._open_alerts_for_kpis(scc)
        self.assertEqual([row["id"] for row in data["alerts"]], alert.ids)
        self.assertEqual(data["alerts"][0]["severity"], "critical")
        self.assertEqual(data["alerts"][0]["rule"], self.scc_rule.name)
        self.assertEqual(data["counts"], {"info": 0, "warning": 0, "critical": 1})
        # the counts cover every open alert, also those past the listed ones
        self.assertEqual(
            self.Alert.with_user(self.user_b)._open_alerts_for_kpis(scc, limit=0)["counts"],
            data["counts"],
        )
        self.assertFalse(self.Alert.with_user(self.user)._open_alerts_for_kpis(scc)["alerts"])
        other = self.Alert.with_user(self.user_b)._open_alerts_for_kpis(self.production)
        self.assertEqual((other["alerts"], sum(other["counts"].values())), ([], 0))

    def test_invalid_configurations_are_refused(self):
        with self.assertRefused("upper threshold greater than the lower"):
            self.production_rule(operator="between", threshold=10, threshold_high=5)
        with self.assertRefused("not computed by week"):
            self.production_rule(grain="week")
        with self.assertRefused("weekly pattern only applies to daily"):
            self.production_rule(condition="anomaly", grain="month", seasonal=True)
        with self.assertRefused("no breakdown by"):
            self.production_rule(dimension_id=self.env.ref("smart_dairy_bi.dimension_customer").id)
        with self.assertRefused("has no warning or critical limit"):
            self.production_rule(condition="limits")
        with self.assertRefused("at least 3 periods"):
            self.production_rule(condition="anomaly", window=2, min_history=2)
        # each message names the field it is about
        with self.assertRefused("^Periods Checked: .* at least one period"):
            self.production_rule(lookback=0)
        with self.assertRefused(r"^Cooldown \(hours\): .* zero hours or more"):
            self.production_rule(cooldown_hours=-1)
