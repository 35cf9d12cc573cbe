"""Crafted tables with known violations for the data quality suites."""

import datetime as dt
import types

import pytest
from smart_dairy import db

DAY = dt.date(2026, 3, 4)
# The farms 1 and 2 exist; 99 does not.
FARMS = [(1, 1, "North"), (2, 2, "South")]
# Milkings: company 1 holds ids 1..60, company 2 ids 61..100.
NULL_VOLUME = {5, 7, 70}
DUPLICATES = {10, 11}
BAD_SESSION = {20}
OUT_OF_RANGE = {30}
MISSING_FARM = {40}
NO_FARM = {41}


def _milking(i):
    company = 1 if i <= 60 else 2
    volume = None if i in NULL_VOLUME else (500.0 if i in OUT_OF_RANGE else 10.0 + i % 7)
    session = "noon" if i in BAD_SESSION else ("morning" if i % 2 else "evening")
    animal, day = i, DAY
    if i in DUPLICATES:
        animal, session = 1000, "morning"
    farm = 99 if i in MISSING_FARM else (None if i in NO_FARM else company)
    return (i, company, animal, day, session, volume, farm)


@pytest.fixture
def known():
    """The ids of the milkings that break each rule."""
    return types.SimpleNamespace(
        null_volume=NULL_VOLUME,
        duplicates=DUPLICATES,
        bad_session=BAD_SESSION,
        out_of_range=OUT_OF_RANGE,
        missing_farm=MISSING_FARM,
    )


@pytest.fixture
def cur(conn):
    cursor = conn.cursor()
    yield cursor
    cursor.close()


@pytest.fixture
def farm_tables(cur):
    cur.execute("CREATE TABLE farm (id int PRIMARY KEY, company_id int, name varchar)")
    cur.execute(
        """CREATE TABLE milking (id int PRIMARY KEY, company_id int, animal_id int, date date,
               session varchar, volume float8, farm_id int)"""
    )
    db.copy_rows(cur, "farm", ["id", "company_id", "name"], FARMS)
    db.copy_rows(
        cur,
        "milking",
        ["id", "company_id", "animal_id", "date", "session", "volume", "farm_id"],
        [_milking(i) for i in range(1, 101)],
    )
    return cur


@pytest.fixture
def ledger(cur):
    """Journal items: entry 1 balances, 2 is off by 5, 3 by 0.001, 4 (a draft) by 7."""
    cur.execute(
        """CREATE TABLE move_line (id serial PRIMARY KEY, company_id int, move_id int,
               balance numeric(16, 3), parent_state varchar)"""
    )
    rows = [
        (1, 1, 100, "posted"), (1, 1, -100, "posted"),
        (1, 2, 50, "posted"), (1, 2, -45, "posted"),
        (2, 3, 20.001, "posted"), (2, 3, -20, "posted"),
        (1, 4, 7, "draft"),
    ]  # fmt: skip
    db.copy_rows(cur, "move_line", ["company_id", "move_id", "balance", "parent_state"], rows)
    return cur


@pytest.fixture
def readings(cur):
    """Sensor readings (timestamptz): device 1 fresh, device 2 silent for 30 hours."""
    cur.execute(
        "CREATE TABLE reading (time timestamptz, device_id int, company_id int, value float8)"
    )
    now = dt.datetime(2026, 3, 5, 12, 0, tzinfo=dt.timezone.utc)
    rows = [(now - dt.timedelta(minutes=m), 1, 1, 1.0) for m in (5, 65, 125)]
    rows += [(now - dt.timedelta(hours=h), 2, 1, 1.0) for h in (30, 31)]
    db.copy_rows(cur, "reading", ["time", "device_id", "company_id", "value"], rows)
    return cur, now.replace(tzinfo=None)
