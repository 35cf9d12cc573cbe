"""Fixtures for the engine suites: a real PostgreSQL server, scratch databases.

``make test`` starts a throwaway server and exports SMART_DAIRY_TEST_DSN; run
alone, pytest uses that variable or skips the database tests, saying why.
"""

import os
import uuid

import psycopg2
import pytest
from psycopg2 import sql
from smart_dairy import db

ADMIN_DSN = os.environ.get("SMART_DAIRY_TEST_DSN")


def _admin_connection():
    if not ADMIN_DSN:
        pytest.skip("no PostgreSQL: set SMART_DAIRY_TEST_DSN (make test does)")
    try:
        return db.connect(ADMIN_DSN, autocommit=True)
    except psycopg2.OperationalError as exc:
        pytest.skip(f"PostgreSQL at SMART_DAIRY_TEST_DSN is unreachable: {exc}")


@pytest.fixture(scope="session")
def admin_conn():
    conn = _admin_connection()
    yield conn
    conn.close()


@pytest.fixture
def scratch_dsn(admin_conn):
    """The DSN of a new empty database, dropped after the test."""
    name = f"sd_test_{uuid.uuid4().hex[:12]}"
    with admin_conn.cursor() as cur:
        cur.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    params = admin_conn.get_dsn_parameters()
    dsn = " ".join(
        f"{key}={value}" for key, value in params.items() if key in ("host", "port", "user")
    )
    password = psycopg2.extensions.parse_dsn(ADMIN_DSN).get("password")
    dsn += f" dbname={name}" + (f" password={password}" if password else "")
    yield dsn
    with admin_conn.cursor() as cur:
        cur.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))


@pytest.fixture
def conn(scratch_dsn):
    """A connection to a scratch database, closed after the test."""
    connection = db.connect(scratch_dsn)
    yield connection
    connection.close()
