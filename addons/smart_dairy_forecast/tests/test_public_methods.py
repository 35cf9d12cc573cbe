"""Every public method of the forecast addon is an API (JSON-2): each is listed here
with who may call it, so a new one cannot slip in unreviewed (as smart_dairy_bi does)."""

from odoo.tests import TransactionCase, tagged

from odoo.addons.smart_dairy_base.tests.public_methods import public_methods

MODULE = "odoo.addons.smart_dairy_forecast."
AUDITED = {
    "res.partner": {"action_open_dairy_scores"},  # Smart Dairy User, partners they may read
    "smart.dairy.customer.score": {"action_rescore"},  # Analytics Manager, selected companies
    "smart.dairy.forecast.config": {
        "action_run",  # Analytics Manager, configurations they may write
        "action_open_lines",  # Smart Dairy User, configurations they may read
        "action_open_forecast",  # the same
    },
    "product.product": {"action_open_dairy_forecast"},  # Smart Dairy User, products they read
    "product.template": {"action_open_dairy_forecast"},  # the same, through their variants
    "smart.dairy.farm": {"action_open_forecast"},  # Smart Dairy User, farms they may read
    "smart.dairy.replenishment": {"action_apply"},  # Inventory User, suggestions they may read
}


@tagged("post_install", "-at_install")
class TestPublicMethods(TransactionCase):
    def test_every_public_method_of_the_addon_is_audited(self):
        self.assertEqual(public_methods(self.env, MODULE), AUDITED)
        guarded = self.env.registry["smart.dairy.access.mixin"]._inherit_children
        self.assertIn("smart.dairy.forecast.config", guarded)
