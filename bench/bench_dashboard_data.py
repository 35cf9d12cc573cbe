"""Benchmark of the one server call that loads a dashboard, on the scale database.

Prints the server time of ``smart.dairy.dashboard.get_dashboard_data`` (median of
``--repeat`` calls, after one warm-up call) for a shipped dashboard, with its
default filters (Executive: last 30 days by day) and with a year to date by
month. Values must be materialised first (``--materialise`` runs a full run of
the KPIs the dashboard uses over the last 400 days and keeps it).
``--combined`` also times, without the payload cache, the dashboard over the last
365 days (by month) under two dimension filters at once (the busiest region with
its busiest product category, then with its busiest sales channel) and, per widget,
the engine calls that read its values ("filtered": several filters at once).
Goal: < 100 ms for the Executive dashboard, and per widget. Assertions: none.

    .venv/bin/python bench/bench_dashboard_data.py --odoo /opt/odoo19 -d h_scale_bench \
        --db_host 127.0.0.1 --db_port 55432 --db_user odoo --db_password odoo
"""

import argparse
import datetime as dt
import statistics
import time

import odoo_env

# The dimension pairs ``--combined`` filters by: (label, second filter, its fact column).
PAIRS = (
    ("region + category", "categ_ids", "categ_id"),
    ("region + channel", "team_ids", "team_id"),
)


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    odoo_env.add_arguments(parser)
    parser.add_argument("--dashboard", default="executive", help="xmlid suffix: executive, ...")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--materialise", action="store_true", help="materialise and commit first")
    parser.add_argument("--combined", action="store_true", help="time two filters at once")
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
        if args.combined:
            combined(model, dashboard, args.repeat)
        cr.rollback()


def busiest(cr, column, where="TRUE", params=()):
    """The value of ``column`` with the most order lines over the last 365 days."""
    cr.execute(
        f"SELECT {column} FROM smart_dairy_fact_sales WHERE date > current_date - 365 "
        f"AND {column} IS NOT NULL AND {where} GROUP BY 1 ORDER BY count(*) DESC LIMIT 1",
        params,
    )
    return cr.fetchone()[0]


def combined(model, dashboard, repeat):
    """Uncached dashboard and per-widget engine times under two filters at once."""
    from odoo.addons.smart_dairy_bi.models.smart_dairy_dashboard import _Context

    env = model.env
    today = dt.date.today()
    region = busiest(env.cr, "region_id")
    for label, key, column in PAIRS:
        other = busiest(env.cr, column, "region_id = %s", [region])
        filters = dashboard.with_env(env)._effective_filters(
            {
                "preset": "custom",
                "date_from": (today - dt.timedelta(days=364)).isoformat(),
                "date_to": today.isoformat(),
                "region_ids": [region],
                key: [other],
            }
        )
        median, best = median_ms(lambda f=filters: dashboard.with_env(env)._payload(f), repeat)
        print(f"{label}, last 365 days: dashboard uncached median {median:7.1f} ms  "
              f"best {best:7.1f} ms")  # fmt: skip
        for widget in dashboard.widget_ids:
            context = _Context(env, filters)
            if not context.shows(widget):
                continue
            plan = context.plan(widget)
            if not plan["keys"]:
                continue
            median, best = median_ms(context.load, repeat)
            modes = ", ".join(sorted({request[0] for request in context.requests}))
            print(f"  widget {widget.title!r} ({modes}): median {median:6.1f} ms  "
                  f"best {best:6.1f} ms")  # fmt: skip


if __name__ == "__main__":
    main()
