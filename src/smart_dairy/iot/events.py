"""What the intake learnt, kept for the addon: stream-check findings and devices seen.

The HTTP intake hands these to the addon directly; the MQTT subscriber runs
outside Odoo, so it writes them here and a cron of the addon turns them into
alerts and device updates (:func:`take_findings` empties the queue).
"""

from psycopg2 import sql
from smart_dairy import db, timeseries

SCHEMA = timeseries.SCHEMA
FINDINGS = "finding"
SEEN = "device_seen"


def ensure(cursor):
    cur = db.raw_cursor(cursor)
    cur.execute(
        sql.SQL(
            """CREATE TABLE IF NOT EXISTS {} (
                   id bigserial PRIMARY KEY, device_id integer NOT NULL, condition text NOT NULL,
                   time timestamptz NOT NULL, value double precision, threshold double precision,
                   message text NOT NULL, cleared boolean NOT NULL DEFAULT false)"""
        ).format(sql.Identifier(SCHEMA, FINDINGS))
    )
    cur.execute(
        sql.SQL(
            """CREATE TABLE IF NOT EXISTS {} (
                   device_id integer PRIMARY KEY, last_time timestamptz NOT NULL,
                   received_at timestamptz NOT NULL, battery double precision,
                   signal double precision)"""
        ).format(sql.Identifier(SCHEMA, SEEN))
    )


def record(cursor, result, now, seen=True):
    """Queue a batch's findings and cleared conditions, and (``seen``) update the
    devices seen; the HTTP intake updates its devices itself and passes False."""
    cur = db.raw_cursor(cursor)
    rows = [
        (f.device_id, f.condition, f.time, f.value, f.limit, f.message, False)
        for f in result.findings
    ] + [(d, c, now, None, None, "cleared", True) for d, c in sorted(result.cleared)]
    if rows:
        db.copy_rows(
            cur,
            FINDINGS,
            ("device_id", "condition", "time", "value", "threshold", "message", "cleared"),
            rows,
            schema=SCHEMA,
        )
    if seen and result.seen:
        items = sorted(result.seen.items())
        cur.execute(
            sql.SQL(
                """INSERT INTO {} AS s (device_id, last_time, received_at, battery, signal)
                   SELECT * FROM unnest(%s::integer[], %s::timestamptz[], %s::timestamptz[],
                                        %s::double precision[], %s::double precision[])
                   ON CONFLICT (device_id) DO UPDATE SET
                       last_time = greatest(s.last_time, EXCLUDED.last_time),
                       received_at = EXCLUDED.received_at,
                       battery = coalesce(EXCLUDED.battery, s.battery),
                       signal = coalesce(EXCLUDED.signal, s.signal)"""
            ).format(sql.Identifier(SCHEMA, SEEN)),
            [
                [d for d, _ in items],
                [s.last_time for _, s in items],
                [now] * len(items),
                [s.battery for _, s in items],
                [s.signal for _, s in items],
            ],
        )


def take_findings(cursor, limit=10_000):
    """Remove and return queued findings, oldest first:
    (device_id, condition, time, value, threshold, message, cleared)."""
    cur = db.raw_cursor(cursor)
    cur.execute(
        sql.SQL(
            """DELETE FROM {t} WHERE id IN (SELECT id FROM {t} ORDER BY id LIMIT %s
                                             FOR UPDATE SKIP LOCKED)
               RETURNING id, device_id, condition, time, value, threshold, message, cleared"""
        ).format(t=sql.Identifier(SCHEMA, FINDINGS)),
        [limit],
    )
    return [row[1:] for row in sorted(cur.fetchall())]
