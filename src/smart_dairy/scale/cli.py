"""``smart-dairy-scale``: fill a Smart Dairy database with benchmark volumes.

Example::

    smart-dairy-scale --dsn "host=127.0.0.1 port=55432 user=odoo dbname=bench" \\
        --seed 42 --order-lines 1000000 --animals 2000 --years 2 \\
        --sensor-readings 20000000

The same seed, sizes and end date give the same rows. Master data (products,
customers, teams, salespeople) is reused by later runs; facts are appended.
"""

import argparse
import datetime
import sys
import time

import numpy as np
import psycopg2
from psycopg2 import sql
from smart_dairy import db, timeseries
from smart_dairy.scale import bulk, farm, master, sales, sensors

DOMAINS = ("sales", "farm", "sensors")
LOCK_NAME = "smart_dairy.scale"
ANALYZED = (
    "res_partner",
    "product_product",
    "product_template",
    "sale_order",
    "sale_order_line",
    "account_tax_sale_order_line_rel",
    "smart_dairy_farm",
    "smart_dairy_animal",
    "smart_dairy_milking",
    "smart_dairy_feed",
)


def _domains(value):
    chosen = tuple(part.strip() for part in value.split(",") if part.strip())
    unknown = set(chosen) - set(DOMAINS)
    if unknown or not chosen:
        raise argparse.ArgumentTypeError(
            f"--only takes a comma-separated list of {', '.join(DOMAINS)}"
        )
    return chosen


def _non_negative(value):
    number = int(value)
    if number < 0:
        raise argparse.ArgumentTypeError("must be zero or more")
    return number


def parser():
    p = argparse.ArgumentParser(prog="smart-dairy-scale", description=__doc__.split("\n")[0])
    p.add_argument("--dsn", required=True, help="libpq DSN of an Odoo database with the suite")
    p.add_argument("--seed", type=int, default=42)
    p.add_argument("--order-lines", type=_non_negative, default=1_000_000)
    p.add_argument("--animals", type=_non_negative, default=2_000)
    p.add_argument("--years", type=float, default=2.0, help="length of the period, in years")
    p.add_argument("--sensor-readings", type=_non_negative, default=20_000_000)
    p.add_argument("--companies", type=int, default=1, help="spread data over N companies")
    p.add_argument(
        "--customers",
        type=_non_negative,
        default=None,
        help="customers to have (default: order lines / 400, at least 50)",
    )
    p.add_argument(
        "--end-date",
        type=datetime.date.fromisoformat,
        default=None,
        help="last day of the period (default: today, UTC)",
    )
    p.add_argument(
        "--only",
        type=_domains,
        default=DOMAINS,
        help="comma-separated subset of: sales,farm,sensors",
    )
    p.add_argument(
        "--plain-readings",
        action="store_true",
        help="store sensor readings in a plain table even if TimescaleDB is there",
    )
    return p


def period(years, end_date):
    end = np.datetime64(end_date or datetime.datetime.now(datetime.timezone.utc).date(), "D")
    days = max(1, round(365.25 * years))
    return end - (days - 1) * np.timedelta64(1, "D"), end


def run(args, out=sys.stdout):
    """Fill the database; return the load report. Raises master.SuiteMissing."""
    report = bulk.LoadReport(out=out)
    start, end = period(args.years, args.end_date)
    wall = time.perf_counter()
    conn = db.connect(args.dsn, application_name="smart-dairy-scale")
    try:
        with conn.cursor() as cur, db.advisory_lock(cur, LOCK_NAME) as locked:
            if not locked:
                raise master.SuiteMissing("another smart-dairy-scale run holds this database")
            master.check_suite(cur)
            print(
                f"smart-dairy-scale: seed {args.seed}, period {start} .. {end}, "
                f"{args.companies} compan{'y' if args.companies == 1 else 'ies'}, "
                f"domains {','.join(args.only)}",
                file=out,
                flush=True,
            )
            cur.execute("SET synchronous_commit = off")
            cur.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
            superuser = cur.fetchone()[0]
            companies = master.companies(cur, args.companies)
            uid = master.admin_uid(cur)
            regions = master.regions(cur)
            conn.commit()
            if superuser:
                # Skip foreign-key triggers during the load: every reference is
                # generated from ids read or reserved in this very transaction.
                cur.execute("SET session_replication_role = replica")
            farm_args = _farm_args(cur, args, start, end, companies, regions, uid)
            if "sales" in args.only:
                _load_sales(cur, args, start, end, companies, regions, uid, report)
                conn.commit()
            herd = None
            if "farm" in args.only:
                _plan, herd = farm.load(cur, farm_args, report, _stamp())
                conn.commit()
            cur.execute("SET session_replication_role = DEFAULT")
            conn.commit()
            if "sensors" in args.only:
                herd = herd or farm.herd(farm.FarmPlan(**farm_args))
                _load_sensors(args, start, end, companies, herd, report)
                conn.commit()
            conn.autocommit = True
            analyzed = time.perf_counter()
            for schema, name in [("public", table) for table in ANALYZED] + [
                (timeseries.SCHEMA, timeseries.TABLE)
            ]:
                if db.table_exists(cur, name, schema):
                    cur.execute(sql.SQL("ANALYZE {}").format(sql.Identifier(schema, name)))
            report.progress(f"ANALYZE done in {time.perf_counter() - analyzed:.1f} s")
        report.summary(time.perf_counter() - wall)
    finally:
        conn.close()
    return report


def _stamp():
    return datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M:%S")


def _farm_args(cur, args, start, end, companies, regions, uid):
    _products, feeds = master.catalogue(cur, companies, uid)
    return {
        "seed": args.seed,
        "animals": args.animals,
        "start": start,
        "end": end,
        "company_ids": np.array([c.id for c in companies], dtype=np.int64),
        "region_ids": np.array([r[0] for r in regions], dtype=np.int64),
        "thresholds": tuple(c.thresholds for c in companies),
        "feed_product_ids": tuple(feeds),
        "feed_costs": tuple(item[2] for item in master.FEEDS),
        "feed_kg_per_cow": tuple(item[3] for item in master.FEEDS),
        "uid": uid,
    }


def _load_sales(cur, args, start, end, companies, regions, uid, report):
    started = time.perf_counter()
    catalogue, _feeds = master.catalogue(cur, companies, uid)
    teams = master.sales_teams(cur, companies, regions, uid)
    wanted = args.customers if args.customers is not None else max(50, args.order_lines // 400)
    customers = master.customers(cur, companies, regions, teams, wanted, args.seed, uid)
    report.progress(
        f"master data: {len(catalogue.product_ids)} products, {len(teams)} teams, "
        f"{len(customers.partner_ids):,} customers ({time.perf_counter() - started:.1f} s)"
    )
    for table, columns in (
        ("sale_order", sales.ORDER_COLUMNS),
        ("sale_order_line", sales.LINE_COLUMNS),
    ):
        master.check_columns(cur, table, columns)
    sales.load(
        cur,
        {
            "seed": args.seed,
            "order_lines": args.order_lines,
            "start": start,
            "end": end,
            "company_ids": np.array([c.id for c in companies], dtype=np.int64),
            "currency_ids": np.array([c.currency_id for c in companies], dtype=np.int64),
            "warehouse_ids": np.array([c.warehouse_id or 0 for c in companies], dtype=np.int64),
            "tax_ids": np.array([c.tax_id or 0 for c in companies], dtype=np.int64),
            "tax_rates": np.array([c.tax_rate if c.tax_id else 0.0 for c in companies]),
            "catalogue": catalogue,
            "customers": customers,
            "uid": uid,
        },
        report,
    )


def _load_sensors(args, start, end, companies, herd, report):
    company_ids = np.array([c.id for c in companies], dtype=np.int64)
    plan = sensors.SensorPlan(
        seed=args.seed,
        readings=args.sensor_readings,
        start=start,
        end=end,
        farm_companies=company_ids[herd.farm_company],
        animal_companies=company_ids[herd.farm_company[herd.animal_farm]],
        farm_capacity=np.bincount(herd.animal_farm, minlength=len(herd.farm_ids)) * 35.0,
        farm_ids=herd.farm_ids,
        animal_ids=herd.animal_ids,
        animal_farms=herd.animal_farm,
    )
    sensors.load(
        lambda: db.connect(args.dsn, application_name="smart-dairy-scale"),
        plan,
        report,
        plain=args.plain_readings,
    )


def main(argv=None):
    args = parser().parse_args(argv)
    try:
        run(args)
    except master.SuiteMissing as exc:
        print(f"smart-dairy-scale: refused: {exc}", file=sys.stderr)
        return 2
    except psycopg2.OperationalError as exc:
        print(f"smart-dairy-scale: cannot connect: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
