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
import psycopg2.errors
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
    kind = type(value)
    if kind is int:
        return str(value)
    if kind is str:
        text = value
    elif value is None:
        return r"\N"
    elif isinstance(value, bool):
        return "t" if value else "f"
    elif isinstance(value, float):
        return r"\N" if math.isnan(value) else repr(value)
    else:
        text = str(value)
    if "\\" in text or "\t" in text or "\n" in text or "\r" in text:
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


@contextlib.contextmanager
def foreign_keys_checked_after(cursor, table, schema=None):
    """Check ``table``'s foreign keys once for a bulk load instead of row by row.

    The foreign keys are dropped on entry and added back on exit with their own
    names and definitions, which checks every row in one statement; a row whose
    key has no match raises ``ForeignKeyViolation`` there. Table owner only; the
    caller's transaction undoes everything on error.
    """
    cur = raw_cursor(cursor)
    target = sql.Identifier(schema, table) if schema else sql.Identifier(table)
    cur.execute(
        "SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint"
        " WHERE conrelid = %s::regclass AND contype = 'f' ORDER BY conname",
        (target.as_string(cur),),
    )
    keys = cur.fetchall()
    for name, _definition in keys:
        cur.execute(
            sql.SQL("ALTER TABLE {} DROP CONSTRAINT {}").format(target, sql.Identifier(name))
        )
    yield
    for name, definition in keys:
        # The definition is PostgreSQL's own rendering from the catalogue.
        cur.execute(
            sql.SQL("ALTER TABLE {} ADD CONSTRAINT {} {}").format(
                target, sql.Identifier(name), sql.SQL(definition)
            )
        )


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


def library_preloaded(cursor, name):
    """Whether the server loads library ``name`` at start (``shared_preload_libraries``).

    Extensions such as TimescaleDB must be: creating one that is not ends the connection.
    """
    cur = raw_cursor(cursor)
    cur.execute("SELECT current_setting('shared_preload_libraries')")
    return name in {part.strip() for part in cur.fetchone()[0].split(",")}


def extension_installed(cursor, name):
    cur = raw_cursor(cursor)
    cur.execute("SELECT 1 FROM pg_extension WHERE extname = %s", [name])
    return cur.fetchone() is not None


def ensure_schema(cursor, schema):
    raw_cursor(cursor).execute(
        sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(schema))
    )


def ensure_index(
    cursor, table, columns, name=None, schema=None, unique=False, method="btree", include=()
):
    """Create an index if it does not exist yet; return its name. ``include`` columns
    ride along in the index (an index-only scan can return them)."""
    name = name or f"{table}_{'_'.join(columns)}_idx"[:63]
    target = sql.Identifier(schema, table) if schema else sql.Identifier(table)
    raw_cursor(cursor).execute(
        sql.SQL(
            "CREATE {unique} INDEX IF NOT EXISTS {name} ON {table} USING {method} ({cols}){extra}"
        ).format(
            unique=sql.SQL("UNIQUE" if unique else ""),
            name=sql.Identifier(name),
            table=target,
            method=sql.Identifier(method),
            cols=sql.SQL(", ").join(map(sql.Identifier, columns)),
            extra=sql.SQL(" INCLUDE ({})").format(sql.SQL(", ").join(map(sql.Identifier, include)))
            if include
            else sql.SQL(""),
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


def try_locks(cursor, names, transaction=True):
    """Take the advisory locks ``names`` without waiting; return those another
    session holds ([] when all were taken). On a refusal none is kept.

    Transaction-level locks (the default) last until the transaction commits or
    rolls back, so a job's writes are visible before anyone else may start; a job
    that commits as it goes takes session-level ones and calls ``release_locks``
    after its last commit.
    """
    cur = raw_cursor(cursor)
    function = "pg_try_advisory_xact_lock" if transaction else "pg_try_advisory_lock"
    taken, busy = [], []
    for name in sorted(set(names)):
        cur.execute(sql.SQL("SELECT {}(%s)").format(sql.Identifier(function)), [lock_key(name)])
        (taken if cur.fetchone()[0] else busy).append(name)
    if busy and not transaction:
        release_locks(cursor, taken)
    return busy


def release_locks(cursor, names):
    """Release session-level advisory locks taken by ``try_locks``."""
    cur = raw_cursor(cursor)
    for name in sorted(set(names)):
        cur.execute("SELECT pg_advisory_unlock(%s)", [lock_key(name)])


def create_claim_table(cursor, table):
    """The table of lock claims used by ``claim_locks`` (one row per lock name)."""
    raw_cursor(cursor).execute(
        sql.SQL("CREATE TABLE IF NOT EXISTS {} (name varchar PRIMARY KEY, holder integer)").format(
            sql.Identifier(table)
        )
    )


def claim_locks(cursor, table, names, holder):
    """Record ``holder`` against the advisory locks ``names`` just taken; False when
    the transaction's snapshot is older than the last holder's commit.

    Under REPEATABLE READ a transaction's snapshot may predate the lock: taken after
    another job committed and released it, the lock would protect nothing (the
    snapshot does not see that job's writes, and writing over them fails with a
    serialization error later). Writing the claim rows finds that out at once,
    before any work: the caller then gives up and says so.
    """
    cur = raw_cursor(cursor)
    cur.execute("SAVEPOINT smart_dairy_claim")
    try:
        cur.execute(
            sql.SQL(
                "INSERT INTO {} (name, holder) SELECT unnest(%s::varchar[]), %s "
                "ON CONFLICT (name) DO UPDATE SET holder = EXCLUDED.holder"
            ).format(sql.Identifier(table)),
            [sorted(set(names)), holder],
        )
    except psycopg2.errors.SerializationFailure:
        cur.execute("ROLLBACK TO SAVEPOINT smart_dairy_claim")
        return False
    cur.execute("RELEASE SAVEPOINT smart_dairy_claim")
    return True
