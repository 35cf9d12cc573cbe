"""A sales fact table with random rows, and the matching Fact, for the KPI suites."""

import datetime as dt
import random

import pytest
from smart_dairy import db
from smart_dairy.kpi import Catalogue, Fact

REGIONS = ("north", "south", "east", None)
PRODUCTS = ("milk", "cheese", "butter", "yogurt")
CHANNELS = ("shop", "web", "wholesale", None)
START = dt.date(2023, 1, 1)
DAYS = 500


def random_sales(count, seed=7):
    rng = random.Random(seed)
    rows = []
    for i in range(count):
        day = START + dt.timedelta(days=rng.randrange(DAYS))
        qty = rng.randint(1, 20)
        price = rng.choice((1.25, 2.5, 4.0, 7.75))
        rows.append(
            (
                i + 1,
                rng.choice((1, 1, 2, 3)),
                day,
                rng.choice(REGIONS),
                rng.choice(PRODUCTS),
                rng.randint(1, 60),
                float(qty),
                round(qty * price, 2),
                round(qty * price * rng.uniform(0.4, 0.9), 2),
                rng.choice(CHANNELS),
                rng.random() < 0.3,
                dt.datetime(2024, 6, 1) + dt.timedelta(minutes=i),
            )
        )
    return rows


COLUMNS = [
    "id",
    "company_id",
    "date",
    "region",
    "product",
    "customer_id",
    "qty",
    "amount",
    "cost",
    "channel",
    "promo",
    "changed_at",
]


@pytest.fixture
def catalogue_of(sales_fact):
    """Builds the Catalogue of the given KPIs over the sales fact."""
    return lambda *kpis: Catalogue(kpis, {"sales": sales_fact})


@pytest.fixture
def sales_fact():
    return Fact(
        name="sales",
        relation="fact_sales",
        date_column="date",
        dimensions={"region": "region", "product": "product"},
        measures={"qty": "qty", "amount": "amount", "cost": "cost"},
        changed_column="changed_at",
        extra_columns=("customer_id", "channel", "promo", "id"),
        boolean_columns={"promo"},
    )


@pytest.fixture
def sales(conn):
    """(cursor, rows): fact_sales filled with a few thousand random rows."""
    rows = random_sales(4000)
    cur = conn.cursor()
    cur.execute(
        """CREATE TABLE fact_sales (id int PRIMARY KEY, company_id int NOT NULL, date date,
               region varchar, product varchar, customer_id int, qty float8,
               amount numeric(12, 2), cost float8, channel varchar, promo boolean,
               changed_at timestamp)"""
    )
    db.copy_rows(cur, "fact_sales", COLUMNS, rows)
    yield cur, [dict(zip(COLUMNS, row, strict=True)) for row in rows]
    cur.close()
