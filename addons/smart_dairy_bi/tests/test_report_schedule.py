import base64
import datetime
from unittest.mock import patch

from odoo import Command, fields
from odoo.exceptions import AccessError
from odoo.tests import tagged

from ..models.smart_dairy_report_schedule import next_occurrence
from .test_dashboard_export import ExportCase

SCHEDULE_LOGGER = "odoo.addons.smart_dairy_bi.models.smart_dairy_report_schedule"


@tagged("post_install", "-at_install")
class TestReportSchedule(ExportCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Schedule = cls.env["smart.dairy.report.schedule"]
        cls.boss = cls.env["res.partner"].create({"name": "Boss", "email": "boss@example.com"})
        cls.accountant = cls.env["res.partner"].create(
            {"name": "Accountant", "email": "books@example.com"}
        )

    def schedule(self, **values):
        return self.Schedule.create(
            {
                "name": "Weekly milk",
                "dashboard_id": self.dashboard.id,
                "company_id": self.company_a.id,
                "user_id": self.user.id,
                "partner_ids": [Command.set((self.boss | self.accountant).ids)],
                "frequency": "weekly",
                "weekday": "0",
                "hour": 7,
                **values,
            }
        )

    def test_next_occurrence_by_frequency(self):
        wednesday = datetime.datetime(2025, 1, 29, 9, 30)
        self.assertEqual(next_occurrence(wednesday, "daily", 7), datetime.datetime(2025, 1, 30, 7))
        self.assertEqual(
            next_occurrence(wednesday, "daily", 10), datetime.datetime(2025, 1, 29, 10)
        )
        self.assertEqual(
            next_occurrence(wednesday, "weekly", 7, weekday=0), datetime.datetime(2025, 2, 3, 7)
        )
        self.assertEqual(
            next_occurrence(wednesday, "weekly", 10, weekday=2),
            datetime.datetime(2025, 1, 29, 10),
        )
        self.assertEqual(
            next_occurrence(wednesday, "weekly", 9, weekday=2), datetime.datetime(2025, 2, 5, 9)
        )
        # the 31st falls back to the last day of shorter months
        self.assertEqual(
            next_occurrence(wednesday, "monthly", 7, month_day=31),
            datetime.datetime(2025, 1, 31, 7),
        )
        self.assertEqual(
            next_occurrence(datetime.datetime(2025, 1, 31, 8), "monthly", 7, month_day=31),
            datetime.datetime(2025, 2, 28, 7),
        )
        self.assertEqual(
            next_occurrence(datetime.datetime(2025, 12, 15), "monthly", 7, month_day=1),
            datetime.datetime(2026, 1, 1, 7),
        )

    def test_next_send_is_computed_in_the_users_time_zone(self):
        self.user.tz = "Asia/Tokyo"  # UTC+9, no daylight saving
        now = datetime.datetime(2025, 1, 29, 12, 0)  # 21:00 in Tokyo, a Wednesday
        with patch.object(fields.Datetime, "now", return_value=now):
            schedule = self.schedule()
            self.assertEqual(schedule.next_send, datetime.datetime(2025, 2, 2, 22, 0))
            schedule.write({"frequency": "daily", "hour": 22})
            self.assertEqual(schedule.next_send, datetime.datetime(2025, 1, 29, 13, 0))

    def test_plain_word_validation(self):
        with self.assertRefused("weekly schedule needs the weekday"):
            self.schedule(weekday=False)
        with self.assertRefused("monthly schedule needs a day of the month from 1 to 31"):
            self.schedule(frequency="monthly", month_day=0)
        with self.assertRefused("sending hour must be from 0 to 23"):
            self.schedule(hour=24)
        with self.assertRefused("Add at least one recipient to Weekly milk"):
            self.schedule(partner_ids=[])
        nomail = self.env["res.partner"].create({"name": "No Mail"})
        with self.assertRefused("No Mail have no email address"):
            self.schedule(partner_ids=[Command.set(nomail.ids)])
        with self.assertRefused("does not work in Dairy B"):
            self.schedule(company_id=self.company_b.id)
        self.dashboard.group_ids = self.env.ref("smart_dairy_base.group_smart_dairy_farm_manager")
        with self.assertRefused("cannot open dashboard Export test"):
            self.schedule()

    def test_only_analytics_managers_manage_schedules_in_their_companies(self):
        schedule = self.schedule()
        other = self.schedule(
            name="B", company_id=self.company_b.id, user_id=self.user_b.id, farm_ids=[]
        )
        with self.assertRaises(AccessError):
            self.Schedule.with_user(self.user).search([])
        as_analyst = self.Schedule.with_user(self.analyst)
        self.assertEqual(as_analyst.search([("id", "in", (schedule | other).ids)]), schedule)
        mine = as_analyst.create(
            {
                "name": "Mine",
                "dashboard_id": self.dashboard.id,
                "partner_ids": [Command.set(self.boss.ids)],
            }
        )
        self.assertEqual(mine.user_id, self.analyst)
        self.assertEqual(mine.company_id, self.company_a)
        with self.assertRefused("only an administrator may set or change a schedule"):
            mine.user_id = self.user

    def test_cron_sends_due_schedules_logs_failures_and_moves_on(self):
        ok = self.schedule(region_ids=[], farm_ids=[Command.set(self.farm_a.ids)])
        broken = self.schedule(name="Broken")
        later = self.schedule(name="Later")
        past = fields.Datetime.now() - datetime.timedelta(hours=1)
        (ok | broken).next_send = past
        later_send = later.next_send
        # Broken: its user lost access to the dashboard since the schedule was made.
        restricted = self.dashboard.copy({"name": "Restricted"})
        broken.dashboard_id = restricted
        restricted.group_ids = self.env.ref("smart_dairy_base.group_smart_dairy_farm_manager")
        mails_before = self.env["mail.mail"].search([])

        with self.assertLogs(SCHEDULE_LOGGER, "WARNING"):
            self.Schedule._cron_send_due(commit=False)

        self.assertEqual(len(ok.log_ids), 1)
        log = ok.log_ids
        self.assertEqual(log.state, "sent")
        self.assertEqual(log.partner_ids, self.boss | self.accountant)
        mail = self.env["mail.mail"].search([]) - mails_before
        self.assertEqual(len(mail), 1)
        self.assertEqual(log.mail_id, mail)
        self.assertEqual(mail.recipient_ids, self.boss | self.accountant)
        self.assertIn("Weekly milk", mail.subject)
        self.assertEqual(mail.attachment_ids, log.attachment_id)
        self.assertTrue(log.attachment_id.name.endswith(".xlsx"))
        book = self.book(base64.b64decode(log.attachment_id.datas))
        summary = book["Summary"]
        week_start = (self.today - datetime.timedelta(days=6)).isoformat()
        self.assertEqual(
            self.row_of(summary, "Period")[1].value,
            f"{week_start} to {self.today.isoformat()} (last 7 days)",
        )
        self.assertEqual(self.row_of(summary, "Milk")[2].value, 120.0)
        self.assertTrue(ok.last_sent)
        self.assertGreater(ok.next_send, fields.Datetime.now())

        self.assertEqual(broken.log_ids.state, "failed")
        self.assertIn("not shared with you", broken.log_ids.error)
        self.assertFalse(broken.log_ids.attachment_id)
        self.assertFalse(broken.last_sent)
        self.assertGreater(broken.next_send, fields.Datetime.now())
        self.assertIn("could not be sent", broken.message_ids[0].body)

        self.assertFalse(later.log_ids)
        self.assertEqual(later.next_send, later_send)

    def test_schedule_renders_as_its_user_in_its_company(self):
        schedule = self.schedule(
            name="Dairy B",
            company_id=self.company_b.id,
            user_id=self.user_b.id,
            fmt="pdf",
        )
        log = schedule._send_logged()
        self.assertEqual(log.state, "sent", log.error)
        self.assertEqual(log.attachment_id.mimetype, "application/pdf")
        html = base64.b64decode(log.attachment_id.datas).decode()
        self.assertIn("44 L", html)  # 2 cows x 2 milkings x 11 L in company B
        self.assertIn("Farm FB", html)
        self.assertNotIn("Farm FA", html)

    def test_send_now_keeps_the_planned_sending(self):
        schedule = self.schedule()
        planned = schedule.next_send
        action = schedule.with_user(self.analyst).action_send_now()
        self.assertEqual(action["params"]["type"], "success")
        self.assertEqual(schedule.log_ids.state, "sent")
        self.assertEqual(schedule.next_send, planned)
        restricted = self.dashboard.copy({"name": "Restricted"})
        schedule.dashboard_id = restricted
        restricted.group_ids = self.env.ref("smart_dairy_base.group_smart_dairy_farm_manager")
        with self.assertLogs(SCHEDULE_LOGGER, "WARNING"):
            action = schedule.action_send_now()
        self.assertEqual(action["params"]["type"], "danger")
        self.assertIn("not shared with you", action["params"]["message"])
