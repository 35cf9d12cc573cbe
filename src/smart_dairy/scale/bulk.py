"""Fast COPY paths for generated fact rows, and the bookkeeping around loads.

Master data goes through :func:`smart_dairy.db.copy_rows`, which escapes every
value. Fact tables with tens of columns and millions of rows use
:func:`copy_text` instead: the generator renders its own lines from numbers,
ISO dates and fixed ASCII labels that never need escaping. Sensor readings use
:func:`copy_binary` with PostgreSQL's binary COPY format, built with numpy.
"""

import io
import struct
import sys
import time
from dataclasses import dataclass, field

import numpy as np
from psycopg2 import sql
from smart_dairy import db

NULL = r"\N"
BINARY_HEADER = b"PGCOPY\n\xff\r\n\x00" + struct.pack("!ii", 0, 0)
BINARY_TRAILER = struct.pack("!h", -1)
PG_EPOCH_US = np.datetime64("2000-01-01T00:00:00", "us")
STREAM_CHUNK = 4 * 1024 * 1024


class _ChunkStream(io.RawIOBase):
    """A read-only stream over an iterator of str or bytes chunks, for copy_expert."""

    def __init__(self, chunks, encode):
        self._chunks = iter(chunks)
        self._encode = encode
        self._buffer = b""

    def readable(self):
        return True

    def read(self, size=-1):
        size = STREAM_CHUNK if size is None or size < 0 else size
        parts, length = [self._buffer], len(self._buffer)
        while length < size:
            chunk = next(self._chunks, None)
            if chunk is None:
                break
            if self._encode:
                chunk = chunk.encode()
            parts.append(chunk)
            length += len(chunk)
        data = b"".join(parts)
        self._buffer = data[size:]
        return data[:size]


def _copy_statement(cur, table, columns, schema, binary):
    target = sql.Identifier(schema, table) if schema else sql.Identifier(table)
    statement = sql.SQL("COPY {} ({}) FROM STDIN{}").format(
        target,
        sql.SQL(", ").join(map(sql.Identifier, columns)),
        sql.SQL(" WITH (FORMAT binary)" if binary else ""),
    )
    return statement.as_string(cur)


def copy_text(cursor, table, columns, chunks, schema=None):
    """COPY pre-rendered text: ``chunks`` yields strings of whole COPY lines."""
    cur = db.raw_cursor(cursor)
    stream = _ChunkStream(chunks, encode=True)
    cur.copy_expert(_copy_statement(cur, table, columns, schema, False), stream, STREAM_CHUNK)


def copy_binary(cursor, table, columns, chunks, schema=None):
    """COPY binary tuples: ``chunks`` yields bytes of whole tuples (no header)."""
    cur = db.raw_cursor(cursor)
    stream = _ChunkStream(_chain(BINARY_HEADER, chunks, BINARY_TRAILER), encode=False)
    cur.copy_expert(_copy_statement(cur, table, columns, schema, True), stream, STREAM_CHUNK)


def _chain(head, chunks, tail):
    yield head
    yield from chunks
    yield tail


def round_half_up(values, digits=2):
    """Round like Odoo's float_round(HALF-UP): ties away from zero, after a tiny nudge."""
    scale = 10.0**digits
    normalized = np.asarray(values, dtype=np.float64) * scale
    with np.errstate(divide="ignore"):
        epsilon = np.exp2(np.log2(np.abs(normalized)) - 50)
    return (
        np.round(normalized + np.copysign(np.where(normalized == 0, 0.0, epsilon), normalized))
        / scale
    )


def render_lines(fmt, columns):
    """Render COPY text lines for equally long column lists with a %-format."""
    return "".join(fmt % row for row in zip(*columns, strict=True))


def iso_seconds(values):
    """ISO timestamps ('YYYY-MM-DDTHH:MM:SS') of datetime64 values, as a list."""
    return np.datetime_as_string(values.astype("datetime64[s]"), unit="s").tolist()


def iso_dates(values):
    """ISO dates ('YYYY-MM-DD') of datetime64 values, as a list."""
    return np.datetime_as_string(values.astype("datetime64[D]"), unit="D").tolist()


def pg_timestamp_us(values):
    """Microseconds since 2000-01-01 UTC (PostgreSQL's binary timestamp) as int64."""
    return (values.astype("datetime64[us]") - PG_EPOCH_US).astype(np.int64)


def reserve_ids(cursor, table, count):
    """Reserve ``count`` consecutive ids from the table's id sequence; return the first.

    The sequence is moved past the block, so Odoo keeps creating records after
    the load without clashing; ids already taken by existing rows are skipped.
    """
    cur = db.raw_cursor(cursor)
    cur.execute("SELECT pg_get_serial_sequence(%s, 'id')", [table])
    sequence = cur.fetchone()[0]
    cur.execute(sql.SQL("SELECT COALESCE(MAX(id), 0) FROM {}").format(sql.Identifier(table)))
    highest = cur.fetchone()[0]
    cur.execute("SELECT nextval(%s)", [sequence])
    first = max(cur.fetchone()[0], highest + 1)
    cur.execute("SELECT setval(%s, %s)", [sequence, first + max(count, 1) - 1])
    return first


def fix_sequence(cursor, table):
    """Set the table's id sequence to its highest id, so later inserts never clash."""
    cur = db.raw_cursor(cursor)
    cur.execute(
        sql.SQL(
            "SELECT setval(pg_get_serial_sequence(%s, 'id'), GREATEST(MAX(id), 1)) FROM {}"
        ).format(sql.Identifier(table)),
        [table],
    )


@dataclass
class LoadReport:
    """Rows and seconds per loaded table, printed as the load goes."""

    out: object = field(default=sys.stdout)
    tables: dict = field(default_factory=dict)

    def progress(self, message):
        print(f"  .. {message}", file=self.out, flush=True)

    def record(self, table, rows, seconds):
        total_rows, total_seconds = self.tables.get(table, (0, 0.0))
        self.tables[table] = (total_rows + rows, total_seconds + seconds)
        rate = rows / seconds if seconds > 0 else float("inf")
        print(
            f"{table:<40} {rows:>12,} rows {seconds:>9.2f} s {rate:>12,.0f} rows/s",
            file=self.out,
            flush=True,
        )

    def timed(self, table):
        return _Timer(self, table)

    def summary(self, wall_seconds):
        rows = sum(count for count, _ in self.tables.values())
        print("-" * 84, file=self.out)
        print(
            f"{'TOTAL':<40} {rows:>12,} rows {wall_seconds:>9.2f} s "
            f"{rows / max(wall_seconds, 1e-9):>12,.0f} rows/s",
            file=self.out,
            flush=True,
        )
        return rows


class _Timer:
    """Context manager measuring one table load; set ``rows`` before leaving."""

    def __init__(self, report, table):
        self.report = report
        self.table = table
        self.rows = 0

    def __enter__(self):
        self.start = time.perf_counter()
        return self

    def __exit__(self, exc_type, exc, tb):
        if exc_type is None:
            self.report.record(self.table, self.rows, time.perf_counter() - self.start)
