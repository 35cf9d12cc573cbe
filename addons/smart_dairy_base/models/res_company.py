from smart_dairy.quality import GradeThresholds

from odoo import api, fields, models
from odoo.exceptions import ValidationError

GRADE_THRESHOLD_FIELDS = (
    "dairy_premium_max_scc",
    "dairy_premium_min_fat",
    "dairy_premium_min_protein",
    "dairy_grade_a_max_scc",
    "dairy_grade_b_max_scc",
)


class ResCompany(models.Model):
    _inherit = "res.company"

    dairy_premium_max_scc = fields.Integer(
        string="Premium: Max SCC",
        default=200000,
        help="Highest somatic cell count (cells/mL) still graded Premium.",
    )
    dairy_premium_min_fat = fields.Float(
        string="Premium: Min Fat (%)",
        default=3.8,
        digits=(4, 2),
        help="Lowest fat content still graded Premium.",
    )
    dairy_premium_min_protein = fields.Float(
        string="Premium: Min Protein (%)",
        default=3.2,
        digits=(4, 2),
        help="Lowest protein content still graded Premium.",
    )
    dairy_grade_a_max_scc = fields.Integer(
        string="Grade A: Max SCC",
        default=400000,
        help="Highest somatic cell count (cells/mL) still graded A.",
    )
    dairy_grade_b_max_scc = fields.Integer(
        string="Grade B: Max SCC",
        default=750000,
        help="Highest somatic cell count (cells/mL) still graded B; above it milk is rejected.",
    )

    @api.constrains(*GRADE_THRESHOLD_FIELDS)
    def _check_dairy_grade_thresholds(self):
        for company in self:
            if min(company[fname] for fname in GRADE_THRESHOLD_FIELDS) < 0:
                raise ValidationError(self.env._("Milk grade thresholds cannot be negative."))
            if not (
                company.dairy_premium_max_scc
                <= company.dairy_grade_a_max_scc
                <= company.dairy_grade_b_max_scc
            ):
                raise ValidationError(
                    self.env._(
                        "The cell count limits must go up from grade to grade: "
                        "Premium ≤ Grade A ≤ Grade B."
                    )
                )

    def _get_dairy_grade_thresholds(self):
        """Return the company's milk grade limits for the grading engine."""
        self.ensure_one()
        return GradeThresholds(
            premium_max_scc=self.dairy_premium_max_scc,
            premium_min_fat=self.dairy_premium_min_fat,
            premium_min_protein=self.dairy_premium_min_protein,
            grade_a_max_scc=self.dairy_grade_a_max_scc,
            grade_b_max_scc=self.dairy_grade_b_max_scc,
        )
