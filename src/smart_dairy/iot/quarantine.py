"""Rejected rows kept with their raw payload and reason, and replayed after a fix."""

import json

from psycopg2 import sql
from smart_dairy import db, timeseries

SCHEMA = timeseries.SCHEMA
TABLE = "quarantine"
COLUMNS = ("received_at", "kind", "source", "sender", "row_index", "payload", "reason")


def _json(payload):
    """JSON text of a payload; NUL characters (which jsonb refuses) are written out."""
    try:
        text = json.dumps(payload, default=str)
    except (TypeError, ValueError):
        text = json.dumps(repr(payload))
    return text.replace("\\u0000", "\\\\u0000")


def store(cursor, kind, source, sender, rejections, now):
    """Quarantine ``rejections`` (validation.Rejection); ``kind`` is reading or milking."""
    rows = [(now, kind, source, sender, r.index, _json(r.payload), r.reason) for r in rejections]
    if rows:
        db.copy_rows(cursor, TABLE, COLUMNS, rows, schema=SCHEMA)
    return len(rows)


def pending(cursor, kind, ids=None, limit=10_000):
    """Quarantined rows not replayed yet, locked for this transaction: (id, sender, payload)."""
    cur = db.raw_cursor(cursor)
    cur.execute(
        sql.SQL(
            """SELECT id, sender, payload FROM {} WHERE kind = %s AND replayed_at IS NULL
                  AND (%s::bigint[] IS NULL OR id = ANY(%s::bigint[]))
                ORDER BY id LIMIT %s FOR UPDATE SKIP LOCKED"""
        ).format(sql.Identifier(SCHEMA, TABLE)),
        [kind, ids, ids, limit],
    )
    return cur.fetchall()


def mark(cursor, outcomes, now):
    """Record replay outcomes: {id: (replayed, reason)}; replayed rows leave the queue."""
    if not outcomes:
        return
    cur = db.raw_cursor(cursor)
    ids = list(outcomes)
    cur.execute(
        sql.SQL(
            """UPDATE {} q SET replayed_at = CASE WHEN u.ok THEN %s END,
                      outcome = CASE WHEN u.ok THEN 'stored' ELSE 'rejected again' END,
                      reason = coalesce(u.reason, q.reason)
                 FROM unnest(%s::bigint[], %s::boolean[], %s::text[]) AS u(id, ok, reason)
                WHERE q.id = u.id"""
        ).format(sql.Identifier(SCHEMA, TABLE)),
        [
            now,
            ids,
            [outcomes[i][0] for i in ids],
            [outcomes[i][1] for i in ids],
        ],
    )
