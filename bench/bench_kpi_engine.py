"""Benchmark of the KPI engine on a synthetic sales fact of 1,000,000 lines.

Creates a scratch database, fills a fact table (2 years, 2 companies, 2
dimensions) with COPY, defines 25 KPIs and prints: full materialisation at day
and month grain with both dimensions, an incremental refresh after one new
day, and fetch() of 12 KPIs (90 days daily, 13 months monthly) against
computing the same numbers live from the fact table.

    SMART_DAIRY_TEST_DSN="host=127.0.0.1 port=55432 user=odoo password=odoo dbname=postgres" \
        .venv/bin/python bench/bench_kpi_engine.py [--rows 1000000] [--keep]
"""

import argparse
import dataclasses
import datetime as dt
import os
import random
import statistics
import time
import uuid

from psycopg2 import sql
from smart_dairy import db
from smart_dairy.kpi import (
    Aggregate,
    Catalogue,
    Companies,
    Fact,
    Kpi,
    Stamp,
    ValueTable,
    compute,
    create_value_table,
    fetch,
    refresh_incremental,
    refresh_range,
)
from smart_dairy.kpi.requests import Query

DSN = os.environ.get(
    "SMART_DAIRY_TEST_DSN", "host=127.0.0.1 port=55432 user=odoo password=odoo dbname=postgres"
)
FIRST_DAY = dt.date(2024, 1, 1)
DAYS = 731  # 2024 (leap) and 2025
COLUMNS = [
    "id", "company_id", "date", "region_id", "categ_id", "partner_id", "order_id",
    "channel", "promo", "qty", "price_unit", "amount", "cost", "margin", "changed_at",
]  # fmt: skip
CHANNELS = ("shop", "web", "wholesale", "export")
FACT = Fact(
    name="sales",
    relation="bench_sales",
    date_column="date",
    dimensions={"region": "region_id", "category": "categ_id"},
    measures={
        "qty": "qty",
        "price_unit": "price_unit",
        "amount": "amount",
        "cost": "cost",
        "margin": "margin",
    },
    changed_column="changed_at",
    extra_columns=("partner_id", "order_id", "channel", "promo"),
    boolean_columns={"promo"},
)
DIMS = ("region", "category")


def sales_rows(count, first_id, first_day, days, changed_at, seed):
    rng = random.Random(seed)
    for i in range(count):
        qty = rng.randint(1, 40) * (-1 if rng.random() < 0.02 else 1)
        price = round(rng.uniform(0.8, 25.0), 2)
        amount = round(qty * price, 2)
        cost = round(amount * rng.uniform(0.5, 0.9), 2)
        day = first_day + dt.timedelta(days=rng.randrange(days))
        yield (
            first_id + i, rng.choice((1, 2)), day, rng.randint(1, 8), rng.randint(1, 12),
            rng.randint(1, 5000), (first_id + i) // 4, rng.choice(CHANNELS),
            rng.random() < 0.15, qty, price, amount, cost, round(amount - cost, 2),
            changed_at or dt.datetime.combine(day, dt.time(20)) + dt.timedelta(
                minutes=rng.randrange(600)),
        )  # fmt: skip


def kpis():
    def agg(measure, function="sum", domain=()):
        return Aggregate("sales", measure, function, domain)

    web = [("channel", "=", "web")]
    items = [
        ("REV", "aggregate", {"aggregate": agg("amount")}),
        ("QTY", "aggregate", {"aggregate": agg("qty")}),
        ("COST", "aggregate", {"aggregate": agg("cost")}),
        ("LINES", "aggregate", {"aggregate": agg(None, "count")}),
        ("ORDERS", "aggregate", {"aggregate": agg("order_id", "count_distinct")}),
        ("CUSTOMERS", "aggregate", {"aggregate": agg("partner_id", "count_distinct")}),
        ("AVG_PRICE", "aggregate", {"aggregate": agg("price_unit", "avg")}),
        ("AVG_QTY", "aggregate", {"aggregate": agg("qty", "avg")}),
        ("MAX_LINE", "aggregate", {"aggregate": agg("amount", "max")}),
        ("MIN_LINE", "aggregate", {"aggregate": agg("amount", "min")}),
        ("WEB_REV", "aggregate", {"aggregate": agg("amount", domain=web)}),
        ("SHOP_REV", "aggregate", {"aggregate": agg("amount", domain=[("channel", "=", "shop")])}),
        (
            "TRADE_REV",
            "aggregate",
            {"aggregate": agg("amount", domain=[("channel", "in", ["wholesale", "export"])])},
        ),
        ("PROMO_REV", "aggregate", {"aggregate": agg("amount", domain=[("promo", "=", True)])}),
        ("BIG_LINES", "aggregate", {"aggregate": agg(None, "count", [("amount", ">", 500)])}),
        ("RETURN_QTY", "aggregate", {"aggregate": agg("qty", domain=[("qty", "<", 0)])}),
        ("MARGIN_PCT", "ratio", {"numerator": agg("margin"), "denominator": agg("amount")}),
        ("COST_PCT", "ratio", {"numerator": agg("cost"), "denominator": agg("amount")}),
        (
            "WEB_SHARE",
            "ratio",
            {"numerator": agg("amount", domain=web), "denominator": agg("amount")},
        ),
        ("REV_LINE", "ratio", {"numerator": agg("amount"), "denominator": agg(None, "count")}),
        ("GP", "formula", {"formula": "REV - COST"}),
        ("GP_ORDER", "formula", {"formula": "GP / ORDERS"}),
        ("UNITS_ORDER", "formula", {"formula": "QTY / ORDERS"}),
        ("NON_WEB_REV", "formula", {"formula": "REV - WEB_REV"}),
        ("CHANNEL_MIX", "formula", {"formula": "max(WEB_REV, SHOP_REV, TRADE_REV) / REV * 100"}),
    ]
    result = []
    for i, (code, kind, fields) in enumerate(items, start=1):
        scale = 100.0 if code.endswith(("_PCT", "_SHARE")) else 1.0
        result.append(
            Kpi(code, kind, dimensions=DIMS, grains=("day", "month"), scale=scale, id=i, **fields)
        )
    return result


def timed(fn):
    start = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--keep", action="store_true", help="keep the scratch database")
    args = parser.parse_args()
    admin = db.connect(DSN, autocommit=True)
    name = f"h_kpi_bench_{uuid.uuid4().hex[:8]}"
    with admin.cursor() as cur:
        cur.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    params = admin.get_dsn_parameters()
    password = db.psycopg2.extensions.parse_dsn(DSN).get("password")
    dsn = f"host={params['host']} port={params['port']} user={params['user']} dbname={name}"
    dsn += f" password={password}" if password else ""
    conn = db.connect(dsn)
    try:
        run(conn, args.rows)
    finally:
        conn.close()
        if args.keep:
            print(f"kept database {name}")
        else:
            with admin.cursor() as cur:
                cur.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))
        admin.close()


def run(conn, rows):
    cur = conn.cursor()
    cur.execute(
        """CREATE TABLE bench_sales (id int, company_id int NOT NULL, date date NOT NULL,
               region_id int, categ_id int, partner_id int, order_id int, channel varchar,
               promo boolean, qty float8, price_unit float8, amount numeric(14, 2),
               cost float8, margin float8, changed_at timestamp)"""
    )
    # Each row was last written the evening or night after its date.
    _, seconds = timed(
        lambda: db.copy_rows(
            cur, "bench_sales", COLUMNS, sales_rows(rows, 1, FIRST_DAY, DAYS, None, 1)
        )
    )
    cur.execute("CREATE INDEX ON bench_sales (date)")
    cur.execute("CREATE INDEX ON bench_sales (changed_at)")
    cur.execute("ANALYZE bench_sales")
    conn.commit()
    print(f"fact: {rows:,} rows loaded with COPY in {seconds:.1f} s")
    table = ValueTable()
    create_value_table(cur, table)
    conn.commit()
    definitions = kpis()
    facts = {"sales": FACT}
    catalogue = Catalogue(definitions, facts)
    companies = Companies([1, 2])
    last_day = FIRST_DAY + dt.timedelta(days=DAYS - 1)
    total = 0.0
    for grain in ("day", "month"):
        result, seconds = timed(
            lambda g=grain: refresh_range(
                cur, table, catalogue, [g], FIRST_DAY, last_day, companies, Stamp(run_id=1, uid=1)
            )
        )
        conn.commit()
        total += seconds
        print(
            f"full materialisation, {grain} grain, {len(definitions)} KPIs x 2 dimensions: "
            f"{seconds:.1f} s ({result.written:,} values)"
        )
    print(f"full materialisation, day + month: {total:.1f} s")
    cur.execute("ANALYZE smart_dairy_kpi_value")
    conn.commit()

    new_day = last_day + dt.timedelta(days=1)
    cur.execute("SELECT max(changed_at) FROM bench_sales")
    watermarks = {"sales": cur.fetchone()[0]}  # as left by the last incremental run
    per_day = rows // DAYS
    changed = watermarks["sales"] + dt.timedelta(hours=12)
    db.copy_rows(cur, "bench_sales", COLUMNS, sales_rows(per_day, rows + 1, new_day, 1, changed, 2))
    conn.commit()
    result, seconds = timed(
        lambda: refresh_incremental(
            cur, table, catalogue, ["day", "month"], watermarks, companies, Stamp(run_id=2)
        )
    )
    conn.commit()
    print(
        f"incremental refresh after one new day ({per_day:,} rows): {seconds:.2f} s "
        f"({result.written:,} values; periods { {g: len(p) for g, p in result.pairs.items()} })"
    )

    picked = ("MARGIN_PCT", "WEB_SHARE", "GP", "CHANNEL_MIX")
    chosen = definitions[:8] + [d for d in definitions if d.code in picked]
    day_from = new_day - dt.timedelta(days=89)
    month_from = dt.date(new_day.year - 1, new_day.month, 1)

    codes = [k.code for k in chosen]

    def query():
        fetch(cur, table, catalogue, Query(codes, "day", day_from, new_day), [1, 2])
        fetch(cur, table, catalogue, Query(codes, "month", month_from, new_day), [1, 2])

    samples = []
    for _ in range(25):
        _, seconds = timed(query)
        samples.append(seconds)
    fetched = statistics.median(samples[5:])
    print(
        f"fetch of {len(chosen)} KPIs (90 days daily + 13 months, with previous and last "
        f"year): median {fetched * 1000:.1f} ms"
    )
    totals_only = Catalogue([dataclasses.replace(k, dimensions=()) for k in definitions], facts)

    def live():
        # The same numbers without materialisation: current, previous and last-year periods.
        compute(cur, totals_only, None, "day", day_from - dt.timedelta(days=90), new_day,
                companies)  # fmt: skip
        compute(cur, totals_only, None, "day", day_from.replace(year=day_from.year - 1),
                new_day.replace(year=new_day.year - 1), companies)  # fmt: skip
        compute(cur, totals_only, None, "month",
                dt.date(month_from.year - 1, month_from.month, 1), new_day, companies)  # fmt: skip

    samples = [timed(live)[1] for _ in range(3)]
    live_seconds = statistics.median(samples)
    print(
        f"same numbers computed live from the fact table: {live_seconds * 1000:.0f} ms "
        f"(materialised fetch is {live_seconds / fetched:.0f}x faster)"
    )
    cur.close()


if __name__ == "__main__":
    main()
