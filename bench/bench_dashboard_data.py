"""Benchmark of the one server call that loads a dashboard, on the scale database.

Prints the server time of ``smart.dairy.dashboard.get_dashboard_data`` (median of
``--repeat`` calls, after one warm-up call) for a shipped dashboard, with its
default filters (Executive: last 30 days by day) and with a year to date by
month. Values must be materialised first (``--materialise`` runs a full run of
the KPIs the dashboard uses over the last 400 days and keeps it).
Goal: < 100 ms for the Executive dashboard. Assertions: none.

    .venv/bin/python bench/bench_dashboard_data.py --odoo /opt/odoo19 -d h_scale_bench \
        --db_host 127.0.0.1 --db_port 55432 --db_user odoo --db_password odoo
"""

import argparse
import datetime as dt
import statistics
import time

import odoo_env


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    odoo_env.add_arguments(parser)
    parser.add_argument("--dashboard", default="executive", help="xmlid suffix: executive, ...")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--materialise", action="store_true", help="materialise and commit first")
    return parser.parse_args()


def median_ms(func, repeat):
    func()  # warm-up: registry caches, prepared catalogue
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        func()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000, min(times) * 1000


def main():
    args = parse_args()
    with odoo_env.environment(args) as env:
        cr = env.cr
        dashboard = env.ref(f"smart_dairy_bi.dashboard_{args.dashboard}")
        kpis = dashboard.widget_ids.kpi_ids
        if args.materialise:
            today = dt.date.today()
            start = time.perf_counter()
            run = env["smart.dairy.kpi.run"]._run(
                kpis, "manual", False, today - dt.timedelta(days=400), today
            )
            cr.commit()
            print(
                f"materialised {len(kpis)} KPIs over 400 days: {run.row_count:,} values, "
                f"{time.perf_counter() - start:.1f} s, state {run.state}"
            )
        cr.execute("SELECT count(*) FROM smart_dairy_kpi_value")
        print(f"database {args.database}: {cr.fetchone()[0]:,} KPI values")
        # A Smart Dairy user's view of it, as the web client calls it.
        user = env.ref("base.user_admin")
        model = (
            env["smart.dairy.dashboard"]
            .with_user(user)
            .with_context(allowed_company_ids=user.company_ids.ids)
        )
        print(f"dashboard {dashboard.name}: {len(dashboard.widget_ids)} widgets, {len(kpis)} KPIs")
        for label, filters in (
            ("default filters", {"preset": dashboard.default_preset}),
            ("year to date (by month)", {"preset": "year_to_date"}),
            ("last 90 days (by day)", {"preset": "last_90_days"}),
        ):
            median, best = median_ms(
                lambda filters=filters: model.get_dashboard_data(dashboard.id, filters),
                args.repeat,
            )
            print(f"get_dashboard_data, {label:<26} median {median:7.1f} ms  best {best:7.1f} ms")
        cr.rollback()


if __name__ == "__main__":
    main()
