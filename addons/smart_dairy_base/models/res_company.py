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
MILKING_LIMIT_FIELDS = (
    "dairy_min_fat_pct",
    "dairy_max_fat_pct",
    "dairy_min_protein_pct",
    "dairy_max_protein_pct",
    "dairy_max_volume",
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

    dairy_min_fat_pct = fields.Float(
        string="Lowest Plausible Fat (%)",
        default=2.0,
        digits=(4, 2),
        help="A milking's fat content below this is refused as a likely entry error.",
    )
    dairy_max_fat_pct = fields.Float(
        string="Highest Plausible Fat (%)",
        default=7.0,
        digits=(4, 2),
        help="A milking's fat content above this is refused as a likely entry error.",
    )
    dairy_min_protein_pct = fields.Float(
        string="Lowest Plausible Protein (%)",
        default=2.0,
        digits=(4, 2),
        help="A milking's protein content below this is refused as a likely entry error.",
    )
    dairy_max_protein_pct = fields.Float(
        string="Highest Plausible Protein (%)",
        default=5.0,
        digits=(4, 2),
        help="A milking's protein content above this is refused as a likely entry error.",
    )
    dairy_max_volume = fields.Float(
        string="Most Milk per Cow and Session (L)",
        default=40.0,
        digits=(10, 2),
        help="A milking of one cow in one session above this volume is refused.",
    )

    @api.constrains(*MILKING_LIMIT_FIELDS)
    def _check_dairy_milking_limits(self):
        for company in self:
            for low, high in (
                (company.dairy_min_fat_pct, company.dairy_max_fat_pct),
                (company.dairy_min_protein_pct, company.dairy_max_protein_pct),
            ):
                if not 0 < low < high <= 100:
                    raise ValidationError(
                        self.env._(
                            "The plausible fat and protein contents of %(company)s must each "
                            "go from a lowest value above 0 %% to a higher highest value of at "
                            "most 100 %%.",
                            company=company.name,
                        )
                    )
            if company.dairy_max_volume <= 0:
                raise ValidationError(
                    self.env._(
                        "The most milk per cow and session of %(company)s must be above 0 L.",
                        company=company.name,
                    )
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
