"""Quality scores weighted by severity."""

import pytest
from smart_dairy.dataquality import OVERALL, SEVERITY_WEIGHTS, score


def test_score_per_area_and_overall():
    scores = score(
        [
            ("sales", "critical", True),
            ("sales", "warning", False),
            ("farm", "info", False),
            ("farm", "info", True),
        ]
    )
    crit, warn, info = (SEVERITY_WEIGHTS[s] for s in ("critical", "warning", "info"))
    assert scores["sales"] == pytest.approx(round(100 * crit / (crit + warn), 1))
    assert scores["farm"] == 50.0
    total = crit + warn + 2 * info
    assert scores[OVERALL] == pytest.approx(round(100 * (crit + info) / total, 1))


def test_a_failing_critical_check_weighs_more_than_an_info_one():
    worse = score([("sales", "critical", False), ("sales", "info", True)])
    better = score([("sales", "critical", True), ("sales", "info", False)])
    assert worse["sales"] < 50.0 < better["sales"]


def test_all_pass_is_100_and_nothing_is_empty():
    assert score([("farm", "warning", True)]) == {"farm": 100.0, OVERALL: 100.0}
    assert score([]) == {}
