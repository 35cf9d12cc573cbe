"""Issue 9, finding 1: an Analytics Manager of company A rewrites a schedule that
renders as the administrator so that company B's dashboard is mailed to them."""

from odoo import Command
from odoo.tests import tagged

from .common_attack import AttackCase

PAST = "2000-01-01 00:00:00"


@tagged("post_install", "-at_install")
class TestScheduleHijack(AttackCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        Dashboard = cls.env["smart.dairy.dashboard"]
        cls.open_dashboard = Dashboard.create({"name": "Open to all"})
        cls.finance_b = Dashboard.create(
            {"name": "Finance of B", "company_ids": [Command.set(cls.company_b.ids)]}
        )
        cls.boss = cls.env["res.partner"].create({"name": "Boss", "email": "boss@example.com"})
        Schedule = cls.env["smart.dairy.report.schedule"]
        cls.admin_schedule = Schedule.create(
            {
                "name": "Weekly for the boss",
                "company_id": cls.company_a.id,
                "user_id": cls.admin.id,
                "dashboard_id": cls.open_dashboard.id,
                "partner_ids": [Command.set(cls.boss.ids)],
            }
        )
        cls.own_schedule = Schedule.with_user(cls.analyst_a).create(
            {
                "name": "Mine",
                "dashboard_id": cls.open_dashboard.id,
                "partner_ids": [Command.set(cls.analyst_a.partner_id.ids)],
            }
        )

    def _unchanged(self, schedule, company, dashboard, partners):
        schedule.invalidate_recordset()
        self.assertEqual(schedule.company_id, company)
        self.assertEqual(schedule.dashboard_id, dashboard)
        self.assertEqual(schedule.partner_ids, partners)

    def test_hijack_of_a_schedule_rendered_as_admin_is_refused(self):
        response = self.call(
            self.analyst_a,
            "smart.dairy.report.schedule",
            "write",
            ids=self.admin_schedule.ids,
            vals={
                "partner_ids": [[6, 0, self.analyst_a.partner_id.ids]],
                "dashboard_id": self.finance_b.id,
                "company_id": self.company_b.id,
                "next_send": PAST,
            },
        )
        self.assertIn(response.status_code, (403, 422), response.text)
        self.assertIn("message", response.json())
        self._unchanged(self.admin_schedule, self.company_a, self.open_dashboard, self.boss)
        # Nothing is due, so the cron mails nothing to the attacker.
        self.env["smart.dairy.report.schedule"]._cron_send_due(commit=False)
        mails = self.env["mail.mail"].search([("model", "=", "smart.dairy.report.schedule")])
        self.assertNotIn(self.analyst_a.partner_id, mails.recipient_ids)

    def test_recipients_of_someone_elses_schedule_stay_theirs(self):
        response = self.call(
            self.analyst_a,
            "smart.dairy.report.schedule",
            "write",
            ids=self.admin_schedule.ids,
            vals={"partner_ids": [[4, self.analyst_a.partner_id.id]]},
        )
        self.assertRefused(response, 422)
        self._unchanged(self.admin_schedule, self.company_a, self.open_dashboard, self.boss)
        # Sending it now mails what the administrator chose, to whom they chose.
        send = self.call(
            self.analyst_a, "smart.dairy.report.schedule", "action_send_now",
            ids=self.admin_schedule.ids,
        )  # fmt: skip
        self.assertEqual(send.status_code, 200, send.text)
        log = self.admin_schedule.log_ids
        self.assertEqual(log.state, "sent", log.error)
        self.assertEqual(log.mail_id.recipient_ids, self.boss)

    def test_own_schedule_cannot_move_to_another_company(self):
        response = self.call(
            self.analyst_a,
            "smart.dairy.report.schedule",
            "write",
            ids=self.own_schedule.ids,
            vals={"company_id": self.company_b.id},
        )
        self.assertIn(response.status_code, (403, 422), response.text)
        self.assertIn("message", response.json())
        self._unchanged(
            self.own_schedule, self.company_a, self.open_dashboard, self.analyst_a.partner_id
        )

    def test_other_company_cannot_touch_or_send(self):
        for method, params in (
            ("write", {"vals": {"name": "Mine now"}}),
            ("action_send_now", {}),
        ):
            response = self.call(
                self.analyst_b, "smart.dairy.report.schedule", method,
                ids=self.own_schedule.ids, **params,
            )  # fmt: skip
            self.assertRefused(response, 403)
        self.assertEqual(self.own_schedule.name, "Mine")
        self.assertFalse(self.own_schedule.log_ids)

    def test_owners_and_admin_still_manage_their_schedules(self):
        response = self.call(
            self.analyst_a,
            "smart.dairy.report.schedule",
            "write",
            ids=self.own_schedule.ids,
            vals={"name": "Mine, renamed"},
        )
        self.assertEqual(response.status_code, 200, response.text)
        self.assertEqual(self.own_schedule.name, "Mine, renamed")
        # Taking a schedule over means rendering it with one's own rights.
        response = self.call(
            self.analyst_a,
            "smart.dairy.report.schedule",
            "write",
            ids=self.admin_schedule.ids,
            vals={"user_id": self.analyst_a.id, "name": "Taken over"},
        )
        self.assertEqual(response.status_code, 200, response.text)
        self.assertEqual(self.admin_schedule.user_id, self.analyst_a)
        plain = self.call(
            self.user_a, "smart.dairy.report.schedule", "action_send_now",
            ids=self.own_schedule.ids,
        )  # fmt: skip
        self.assertRefused(plain, 403)
