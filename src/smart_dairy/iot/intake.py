"""One call per batch for the HTTP and MQTT intakes: validate, check, write, quarantine."""

import dataclasses

from smart_dairy import timeseries

from . import checks, quarantine, validation, writer


@dataclasses.dataclass
class IntakeResult:
    """What a batch did: counts, rejected rows (index, reason), findings, devices seen."""

    accepted: int
    duplicate: int
    rejected: list
    findings: list
    cleared: set
    seen: dict

    def summary(self):
        """The JSON answer of the HTTP intake."""
        return {
            "accepted": self.accepted,
            "duplicate": self.duplicate,
            "rejected": len(self.rejected),
            "errors": [{"index": r.index, "reason": r.reason} for r in self.rejected],
        }


def _result(validated, accepted, checked):
    return IntakeResult(
        accepted,
        len(validated.rows) - accepted,
        validated.rejected,
        checked.findings,
        checked.cleared,
        validated.seen,
    )


def _finish(cursor, kind, validated, source, sender, now, plain, checked):
    table = timeseries.TABLE if kind == "reading" else timeseries.MILKING
    accepted = writer.write(cursor, table, validated.rows, plain)
    quarantine.store(
        cursor, kind, source, sender.identifier if sender else None, validated.rejected, now
    )
    return _result(validated, accepted, checked)


def readings(
    cursor,
    rows,
    registry,
    now,
    plain,
    policy=validation.DEFAULT_POLICY,
    limits=checks.DEFAULT_LIMITS,
    sender=None,
    source="http",
):
    """Take in a batch of readings in the caller's transaction (the caller commits)."""
    validated = validation.validate_readings(rows, registry, now, policy, sender)
    keys = {}
    for row in validated.rows:
        if row[2] in limits.rates:
            key = (row[1], row[2])
            keys[key] = min(keys.get(key, row[0]), row[0])
    previous = writer.previous_values(cursor, [(d, m, t) for (d, m), t in keys.items()])
    checked = checks.check_readings(validated.rows, previous, limits)
    for position in checked.flagged:
        validated.rows[position] = (*validated.rows[position][:-1], False)
    return _finish(cursor, "reading", validated, source, sender, now, plain, checked)


def milkings(
    cursor,
    rows,
    registry,
    now,
    plain,
    policy=validation.DEFAULT_POLICY,
    limits=checks.DEFAULT_LIMITS,
    sender=None,
    source="http",
):
    """Take in a batch of milk-meter sessions in the caller's transaction."""
    validated = validation.validate_milkings(rows, registry, now, policy, sender)
    checked = checks.check_milkings(validated.rows, limits)
    return _finish(cursor, "milking", validated, source, sender, now, plain, checked)


def replay(cursor, kind, registry, now, plain, policy=validation.DEFAULT_POLICY, ids=None):
    """Validate quarantined rows again (after a fix) and store those now valid.

    Returns (stored, still_rejected). Rows are taken with SKIP LOCKED, so two
    replays at once do not fight over the same rows.
    """
    validate = validation.validate_readings if kind == "reading" else validation.validate_milkings
    table = timeseries.TABLE if kind == "reading" else timeseries.MILKING
    queued = quarantine.pending(cursor, kind, ids)
    outcomes, rows = {}, []
    for qid, sender_name, payload in queued:
        sender = registry.devices.get(sender_name) if sender_name else None
        result = validate([payload], registry, now, policy, sender)
        if result.rows:
            rows.extend(result.rows)
            outcomes[qid] = (True, None)
        else:
            outcomes[qid] = (False, result.rejected[0].reason)
    writer.write(cursor, table, rows, plain)
    quarantine.mark(cursor, outcomes, now)
    stored = sum(1 for ok, _ in outcomes.values() if ok)
    return stored, len(outcomes) - stored
