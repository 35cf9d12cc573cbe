from odoo.tests import HttpCase, no_retry, tagged

from odoo.addons.smart_dairy_bi.tests.hoot import run_hoot


@tagged("post_install", "-at_install")
class TestForecastWidgetHoot(HttpCase):
    """The hoot unit tests of the forecast widget, the calibration curve and the
    forecast analysis graph."""

    @no_retry
    def test_hoot(self):
        run_hoot(self, "@smart_dairy_forecast", timeout=900)
