"""Benchmark of the scale generator: rows per second per table and overall.

Runs ``smart-dairy-scale`` at a configurable scale against a database in which
the Smart Dairy suite is installed, then prints the per-table figures and the
row counts the database reports. No timing assertions: the figures are for
reading and for comparing runs.

    python bench/bench_scale_generator.py --dsn "host=127.0.0.1 port=55432 \\
        user=odoo password=odoo dbname=h_scale_bench" --order-lines 1000000 \\
        --animals 2000 --years 2 --sensor-readings 20000000
"""

import argparse
import os
import platform
import sys

from psycopg2 import sql
from smart_dairy import db
from smart_dairy.scale import cli, master

DEFAULT_DSN = os.environ.get(
    "SMART_DAIRY_BENCH_DSN",
    "host=127.0.0.1 port=55432 user=odoo password=odoo dbname=h_scale_bench",
)
COUNTED = (
    "sale_order",
    "sale_order_line",
    "smart_dairy_farm",
    "smart_dairy_animal",
    "smart_dairy_milking",
    "smart_dairy_feed",
    "smart_dairy_ts.reading",
)


def main(argv=None):
    bench = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    bench.add_argument("--dsn", default=DEFAULT_DSN)
    bench.add_argument("--seed", type=int, default=42)
    bench.add_argument("--order-lines", type=int, default=100_000)
    bench.add_argument("--animals", type=int, default=500)
    bench.add_argument("--years", type=float, default=2.0)
    bench.add_argument("--sensor-readings", type=int, default=2_000_000)
    bench.add_argument("--companies", type=int, default=1)
    bench.add_argument("--only", default=",".join(cli.DOMAINS))
    options = bench.parse_args(argv)
    args = cli.parser().parse_args(
        [
            "--dsn",
            options.dsn,
            "--seed",
            str(options.seed),
            "--order-lines",
            str(options.order_lines),
            "--animals",
            str(options.animals),
            "--years",
            str(options.years),
            "--sensor-readings",
            str(options.sensor_readings),
            "--companies",
            str(options.companies),
            "--only",
            options.only,
        ]
    )
    print(
        f"# scale generator benchmark on {platform.node()}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}"
    )
    try:
        report = cli.run(args)
    except master.SuiteMissing as exc:
        print(f"refused: {exc}", file=sys.stderr)
        return 2
    loaded = sum(rows for rows, _seconds in report.tables.values())
    print(f"# generated rows: {loaded:,}")
    conn = db.connect(options.dsn)
    try:
        with conn.cursor() as cur:
            print("# rows now in the database (all runs):")
            for table in COUNTED:
                schema, _, name = table.rpartition(".")
                if db.table_exists(cur, name, schema or "public"):
                    target = sql.Identifier(schema or "public", name)
                    cur.execute(sql.SQL("SELECT count(*) FROM {}").format(target))
                    print(f"#   {table:<32} {cur.fetchone()[0]:>14,}")
    finally:
        conn.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
