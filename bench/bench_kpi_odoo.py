"""Benchmark of KPI materialisation and the query API inside Odoo, on the scale
database (smart-dairy-scale: 1,000,000 order lines over 2 years, 2,000 animals).

Prints: a full materialisation of the shipped catalogue at day and month grain
(with its breakdowns), an incremental refresh after one new day of orders, and
the query API for an executive dashboard (12 KPIs, 90 days daily plus 13 months
monthly) against computing the same numbers live from the fact views.
Assertions: none; the figures are the result.

    .venv/bin/python bench/bench_kpi_odoo.py --odoo /opt/odoo19 -d sd_scale \
        --db_host 127.0.0.1 --db_port 55432 --db_user odoo --db_password odoo
"""

import argparse
import datetime as dt
import statistics
import time

import odoo_env

EXECUTIVE = [
    "REVENUE",
    "NET_REVENUE",
    "ORDERS",
    "AOV",
    "GROSS_MARGIN",
    "PRODUCTION",
    "LITRES_PER_COW",
    "QUALITY_PREMIUM_RATE",
    "AVG_SCC",
    "ACTIVE_CUSTOMERS",
    "CAPACITY_UTILISATION",
    "OTIF",
]


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    odoo_env.add_arguments(parser)
    parser.add_argument("--repeat", type=int, default=5, help="query API repetitions")
    parser.add_argument("--skip-full", action="store_true", help="reuse stored values")
    return parser.parse_args()


def timed(label, func, *args, **kwargs):
    start = time.perf_counter()
    result = func(*args, **kwargs)
    elapsed = time.perf_counter() - start
    print(f"{label:<58} {elapsed:9.3f} s", flush=True)
    return result, elapsed


def live_values(env, kpis, date_from, date_to):
    """The same numbers computed from the fact views at query time (engine.compute)."""
    from smart_dairy import kpi as engine

    catalogue = env["smart.dairy.kpi"]._catalogue()
    companies = engine.Companies(env.companies.ids)
    engine.compute(env.cr, catalogue, kpis, "day", date_from, date_to, companies)
    months_from = (date_to - dt.timedelta(days=366)).replace(day=1)
    engine.compute(env.cr, catalogue, kpis, "month", months_from, date_to, companies)


def main():
    args = parse_args()
    with odoo_env.environment(args) as env:
        cr = env.cr
        kpis = env["smart.dairy.kpi"].search([])
        for kpi in kpis:
            kpi.write({"grain_day": True, "grain_month": True})
        cr.execute("SELECT count(*), min(date), max(date) FROM smart_dairy_fact_sales")
        lines, first, last = cr.fetchone()
        cr.execute("SELECT count(*) FROM smart_dairy_milking")
        print(
            f"database {args.database}: {lines:,} order lines {first} .. {last}, "
            f"{cr.fetchone()[0]:,} milkings; {len(kpis)} KPIs"
        )
        Run = env["smart.dairy.kpi.run"]
        if not args.skip_full:
            run, _ = timed(
                "full materialisation, day + month, with breakdowns",
                Run._run,
                kpis,
                "manual",
                False,
                first,
                last,
            )
            print(f"  {run.row_count:,} values, state {run.state} {run.error or ''}")
        # The generator stamps rows with their order time, some later today; a live
        # database has no write_date in the future (this transaction is rolled back).
        for table in ("sale_order", "sale_order_line", "smart_dairy_milking", "smart_dairy_feed"):
            cr.execute(
                f"UPDATE {table} SET write_date = now() AT TIME ZONE 'UTC' - interval '1 hour'"
                " WHERE write_date > now() AT TIME ZONE 'UTC' - interval '1 hour'"
            )
        Run._run(kpis, "incremental", False)  # sets the watermarks
        cr.execute(
            """INSERT INTO sale_order_line (order_id, name, product_uom_qty, price_unit,
                   customer_lead, company_id, currency_id, order_partner_id, product_id,
                   product_uom_id, state,
                   price_subtotal, price_total, price_tax, discount, qty_delivered, write_date,
                   create_date)
               SELECT order_id, name, product_uom_qty, price_unit, customer_lead, company_id,
                      currency_id, order_partner_id, product_id, product_uom_id, state,
                      price_subtotal, price_total, price_tax, discount, qty_delivered,
                      now() + interval '1 hour', now()
                 FROM sale_order_line
                WHERE order_id IN (SELECT id FROM sale_order WHERE date_order::date = %s)""",
            [last],
        )
        print(f"added {cr.rowcount:,} order lines to the orders of {last}")
        run, _ = timed(
            "incremental refresh after one new day", Run._run, kpis, "incremental", False
        )
        print(f"  {run.period_count} periods, {run.row_count:,} values, state {run.state}")
        Kpi = env["smart.dairy.kpi"]
        date_to = last
        query = []
        for _ in range(args.repeat):
            start = time.perf_counter()
            Kpi.get_values(EXECUTIVE, "day", date_to - dt.timedelta(days=89), date_to)
            Kpi.get_values(
                EXECUTIVE, "month", (date_to - dt.timedelta(days=366)).replace(day=1), date_to
            )
            query.append(time.perf_counter() - start)
        median = statistics.median(query)
        print(f"{'query API, 12 KPIs, 90 days daily + 13 months (median)':<58} {median:9.3f} s")
        _, live = timed(
            "same numbers computed live from the fact views",
            live_values,
            env,
            EXECUTIVE,
            date_to - dt.timedelta(days=89),
            date_to,
        )
        print(f"  live / materialised: {live / median:,.0f}x")
        cr.rollback()


if __name__ == "__main__":
    main()
