"""Milk quality grading from somatic cell count, fat and protein content."""

from dataclasses import dataclass

PREMIUM = "premium"
GRADE_A = "a"
GRADE_B = "b"
REJECTED = "rejected"
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


def grade(
    scc: int | None,
    fat_pct: float | None,
    protein_pct: float | None,
    thresholds: GradeThresholds = DEFAULT_THRESHOLDS,
) -> str:
    """Return the quality grade: 'premium', 'a', 'b' or 'rejected'.

    Premium needs a low cell count and enough fat and protein; the other
    grades depend on the somatic cell count (cells per mL) only. Missing
    values count as zero.
    """
    scc = scc or 0
    fat_pct = fat_pct or 0.0
    protein_pct = protein_pct or 0.0
    if (
        scc <= thresholds.premium_max_scc
        and fat_pct >= thresholds.premium_min_fat
        and protein_pct >= thresholds.premium_min_protein
    ):
        return PREMIUM
    if scc <= thresholds.grade_a_max_scc:
        return GRADE_A
    if scc <= thresholds.grade_b_max_scc:
        return GRADE_B
    return REJECTED
