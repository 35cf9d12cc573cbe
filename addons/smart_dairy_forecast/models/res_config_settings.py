from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    dairy_rfm_window_days = fields.Integer(
        related="company_id.dairy_rfm_window_days", readonly=False
    )
    dairy_churn_medium_from = fields.Float(
        related="company_id.dairy_churn_medium_from", readonly=False
    )
    dairy_churn_high_from = fields.Float(related="company_id.dairy_churn_high_from", readonly=False)
    dairy_churn_alert_revenue = fields.Monetary(
        related="company_id.dairy_churn_alert_revenue", readonly=False
    )
    dairy_customer_clustering = fields.Boolean(
        related="company_id.dairy_customer_clustering", readonly=False
    )
    dairy_customer_clusters = fields.Integer(
        related="company_id.dairy_customer_clusters", readonly=False
    )
