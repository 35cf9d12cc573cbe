import datetime as dt

from odoo.exceptions import AccessError
from odoo.tests import TransactionCase, new_test_user, tagged

from .common import IotFleetMixin

NOW = dt.datetime(2026, 3, 10, 12, 0)


@tagged("post_install", "-at_install")
class TestFleetHealth(IotFleetMixin, TransactionCase):
    """The alerts cron writes each company's fleet health of the day, which the IoT
    Operations dashboard's status, battery and rejection figures read."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._fleet()
        cls.Device = cls.env["smart.dairy.iot.device"].with_context(smart_dairy_iot_now=NOW)
        cls.Health = cls.env["smart.dairy.iot.health"]
        # A: tank offline, collar degraded, meter online on a low battery, gateway never seen
        cls.tank_a.sudo().write({"last_seen": NOW - dt.timedelta(hours=2), "battery": 80.0})
        cls.collar_a.sudo().write({"last_seen": NOW - dt.timedelta(minutes=10), "battery": 15.0})
        cls.meter_a.sudo().write({"last_seen": NOW - dt.timedelta(minutes=1), "battery": 9.5})
        # B: one tank online that never reported a battery
        cls.tank_b.sudo().write({"last_seen": NOW - dt.timedelta(minutes=1)})

    def _row(self, company):
        return self.Health.search([("company_id", "=", company.id), ("date", "=", NOW.date())])

    def test_devices_by_status_and_low_batteries_per_company(self):
        self.Device._cron_raise_alerts(commit=False)
        a, b = self._row(self.company_a), self._row(self.company_b)
        self.assertEqual(
            (a.devices, a.online, a.degraded, a.offline, a.low_battery), (3, 1, 1, 1, 1)
        )
        self.assertEqual(
            (b.devices, b.online, b.degraded, b.offline, b.low_battery), (1, 1, 0, 0, 0)
        )
        self.assertEqual(a.checked_at, NOW)

    def test_a_later_check_rewrites_the_day(self):
        self.Device._cron_raise_alerts(commit=False)
        self.meter_a.sudo().write({"last_seen": NOW - dt.timedelta(hours=3)})
        later = NOW + dt.timedelta(minutes=5)
        self.Device.with_context(smart_dairy_iot_now=later)._cron_raise_alerts(commit=False)
        row = self._row(self.company_a)
        self.assertEqual(len(row), 1)
        self.assertEqual((row.offline, row.checked_at), (2, later))

    def test_the_fact_and_the_kpi_show_the_row(self):
        self.Device._cron_raise_alerts(commit=False)
        self.env.flush_all()
        fact = self.env["smart.dairy.fact.iot.health"].with_user(self.manager_a)
        self.assertEqual(fact.search([]).company_id, self.company_a)
        self.assertEqual(fact.search([("date", "=", NOW.date())]).offline, 1)
        kpis = self.env["smart.dairy.kpi"].search([("code", "like", "IOT_DEVICES_%")])
        self.env["smart.dairy.kpi.run"]._run(
            kpis, "manual", commit=False, date_from=NOW.date(), date_to=NOW.date()
        )
        values = (
            self.env["smart.dairy.kpi"]
            .with_user(self.manager_a)
            .get_values(
                ["IOT_DEVICES_ONLINE", "IOT_DEVICES_DEGRADED", "IOT_DEVICES_OFFLINE"],
                "day",
                NOW.date(),
                NOW.date(),
            )
        )
        self.assertEqual([values[code]["points"][0]["value"] for code in sorted(values)], [1, 1, 1])

    def test_refused_without_a_smart_dairy_group(self):
        self.Device._cron_raise_alerts(commit=False)
        outsider = new_test_user(self.env, "iot_health_outsider", groups="base.group_user")
        for model in ("smart.dairy.iot.health", "smart.dairy.fact.iot.health"):
            with self.assertRaises(AccessError):
                self.env[model].with_user(outsider).search([])
        with self.assertRaises(AccessError):
            self._row(self.company_a).with_user(self.manager_a).write({"offline": 0})
        self.assertFalse(
            self.Health.with_user(self.manager_b).search([("company_id", "=", self.company_a.id)])
        )
