"""One call per batch for the HTTP and MQTT intakes: validate, check, write, quarantine.

A batch is one or more messages, each (sender, rows): HTTP has one per
request, the MQTT subscriber one per MQTT message. All of it is written in the
caller's transaction with one COPY and one INSERT per table.
"""

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


def _validate_all(kind, messages, registry, now, policy):
    validate = validation.validate_readings if kind == "reading" else validation.validate_milkings
    rows, seen, rejected = [], {}, []
    for sender, payload in messages:
        result = validate(payload, registry, now, policy, sender)
        rows.extend(result.rows)
        rejected.append((sender, result.rejected))
        for device_id, item in result.seen.items():
            known = seen.get(device_id)
            if known is None or item.last_time >= known.last_time:
                seen[device_id] = item
    return rows, rejected, seen


def _previous(cursor, rows, limits):
    keys = {}
    for row in rows:
        if row[2] in limits.rates:
            key = (row[1], row[2])
            keys[key] = min(keys.get(key, row[0]), row[0])
    return writer.previous_values(cursor, [(d, m, t) for (d, m), t in keys.items()])


def take(
    cursor,
    kind,
    messages,
    registry,
    now,
    plain,
    policy=validation.DEFAULT_POLICY,
    limits=checks.DEFAULT_LIMITS,
    source="http",
):
    """Take in ``messages`` [(sender Device or None, rows)] of ``kind`` reading or milking.

    The caller commits (or rolls back: nothing is then written).
    """
    rows, rejected, seen = _validate_all(kind, messages, registry, now, policy)
    if kind == "reading":
        checked = checks.check_readings(rows, _previous(cursor, rows, limits), limits)
        for position in checked.flagged:
            rows[position] = (*rows[position][:-1], False)
        table = timeseries.TABLE
    else:
        checked = checks.check_milkings(rows, limits)
        table = timeseries.MILKING
    battery = checks.check_battery(seen, limits)
    checked.findings.extend(battery.findings)
    checked.cleared.update(battery.cleared)
    accepted = writer.write(cursor, table, rows, plain)
    all_rejected = []
    for sender, rejections in rejected:
        quarantine.store(
            cursor, kind, source, sender.identifier if sender else None, rejections, now
        )
        all_rejected.extend(rejections)
    return IntakeResult(
        accepted, len(rows) - accepted, all_rejected, checked.findings, checked.cleared, seen
    )


def readings(cursor, rows, registry, now, plain, sender=None, **options):
    """Take in one message of readings (a dict or a list) from ``sender``; see :func:`take`."""
    return take(cursor, "reading", [(sender, rows)], registry, now, plain, **options)


def milkings(cursor, rows, registry, now, plain, sender=None, **options):
    """Take in one message of milk-meter sessions from ``sender``; see :func:`take`."""
    return take(cursor, "milking", [(sender, rows)], registry, now, plain, **options)


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
