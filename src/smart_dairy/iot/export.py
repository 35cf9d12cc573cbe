"""Streamed CSV and JSON export of a range: a generator of text chunks, never whole in memory.

Rows come from a server-side (named) cursor in pages of ``page`` rows, so a
year of one device costs one page of memory at a time.
"""

import csv
import io
import json

from . import query

HEADER = ("time", "device_id", "avg", "min", "max", "stddev", "count", "valid_count")


def _rows(conn, start, end, metric, resolution, device_id, farm_id, company_ids, page):
    statement, params = query.range_query(
        start, end, metric, resolution, device_id, farm_id, company_ids
    )
    with conn.cursor(name="smart_dairy_iot_export") as cur:
        cur.itersize = page
        cur.execute(statement, params)
        yield from query.points(cur, resolution)


def export(
    conn,
    start,
    end,
    metric,
    resolution,
    fmt="csv",
    device_id=None,
    farm_id=None,
    company_ids=None,
    page=5_000,
):
    """Yield the range as CSV (with a header line) or as a JSON array of objects.

    ``conn`` is a psycopg2 connection in a transaction (Odoo: ``env.cr._cnx``);
    ``resolution`` as in :func:`query.series` except ``auto``.
    """
    rows = _rows(conn, start, end, metric, resolution, device_id, farm_id, company_ids, page)
    if fmt == "csv":
        yield from _csv(rows, page)
    elif fmt == "json":
        yield from _json(rows, page)
    else:
        raise ValueError(f"unknown export format {fmt!r}: use csv or json")


def _csv(rows, page):
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(HEADER)
    for count, row in enumerate(rows, 1):
        writer.writerow((row[0].isoformat(), *row[1:]))
        if count % page == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def _json(rows, page):
    parts = ["["]
    for count, row in enumerate(rows):
        item = dict(zip(HEADER, (row[0].isoformat(), *row[1:]), strict=True))
        parts.append(("," if count else "") + json.dumps(item))
        if len(parts) >= page:
            yield "".join(parts)
            parts = []
    parts.append("]")
    yield "".join(parts)
