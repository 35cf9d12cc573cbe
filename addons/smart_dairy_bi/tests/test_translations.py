from odoo.tests import TransactionCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestTranslations(TransactionCase):
    """The addon ships its template and a French translation: a French user reads the
    dashboards in French, from the menus to the widget titles."""

    def test_a_french_user_reads_the_dashboard_in_french(self):
        self.env["res.lang"]._activate_lang("fr_FR")
        self.env["ir.module.module"]._load_module_terms(["smart_dairy_bi"], ["fr_FR"])
        user = new_test_user(
            self.env, "sd_french_analyst", lang="fr_FR",
            groups="base.group_user,smart_dairy_base.group_smart_dairy_analytics_manager",
        )  # fmt: skip
        farm = self.env.ref("smart_dairy_bi.dashboard_farm")
        # the web client sends the user's language in the context of every call
        Dashboard = self.env["smart.dairy.dashboard"].with_user(user).with_context(lang=user.lang)
        data = Dashboard.get_dashboard_data(farm.id)
        self.assertEqual(data["dashboard"]["name"], "Exploitation")
        titles = {widget["title"] for widget in data["widgets"]}
        self.assertIn("Litres par jour et par ferme", titles)
        self.assertIn("Alimentation", titles)
        menu = self.env.ref("smart_dairy_bi.menu_smart_dairy_dashboard_farm")
        self.assertEqual(menu.with_context(lang="fr_FR").name, "Exploitation")
        # English stays English
        self.assertEqual(farm.with_context(lang="en_US").name, "Farm Operations")
