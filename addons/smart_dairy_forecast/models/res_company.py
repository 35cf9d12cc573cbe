from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ResCompany(models.Model):
    _inherit = "res.company"

    dairy_rfm_window_days = fields.Integer(
        string="RFM Window (days)",
        default=365,
        help="Recency, frequency and monetary value are measured over the orders of this "
        "many days before the scoring day.",
    )
    dairy_churn_medium_from = fields.Float(
        string="Medium Churn Risk From",
        default=0.3,
        digits=(3, 2),
        help="Churn probability (0 to 1) from which a customer's risk is medium.",
    )
    dairy_churn_high_from = fields.Float(
        string="High Churn Risk From",
        default=0.6,
        digits=(3, 2),
        help="Churn probability (0 to 1) from which a customer's risk is high.",
    )
    dairy_churn_alert_revenue = fields.Monetary(
        string="Alert Above Revenue at Risk",
        currency_field="currency_id",
        default=1000.0,
        help="A high-risk customer whose revenue at risk (churn probability times the "
        "revenue of the last 12 months) reaches this amount gets an activity for their "
        "salesperson and an alert.",
    )
    dairy_customer_clustering = fields.Boolean(
        string="Customer Clusters",
        help="The daily scoring also groups the customers by K-means on their recency, "
        "frequency and monetary value, records the clustering with its silhouette score, "
        "and puts each customer's cluster on their score.",
    )
    dairy_customer_clusters = fields.Integer(
        string="Number of Clusters",
        default=0,
        help="0 chooses the number (2 to 8) with the best silhouette score.",
    )

    @api.constrains(
        "dairy_rfm_window_days",
        "dairy_customer_clusters",
        "dairy_churn_medium_from",
        "dairy_churn_high_from",
        "dairy_churn_alert_revenue",
    )
    def _check_dairy_customer_settings(self):
        for company in self:
            if company.dairy_rfm_window_days <= 0:
                raise ValidationError(self.env._("The RFM window must be at least one day."))
            if not 0 <= company.dairy_churn_medium_from <= company.dairy_churn_high_from <= 1:
                raise ValidationError(
                    self.env._(
                        "Churn risk thresholds are probabilities from 0 to 1, and the high "
                        "risk one cannot be below the medium risk one."
                    )
                )
            if company.dairy_customer_clusters and not 2 <= company.dairy_customer_clusters <= 20:
                raise ValidationError(
                    self.env._("The number of customer clusters is 0 (automatic) or 2 to 20.")
                )
            if company.dairy_churn_alert_revenue < 0:
                raise ValidationError(
                    self.env._("The revenue at risk that raises an alert cannot be negative.")
                )
