"""Tests of the milk quality grading rule."""

import dataclasses

import pytest
from smart_dairy.quality import DEFAULT_THRESHOLDS, UNGRADED, GradeThresholds, grade


def test_default_thresholds_match_the_contract():
    assert GradeThresholds() == GradeThresholds(200_000, 3.8, 3.2, 400_000, 750_000)
    assert GradeThresholds() == DEFAULT_THRESHOLDS


def test_thresholds_are_frozen():
    with pytest.raises(dataclasses.FrozenInstanceError):
        DEFAULT_THRESHOLDS.grade_a_max_scc = 1


@pytest.mark.parametrize(
    ("scc", "fat", "protein", "expected"),
    [
        (150_000, 4.0, 3.4, "premium"),
        (200_000, 3.8, 3.2, "premium"),  # every premium bound is inclusive
        (200_001, 3.8, 3.2, "a"),
        (200_000, 3.79, 3.2, "a"),
        (200_000, 3.8, 3.19, "a"),
        (400_000, 4.5, 3.5, "a"),
        (400_001, 4.5, 3.5, "b"),
        (750_000, 4.5, 3.5, "b"),
        (750_001, 4.5, 3.5, "rejected"),
        (2_000_000, 5.0, 4.0, "rejected"),
        (0, 0.0, 0.0, "ungraded"),
        (0, 4.0, 3.4, "ungraded"),  # fat and protein alone grade nothing
    ],
)
def test_grade_with_default_thresholds(scc, fat, protein, expected):
    assert grade(scc, fat, protein, DEFAULT_THRESHOLDS) == expected


def test_milk_without_a_cell_count_is_ungraded():
    assert grade(None, None, None, DEFAULT_THRESHOLDS) == UNGRADED
    assert grade(None, 4.0, 3.4, DEFAULT_THRESHOLDS) == UNGRADED
    assert grade(float("nan"), 4.0, 3.4, DEFAULT_THRESHOLDS) == UNGRADED
    assert grade(-5, 4.0, 3.4, DEFAULT_THRESHOLDS) == UNGRADED


@pytest.mark.parametrize(("fat", "protein"), [(None, 3.5), (4.0, None), (0.0, 0.0), (None, None)])
def test_a_cell_count_without_fat_or_protein_is_never_premium(fat, protein):
    assert grade(100_000, fat, protein, DEFAULT_THRESHOLDS) == "a"
    assert grade(500_000, fat, protein, DEFAULT_THRESHOLDS) == "b"
    assert grade(900_000, fat, protein, DEFAULT_THRESHOLDS) == "rejected"
    lenient = dataclasses.replace(DEFAULT_THRESHOLDS, premium_min_fat=0, premium_min_protein=0)
    assert grade(100_000, fat, protein, lenient) == "a"
    assert grade(100_000, 0.1, 0.1, lenient) == "premium"


def test_custom_thresholds_change_the_grade():
    strict = GradeThresholds(
        premium_max_scc=100_000,
        premium_min_fat=4.2,
        premium_min_protein=3.5,
        grade_a_max_scc=250_000,
        grade_b_max_scc=500_000,
    )
    assert grade(150_000, 4.0, 3.4, DEFAULT_THRESHOLDS) == "premium"
    assert grade(150_000, 4.0, 3.4, strict) == "a"
    assert grade(300_000, 4.0, 3.4, strict) == "b"
    assert grade(600_000, 4.0, 3.4, strict) == "rejected"
    assert grade(100_000, 4.2, 3.5, strict) == "premium"


def test_default_argument_uses_default_thresholds():
    assert grade(750_001, 4.0, 3.4) == "rejected"
