"""Milk quality grading from somatic cell count, fat and protein content.

A lab value that was not measured is None or 0 (Odoo stores a blank number as
0, and no milk has zero cells, fat or protein). Milk without a cell count is
ungraded; with a cell count it is A, B or rejected by that count, and Premium
only when fat and protein were measured too and reach the Premium minimums.
"""

from dataclasses import dataclass

# Density of raw milk: litres to kilograms (meters weigh, records hold litres; yields of
# fat and protein are mass).
MILK_KG_PER_LITRE = 1.03

PREMIUM = "premium"
GRADE_A = "a"
GRADE_B = "b"
REJECTED = "rejected"
UNGRADED = "ungraded"
# The grades of graded milk; UNGRADED is milk without a cell count.
GRADES = (PREMIUM, GRADE_A, GRADE_B, REJECTED)


@dataclass(frozen=True)
class GradeThresholds:
    """Limits of the milk quality grades; every bound is inclusive."""

    premium_max_scc: int = 200_000
    premium_min_fat: float = 3.8
    premium_min_protein: float = 3.2
    grade_a_max_scc: int = 400_000
    grade_b_max_scc: int = 750_000


DEFAULT_THRESHOLDS = GradeThresholds()


def _measured(value):
    """Whether a lab value was measured: a positive number (not None, 0 or NaN)."""
    return value is not None and value > 0


def grade(
    scc: int | None,
    fat_pct: float | None,
    protein_pct: float | None,
    thresholds: GradeThresholds = DEFAULT_THRESHOLDS,
) -> str:
    """Return the quality grade: 'premium', 'a', 'b', 'rejected' or 'ungraded'.

    Without a cell count (None or 0) the milk is 'ungraded'. Premium needs a
    low cell count and measured fat and protein reaching the minimums; the
    other grades depend on the somatic cell count (cells per mL) only.
    """
    if not _measured(scc):
        return UNGRADED
    if (
        scc <= thresholds.premium_max_scc
        and _measured(fat_pct)
        and _measured(protein_pct)
        and fat_pct >= thresholds.premium_min_fat
        and protein_pct >= thresholds.premium_min_protein
    ):
        return PREMIUM
    if scc <= thresholds.grade_a_max_scc:
        return GRADE_A
    if scc <= thresholds.grade_b_max_scc:
        return GRADE_B
    return REJECTED
