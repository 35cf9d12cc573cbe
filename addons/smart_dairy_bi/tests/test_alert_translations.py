import datetime

from babel.dates import format_date as babel_date

from odoo import Command
from odoo.tests import new_test_user, tagged

from ..models.localised_format import format_number, period_label, period_moment
from .common import KpiCase


@tagged("post_install", "-at_install")
class TestAlertTranslations(KpiCase):
    """An alert reads in its reader's language: the form and list, the activity of
    the responsible person and the mail to each recipient."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("fr_FR")
        cls.env["ir.module.module"]._load_module_terms(["smart_dairy_bi"], ["fr_FR"])
        cls.french = new_test_user(
            cls.env, "sd_french_manager", lang="fr_FR", email="fr@example.com",
            groups="base.group_user,smart_dairy_base.group_smart_dairy_analytics_manager",
            company_ids=[Command.set(cls.company_a.ids)], company_id=cls.company_a.id,
        )  # fmt: skip
        cls.user.partner_id.write({"email": "en@example.com", "lang": "en_US"})
        cls.production = cls.Kpi.search([("code", "=", "PRODUCTION")])

    def raise_alert(self, **values):
        self.materialise(["PRODUCTION"])
        rule = self.env["smart.dairy.alert.rule"].create(
            {
                "name": "Production above 50 L",
                "kpi_id": self.production.id,
                "grain": "day",
                "company_id": self.company_a.id,
                "condition": "threshold",
                "operator": ">",
                "threshold": 50.0,
                **values,
            }
        )
        tomorrow = self.today + datetime.timedelta(days=1)
        return rule._evaluate(companies=self.company_a, today=tomorrow)

    def day_in(self, locale, day=None):
        return babel_date(day or self.today, "d MMMM y", locale=locale)

    def test_each_reader_sees_the_alert_in_their_language(self):
        alert = self.raise_alert(user_id=self.french.id)
        english = f"Production Volume was 120 L on {self.day_in('en')}, above 50 L."
        self.assertEqual(alert.message, english)  # stored in English, for search
        self.assertEqual(alert.message_data["kind"], "threshold")
        as_english = alert.with_user(self.analyst).with_context(lang="en_US")
        self.assertEqual(as_english.message_display, english)
        self.assertEqual(as_english.display_name, f"Production Volume: {self.today.isoformat()}")
        kpi_fr = self.production.with_context(lang="fr_FR").name
        as_french = alert.with_user(self.french).with_context(lang="fr_FR")
        self.assertEqual(
            as_french.message_display,
            f"{kpi_fr} était de 120 L le {self.day_in('fr')}, au-dessus de 50 L.",
        )
        self.assertEqual(as_french.display_name, f"{kpi_fr} : {self.today.isoformat()}")
        self.assertEqual(as_french.expected_display, "au plus 50 L")

    def test_activity_and_mails_follow_each_recipients_language(self):
        alert = self.raise_alert(
            user_id=self.french.id, channel_email=True,
            partner_ids=[Command.set(self.user.partner_id.ids)],
        )  # fmt: skip
        kpi_fr = self.production.with_context(lang="fr_FR").name
        french_text = f"{kpi_fr} était de 120 L le {self.day_in('fr')}, au-dessus de 50 L."
        activity = alert.activity_ids
        self.assertEqual(activity.user_id, self.french)
        self.assertEqual(activity.summary, f"{kpi_fr} : {self.today.isoformat()}")
        self.assertIn(french_text, activity.note)
        mails = self.env["mail.mail"].search(
            [("model", "=", alert._name), ("res_id", "=", alert.id), ("subject", "!=", False)]
        )
        french_mail = mails.filtered(lambda m: "Gravité : Avertissement" in m.body_html)
        english_mail = mails.filtered(lambda m: "Severity: Warning" in m.body_html)
        self.assertEqual(french_mail.recipient_ids, self.french.partner_id)
        self.assertEqual(english_mail.recipient_ids, self.user.partner_id)
        self.assertIn(french_text, french_mail.body_html)
        self.assertEqual(french_mail.subject, f"{kpi_fr} : {self.today.isoformat()}")
        self.assertIn(alert.message, english_mail.body_html)
        self.assertEqual(english_mail.subject, alert.name)
        # followers in two languages: one note each, to those who read it
        previews = alert.message_ids.mapped("preview")
        self.assertIn(french_text, previews)
        self.assertIn(alert.message, previews)

    def test_periods_and_numbers_in_french(self):
        fr, en = self.env(context={"lang": "fr_FR"}), self.env(context={"lang": "en_US"})
        march = datetime.date(2025, 3, 1)
        self.assertEqual(period_label(fr, march, "month"), "mars 2025")
        self.assertEqual(period_label(en, march, "month"), "Mar 2025")
        self.assertEqual(period_label(fr, march, "day"), "2025-03-01")
        self.assertEqual(period_moment(fr, march, "month"), "en mars 2025")
        self.assertEqual(period_moment(fr, march, "week"), "la semaine du 1 mars 2025")
        self.assertEqual(period_moment(en, march, "quarter"), "in Q1 2025")
        self.assertEqual(format_number(fr, 18.25, "L"), "18,2 L")
        self.assertEqual(format_number(en, 1234567.8), "1,234,568")

    def test_dashboard_periods_in_french(self):
        farm = self.env.ref("smart_dairy_bi.dashboard_farm")
        filters = {"preset": "custom", "date_from": "2025-01-01", "date_to": "2025-06-30"}
        Dashboard = self.env["smart.dairy.dashboard"].with_user(self.french)
        labels = set()
        for lang in ("fr_FR", "en_US"):
            data = Dashboard.with_context(lang=lang).get_dashboard_data(farm.id, filters)
            labels |= {
                label for widget in data["widgets"] for label in widget["data"].get("labels", [])
            }
        self.assertIn("mars 2025", labels)
        self.assertIn("Mar 2025", labels)
