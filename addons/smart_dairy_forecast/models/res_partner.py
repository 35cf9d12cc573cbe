from odoo import api, fields, models
from odoo.exceptions import AccessError

from odoo.addons.smart_dairy_base.models.smart_dairy_access_mixin import USER_GROUP

from .smart_dairy_customer_score import RISKS, STAGES

# Partner field -> score field, for the current company's score shown on the form.
SCORE_FIELDS = {
    "dairy_segment_action": "action",
    "dairy_rfm_code": "rfm_code",
    "dairy_stage": "stage",
    "dairy_cluster_id": "cluster_id",
    "dairy_health": "health",
    "dairy_churn_probability": "churn_probability",
    "dairy_risk_level": "risk_level",
    "dairy_churn_factors": "churn_factors",
    "dairy_score_currency_id": "currency_id",
    "dairy_revenue_at_risk": "revenue_at_risk",
    "dairy_expected_value": "expected_value",
    "dairy_score_date": "score_date",
}


def _score_field(field_type, string, **kwargs):
    return field_type(string=string, compute="_compute_dairy_score_id", groups=USER_GROUP, **kwargs)


class ResPartner(models.Model):
    _inherit = "res.partner"

    dairy_score_id = _score_field(
        fields.Many2one,
        "Current Customer Score",
        comodel_name="smart.dairy.customer.score",
        help="The customer's latest score in the current company.",
    )
    dairy_score_count = _score_field(fields.Integer, "Customer Scores")
    dairy_segment_action = _score_field(fields.Char, "Recommended Action")
    dairy_rfm_code = _score_field(fields.Char, "RFM")
    dairy_stage = _score_field(
        fields.Selection, "Lifecycle Stage", selection=STAGES, search="_search_dairy_stage"
    )
    dairy_cluster_id = _score_field(
        fields.Many2one, "Cluster", comodel_name="smart.dairy.customer.cluster"
    )
    dairy_health = _score_field(fields.Float, "Health Score", digits=(5, 1))
    dairy_churn_probability = _score_field(fields.Float, "Churn Probability")
    dairy_risk_level = _score_field(
        fields.Selection, "Churn Risk", selection=RISKS, search="_search_dairy_risk_level"
    )
    dairy_churn_factors = _score_field(fields.Text, "Top Churn Factors")
    dairy_score_currency_id = _score_field(
        fields.Many2one, "Score Currency", comodel_name="res.currency"
    )
    dairy_revenue_at_risk = _score_field(
        fields.Monetary, "Revenue at Risk", currency_field="dairy_score_currency_id"
    )
    dairy_expected_value = _score_field(
        fields.Monetary, "Expected 12-Month Value", currency_field="dairy_score_currency_id"
    )
    dairy_score_date = _score_field(fields.Date, "Scored On")

    @api.depends_context("company")
    def _compute_dairy_score_id(self):
        Score = self.env["smart.dairy.customer.score"]
        company = self.env.company
        partners = self.filtered("id")
        current = Score.search(
            [
                ("partner_id", "in", partners.ids),
                ("company_id", "=", company.id),
                ("is_current", "=", True),
            ]
        )
        by_partner = {score.partner_id.id: score for score in current}
        counts = dict(
            Score._read_group(
                [("partner_id", "in", partners.ids), ("company_id", "=", company.id)],
                ["partner_id"],
                ["__count"],
            )
        )
        for partner in self:
            score = by_partner.get(partner.id, Score)
            partner.dairy_score_id = score
            partner.dairy_score_count = counts.get(partner, 0)
            for name, source in SCORE_FIELDS.items():
                partner[name] = score[source] if score else False

    def _search_dairy_stage(self, operator, value):
        return self._search_current_score("stage", operator, value)

    def _search_dairy_risk_level(self, operator, value):
        return self._search_current_score("risk_level", operator, value)

    def _search_current_score(self, source, operator, value):
        """Partners whose current score in the current company has ``source`` among
        ``value`` (the ORM negates for "not in"; no score is no value)."""
        if operator != "in" or False in value:
            return NotImplemented
        scores = self.env["smart.dairy.customer.score"].search(
            [
                ("company_id", "=", self.env.company.id),
                ("is_current", "=", True),
                (source, "in", list(value)),
            ]
        )
        return [("id", "in", scores.partner_id.ids)]

    def action_open_dairy_scores(self):
        """The customer's score history in the current company (Smart Dairy User)."""
        if not self.env.user.has_group(USER_GROUP):
            raise AccessError(self.env._("Only Smart Dairy users may open customer scores."))
        self.check_access("read")
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "smart_dairy_forecast.action_smart_dairy_customer_score"
        )
        action["domain"] = [("partner_id", "in", self.ids)]
        action["context"] = {"search_default_current": 0}
        return action
