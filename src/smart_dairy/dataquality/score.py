"""Quality scores: 0 to 100 per area and overall, weighted by severity."""

SEVERITY_WEIGHTS = {"info": 1.0, "warning": 2.0, "critical": 4.0}
OVERALL = "overall"


def score(items):
    """{area: score, "overall": score} of ``items``, (area, severity, passed) per
    outcome: the severity-weighted share of outcomes that passed, times 100.
    Areas without an outcome are absent; no outcome at all gives {}."""
    weights, passed = {}, {}
    for area, severity, ok in items:
        weight = SEVERITY_WEIGHTS[severity]
        for key in (area, OVERALL):
            weights[key] = weights.get(key, 0.0) + weight
            passed[key] = passed.get(key, 0.0) + (weight if ok else 0.0)
    return {key: round(100.0 * passed[key] / weights[key], 1) for key in weights if weights[key]}


def share(failing, examined):
    """failing / examined, 0 when nothing was examined."""
    return failing / examined if examined else 0.0
