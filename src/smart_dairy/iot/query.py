"""Reading the store: latest reading per device, ranges at a resolution, device status.

Every query runs unchanged on both backends (hypertables and continuous
aggregates, or partitions and rollup tables). Aggregate levels give, per
bucket, the average, minimum, maximum, sample standard deviation, count and
valid count of all matching devices together.
"""

import datetime as dt
import typing

from psycopg2 import sql
from smart_dairy import db, timeseries

from . import aggregates, devices
from .storage import StorageSettings

SCHEMA = timeseries.SCHEMA
RESOLUTIONS = ("raw", "15m", "1h", "1d")
# the longest range each resolution serves when it is chosen automatically
AUTO_SPANS = (
    ("raw", dt.timedelta(days=2)),
    ("15m", dt.timedelta(days=14)),
    ("1h", dt.timedelta(days=120)),
)
DEFAULT_SETTINGS = StorageSettings()
# the longest range one request may ask for at each resolution (about 10,000 points a device)
MAX_SPANS = {
    "raw": dt.timedelta(days=7),
    "15m": dt.timedelta(days=100),
    "1h": dt.timedelta(days=400),
    "1d": dt.timedelta(days=3660),
}


class Point(typing.NamedTuple):
    """One reading or bucket (a named tuple: a day of raw readings is thousands of them,
    and a frozen dataclass costs three times as much to build)."""

    time: dt.datetime
    device_id: int | None  # the device of a raw reading; None for buckets
    avg: float
    min: float
    max: float
    stddev: float | None
    count: int
    valid_count: int


def latest(cursor, device_ids, since=None):
    """The newest reading of each device: {device_id: (time, metric, value)}.

    ``since`` ({device_id: aware datetime}) bounds each device's search to readings
    from then on, so only recent (uncompressed) chunks are read: give each device's
    last-seen time less a margin. Devices not in it are searched without bound.
    """
    if not device_ids:
        return {}
    since = since or {}
    cur = db.raw_cursor(cursor)
    cur.execute(
        sql.SQL(
            """SELECT d.id, r.time, r.metric, r.value
                 FROM unnest(%s::integer[], %s::timestamptz[]) AS d(id, since)
                CROSS JOIN LATERAL (SELECT time, metric, value FROM {} r
                                     WHERE r.device_id = d.id
                                       AND r.time >= coalesce(d.since, '-infinity')
                                     ORDER BY r.time DESC LIMIT 1) r"""
        ).format(sql.Identifier(SCHEMA, timeseries.TABLE)),
        [list(device_ids), [since.get(d) for d in device_ids]],
    )
    return {d: (t, m, v) for d, t, m, v in cur.fetchall()}


def choose_resolution(start, end, now, settings=DEFAULT_SETTINGS):
    """The finest resolution that serves ``[start, end)`` quickly and still holds ``start``."""
    kept = {
        "raw": settings.raw_retention,
        "15m": settings.retention_15m,
        "1h": settings.retention_1h,
        "1d": settings.retention_1d,
    }
    span = end - start
    for resolution, longest in (*AUTO_SPANS, ("1d", None)):
        keep = kept[resolution]
        if (longest is None or span <= longest) and (keep is None or start >= now - keep):
            return resolution
    return "1d"


def check_span(start, end, resolution):
    """``resolution`` (``auto`` allowed) and ``[start, end)`` one request may ask for,
    else ValueError saying what to change."""
    if resolution != "auto" and resolution not in RESOLUTIONS:
        raise ValueError(f"unknown resolution {resolution!r}: use auto or one of {RESOLUTIONS}")
    if start >= end:
        raise ValueError(f"the range starts ({start}) at or after its end ({end})")
    longest = MAX_SPANS["1d" if resolution == "auto" else resolution]
    if end - start > longest:
        raise ValueError(
            f"{end - start} is longer than the {longest.days} days one request may cover"
            f" at resolution {resolution}: ask for a shorter range or a coarser resolution"
        )


def _filters(device_id, farm_id, company_ids):
    if device_id is None and farm_id is None:
        raise ValueError("give a device or a farm")
    clauses, params = [], []
    if device_id is not None:
        clauses.append(sql.SQL("device_id = %s"))
        params.append(device_id)
    if farm_id is not None:
        clauses.append(sql.SQL("farm_id = %s"))
        params.append(farm_id)
    if company_ids is not None:
        clauses.append(sql.SQL("company_id = ANY(%s)"))
        params.append(list(company_ids))
    return clauses, params


def range_query(
    start,
    end,
    metric,
    resolution,
    device_id=None,
    farm_id=None,
    company_ids=None,
):
    """The SQL and parameters of :func:`series` (also used by the streamed export).

    Raw rows carry only (time, device_id, value, valid): a day of a device is
    thousands of rows, and each column psycopg2 converts costs as much as the
    server's work. :func:`points` turns either kind of row into points.
    """
    clauses, params = _filters(device_id, farm_id, company_ids)
    if resolution == "raw":
        where = sql.SQL(" AND ").join(
            [sql.SQL("metric = %s"), sql.SQL("time >= %s"), sql.SQL("time < %s"), *clauses]
        )
        query = sql.SQL(
            """SELECT time, device_id, value, valid FROM {} WHERE {}
                ORDER BY time, device_id"""
        ).format(sql.Identifier(SCHEMA, timeseries.TABLE), where)
        return query, [metric, start, end, *params]
    if resolution not in aggregates.RESOLUTIONS:
        raise ValueError(f"unknown resolution {resolution!r}: use one of {RESOLUTIONS}")
    where = sql.SQL(" AND ").join(
        [sql.SQL("metric = %s"), sql.SQL("bucket >= %s"), sql.SQL("bucket < %s"), *clauses]
    )
    query = sql.SQL(
        """SELECT bucket, NULL::integer, sum(total) / sum(n), min(min_value), max(max_value),
                  CASE WHEN sum(n) > 1 THEN sqrt(greatest(
                      (sum(total_sq) - sum(total) * sum(total) / sum(n)) / (sum(n) - 1), 0))
                  END,
                  sum(n)::bigint, sum(valid_n)::bigint
             FROM {} WHERE {} GROUP BY bucket ORDER BY bucket"""
    ).format(sql.Identifier(SCHEMA, aggregates.RESOLUTIONS[resolution]), where)
    return query, [metric, start, end, *params]


def series(
    cursor,
    start,
    end,
    metric,
    device_id=None,
    farm_id=None,
    resolution="auto",
    now=None,
    settings=DEFAULT_SETTINGS,
    company_ids=None,
):
    """Readings of a device or a farm over ``[start, end)``: (resolution, [Point]).

    ``resolution`` is raw, 15m, 1h, 1d or auto (see :func:`choose_resolution`;
    ``now`` is needed then). Aggregates hold materialised buckets only: what
    the last refresh covered.
    """
    if resolution == "auto":
        resolution = choose_resolution(start, end, now, settings)
    query, params = range_query(start, end, metric, resolution, device_id, farm_id, company_ids)
    cur = db.raw_cursor(cursor)
    cur.execute(query, params)
    return resolution, list(points(cur.fetchall(), resolution))


def points(rows, resolution):
    """Points from the rows of :func:`range_query` at ``resolution`` (an iterable)."""
    if resolution != "raw":
        return (Point(*row) for row in rows)
    return (
        Point(time, device, value, value, value, None, 1, 1 if valid else 0)
        for time, device, value, valid in rows
    )


def farm_milk(cursor, farm_id, start, end):
    """Daily milk totals of a farm: [(day, sessions, yield_kg)] from the daily aggregate."""
    cur = db.raw_cursor(cursor)
    cur.execute(
        sql.SQL(
            """SELECT bucket, sum(sessions)::bigint, sum(yield_kg) FROM {}
                WHERE farm_id = %s AND bucket >= %s AND bucket < %s
                GROUP BY bucket ORDER BY bucket"""
        ).format(sql.Identifier(SCHEMA, "milking_1d")),
        [farm_id, start, end],
    )
    return cur.fetchall()


def device_status(cursor, device_ids, now, thresholds=None):
    """[(device_id, last_seen, status)] from each device's newest reading."""
    thresholds = thresholds or devices.StatusThresholds()
    newest = latest(cursor, device_ids)
    seen = {d: newest[d][0] for d in newest}
    return [(d, seen.get(d), devices.status(seen.get(d), now, thresholds)) for d in device_ids]
