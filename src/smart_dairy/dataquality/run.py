"""Running a check: validate, one statement, outcomes per company."""

import datetime as dt

from ..alerts import baseline
from . import sqlgen
from .checks import Check, Outcome
from .schema import validate
from .score import share


def run(cur, check: Check, now: dt.datetime):
    """Validate ``check``, run its statement and return its Outcomes, one per company
    (ordered by company). ``now`` is a naive UTC datetime: freshness measures ages
    from it and row_count takes the last complete day before it."""
    types = validate(cur, check)
    params = {}
    if check.kind == "row_count":
        return _row_count(cur, check, types, now, params)
    if check.kind == "freshness":
        statement = sqlgen.freshness(check, types, params, now)
    else:
        statement = sqlgen.STATEMENTS[check.kind](check, types, params)
    cur.execute(statement, params)
    return [_outcome(check, *row) for row in cur.fetchall()]


def run_batch(cur, checks, now):
    """The Outcomes of each of ``checks``, in order: row checks with an equal
    ``sqlgen.batch_key`` (the same rows), validated each and counted in one scan."""
    keys = {sqlgen.batch_key(check) for check in checks}
    if None in keys or len(keys) != 1:
        raise ValueError("run_batch takes row checks over the same rows")
    if len(checks) == 1:
        return [run(cur, checks[0], now)]
    for check in checks:
        validate(cur, check)
    params = {}
    cur.execute(sqlgen.rows_batch(checks, params), params)
    rows = cur.fetchall()
    return [
        [
            _outcome(check, company_id, examined, rest[2 * i], rest[2 * i + 1], None)
            for company_id, examined, *rest in rows
        ]
        for i, check in enumerate(checks)
    ]


def _outcome(check, company_id, examined, failing, samples, measure):
    passed = failing <= check.tolerance * examined
    if measure is None:
        measure = share(failing, examined)
    measure = float(measure)
    return Outcome(
        company_id,
        examined,
        failing,
        tuple(samples or ()),
        passed,
        measure,
        _detail(check, examined, failing, measure),
    )


def _detail(check, examined, failing, measure):
    if check.kind == "freshness":
        what = "groups" if check.group_column else "sources"
        limit = check.max_age.total_seconds() / 3600.0
        return (
            f"{failing} of {examined} {what} older than {limit:g} h; "
            f"the stalest is {measure:.1f} h old"
        )
    if check.kind == "balance":
        return (
            f"{failing} of {examined} groups do not balance within {check.amount_tolerance:g}; "
            f"largest imbalance {measure:g}"
        )
    return f"{failing} of {examined} rows fail ({100.0 * measure:.2f} %)"


def _row_count(cur, check, types, now, params):
    day = now.date() - dt.timedelta(days=1)
    cur.execute(sqlgen.row_count(check, types, params, day), params)
    counts = {}
    for company_id, row_day, count in cur.fetchall():
        counts.setdefault(company_id, {})[row_day] = count
    outcomes = []
    for company_id, by_day in counts.items():
        value = by_day.get(day, 0)
        history = [by_day.get(day - dt.timedelta(weeks=k), 0) for k in range(1, check.weeks + 1)]
        base = baseline(history, check.weeks)
        z = base.zscore(value)
        change = abs(value - base.mean)
        unusual = change > 0 if z is None else abs(z) > check.z_limit
        anomalous = unusual and change > check.min_change * base.mean
        outcomes.append(
            Outcome(
                company_id,
                1,
                int(anomalous),
                (),
                not anomalous,
                z,
                f"{value} rows on {day.isoformat()} against {base.mean:.1f} ± {base.std:.1f} "
                f"on the same weekday of the {check.weeks} weeks before"
                + ("" if z is None else f" (z-score {z:.1f})"),
            )
        )
    return outcomes
