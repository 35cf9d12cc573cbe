"""Database helpers shared by the engine: connections, COPY, schema and locks.

Everything takes a DB-API cursor or connection from psycopg2, so the same code
runs on a connection of its own (scripts, benchmarks) and on an Odoo cursor
(``env.cr`` wraps a psycopg2 cursor; pass ``raw_cursor(env.cr)``).
"""

import contextlib
import hashlib
import io
import math
from collections.abc import Iterable, Iterator, Sequence

import psycopg2
from psycopg2 import sql

COPY_BUFFER_BYTES = 8 * 1024 * 1024


def connect(dsn, autocommit=False, application_name="smart_dairy"):
    """Open a psycopg2 connection from a libpq DSN or URI."""
    conn = psycopg2.connect(dsn, application_name=application_name)
    conn.autocommit = autocommit
    return conn


def raw_cursor(cursor):
    """The psycopg2 cursor behind an Odoo cursor, or the cursor itself."""
    return getattr(cursor, "_obj", cursor)


def _copy_value(value):
    if value is None:
        return r"\N"
    if isinstance(value, bool):
        return "t" if value else "f"
    if isinstance(value, float):
        if math.isnan(value):
            return r"\N"
        return repr(value)
    text = value if isinstance(value, str) else str(value)
    if any(c in text for c in "\\\t\n\r"):
        text = (
            text.replace("\\", "\\\\")
            .replace("\t", "\\t")
            .replace("\n", "\\n")
            .replace("\r", "\\r")
        )
    return text


def copy_lines(rows: Iterable[Sequence]) -> Iterator[str]:
    """Render rows as lines of PostgreSQL's COPY text format."""
    for row in rows:
        yield "\t".join(map(_copy_value, row)) + "\n"


class _LineStream(io.TextIOBase):
    """A read-only text stream over an iterator of lines, for copy_expert."""

    def __init__(self, lines):
        self._lines = lines
        self._pending = ""

    def readable(self):
        return True

    def read(self, size=-1):
        chunks, length = [self._pending], len(self._pending)
        limit = COPY_BUFFER_BYTES if size is None or size < 0 else size
        for line in self._lines:
            chunks.append(line)
            length += len(line)
            if length >= limit:
                break
        data = "".join(chunks)
        self._pending = data[limit:]
        return data[:limit]


def copy_rows(cursor, table, columns, rows, schema=None):
    """Stream ``rows`` into ``table`` with COPY FROM STDIN; return the row count.

    ``table``, ``schema`` and ``columns`` are identifiers, quoted here; values go
    through COPY's own escaping, never into SQL text.
    """
    counter = _Counter(rows)
    target = sql.Identifier(schema, table) if schema else sql.Identifier(table)
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        target, sql.SQL(", ").join(map(sql.Identifier, columns))
    )
    cur = raw_cursor(cursor)
    cur.copy_expert(
        statement.as_string(cur), _LineStream(copy_lines(counter)), size=COPY_BUFFER_BYTES
    )
    return counter.count


def copy_text(cursor, table, columns, lines, schema=None):
    """Stream lines already in COPY text format into ``table``."""
    target = sql.Identifier(schema, table) if schema else sql.Identifier(table)
    statement = sql.SQL("COPY {} ({}) FROM STDIN").format(
        target, sql.SQL(", ").join(map(sql.Identifier, columns))
    )
    cur = raw_cursor(cursor)
    cur.copy_expert(statement.as_string(cur), _LineStream(iter(lines)), size=COPY_BUFFER_BYTES)


class _Counter:
    def __init__(self, rows):
        self._rows = rows
        self.count = 0

    def __iter__(self):
        for row in self._rows:
            self.count += 1
            yield row


def table_exists(cursor, table, schema="public"):
    """Whether a table, view or other relation exists."""
    cur = raw_cursor(cursor)
    cur.execute(
        """SELECT EXISTS (SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                          WHERE n.nspname = %s AND c.relname = %s)""",
        [schema, table],
    )
    return cur.fetchone()[0]


def extension_available(cursor, name):
    """Whether the server can create extension ``name`` (installed on the machine)."""
    cur = raw_cursor(cursor)
    cur.execute("SELECT 1 FROM pg_available_extensions WHERE name = %s", [name])
    return cur.fetchone() is not None


def extension_installed(cursor, name):
    cur = raw_cursor(cursor)
    cur.execute("SELECT 1 FROM pg_extension WHERE extname = %s", [name])
    return cur.fetchone() is not None


def ensure_schema(cursor, schema):
    raw_cursor(cursor).execute(
        sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(schema))
    )


def ensure_index(cursor, table, columns, name=None, schema=None, unique=False, method="btree"):
    """Create an index if it does not exist yet; return its name."""
    name = name or f"{table}_{'_'.join(columns)}_idx"[:63]
    target = sql.Identifier(schema, table) if schema else sql.Identifier(table)
    raw_cursor(cursor).execute(
        sql.SQL(
            "CREATE {unique} INDEX IF NOT EXISTS {name} ON {table} USING {method} ({cols})"
        ).format(
            unique=sql.SQL("UNIQUE" if unique else ""),
            name=sql.Identifier(name),
            table=target,
            method=sql.Identifier(method),
            cols=sql.SQL(", ").join(map(sql.Identifier, columns)),
        )
    )
    return name


def lock_key(name):
    """A stable 64-bit advisory lock key for a job name."""
    return int.from_bytes(
        hashlib.blake2b(name.encode(), digest_size=8).digest(), "big", signed=True
    )


@contextlib.contextmanager
def advisory_lock(cursor, name, wait=False):
    """Hold a session-level advisory lock named ``name`` for the block.

    Yields True when the lock was taken, False when another session holds it
    (unless ``wait``, which blocks until it is free). A job that gets False
    should return at once: that is what keeps two runs from overlapping.
    """
    cur = raw_cursor(cursor)
    key = lock_key(name)
    if wait:
        cur.execute("SELECT pg_advisory_lock(%s)", [key])
        acquired = True
    else:
        cur.execute("SELECT pg_try_advisory_lock(%s)", [key])
        acquired = cur.fetchone()[0]
    try:
        yield acquired
    finally:
        if acquired:
            cur.execute("SELECT pg_advisory_unlock(%s)", [key])
