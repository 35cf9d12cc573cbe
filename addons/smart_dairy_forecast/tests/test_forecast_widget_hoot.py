from odoo.tests import HttpCase, no_retry, tagged

from odoo.addons.smart_dairy_bi.tests.test_dashboard_ui import _hoot_hash


@tagged("post_install", "-at_install")
class TestForecastWidgetHoot(HttpCase):
    """The hoot unit tests of the forecast widget."""

    @no_retry
    def test_hoot(self):
        suite = _hoot_hash("@smart_dairy_forecast")
        self.browser_js(
            f"/web/tests?headless&loglevel=2&preset=desktop&timeout=15000&id={suite}",
            "",
            "",
            login="admin",
            timeout=900,
            success_signal="[HOOT] Test suite succeeded",
            error_checker=lambda message: "[HOOT]" not in message,
        )
