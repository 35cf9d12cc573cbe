"""Custom SQL checks: one read-only SELECT returning the failing rows (an ``id``
column, and ``company_id`` to split them per company), run in a read-only
transaction of its own under a statement timeout. The SQL is its author's: the
Odoo layer lets administrators only write it."""

import re

import psycopg2
from psycopg2 import sql

from .checks import SAMPLE_LIMIT, CheckError, Outcome

SELECT = re.compile(r"^\s*(select|with)\b", re.IGNORECASE)


def _statement(query):
    text = (query or "").strip().rstrip(";").strip()
    if not text:
        raise CheckError("Write the SELECT that returns the failing rows")
    if ";" in text:
        raise CheckError("Write one statement only")
    if not SELECT.match(text):
        raise CheckError("The query must be a SELECT (or WITH ... SELECT)")
    return text


def _writes(plan):
    """Whether an EXPLAIN (FORMAT JSON) plan node, or one under it, modifies a table."""
    if plan.get("Node Type") == "ModifyTable":
        return True
    return any(_writes(child) for child in plan.get("Plans", ()))


def _read_only(conn, timeout_ms):
    """A cursor in a new read-only transaction with a statement timeout."""
    conn.rollback()
    conn.set_session(readonly=True, autocommit=False)
    cur = conn.cursor()
    cur.execute("SET LOCAL statement_timeout = %s", [int(timeout_ms)])
    return cur


def _columns(cur, text):
    try:
        cur.execute(sql.SQL("EXPLAIN (FORMAT JSON) {}").format(sql.SQL(text)))
        if _writes(cur.fetchone()[0][0]["Plan"]):
            raise CheckError("The query writes: a check may only read")
        cur.execute(sql.SQL("SELECT * FROM ({}) q LIMIT 0").format(sql.SQL(text)))
    except psycopg2.Error as exc:
        raise CheckError(f"The query does not run: {(exc.pgerror or str(exc)).strip()}") from exc
    names = [column.name for column in cur.description]
    if "id" not in names:
        raise CheckError("The query must return the failing rows' ids in a column named id")
    return names


def validate_sql(conn, query, timeout_ms=10_000):
    """The column names of ``query`` on ``conn`` (a connection of its own: its
    transaction is rolled back); CheckError when it is not one read-only SELECT with
    an id column, does not parse or does not finish in time."""
    text = _statement(query)
    cur = _read_only(conn, timeout_ms)
    try:
        return _columns(cur, text)
    finally:
        cur.close()
        conn.rollback()


def run_custom(conn, query, timeout_ms=120_000):
    """Outcomes per company of a custom SQL check: the rows it returns fail; without
    any, one passing outcome without a company."""
    text = _statement(query)
    cur = _read_only(conn, timeout_ms)
    try:
        names = _columns(cur, text)
        company = sql.SQL("q.company_id" if "company_id" in names else "NULL::int")
        try:
            cur.execute(
                sql.SQL(
                    """SELECT {company}, count(*), (array_agg(q.id ORDER BY q.id))[1:{n}]
                         FROM ({query}) q GROUP BY 1 ORDER BY 1"""
                ).format(company=company, n=sql.Literal(SAMPLE_LIMIT), query=sql.SQL(text))
            )
        except psycopg2.Error as exc:
            raise CheckError(f"The query failed: {(exc.pgerror or str(exc)).strip()}") from exc
        rows = cur.fetchall()
    finally:
        cur.close()
        conn.rollback()
    if not rows:
        return [Outcome(None, 0, 0, (), True, 0.0, "The query returned no failing rows")]
    return [
        Outcome(
            company_id,
            failing,
            failing,
            tuple(samples or ()),
            False,
            float(failing),
            f"The query returned {failing} failing rows",
        )
        for company_id, failing, samples in rows
    ]
