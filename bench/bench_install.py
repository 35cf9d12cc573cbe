"""Install time with demo data: the suite against Odoo's own modules, side by side.

Installs, each into a scratch database, first the Odoo modules the suite depends on
with their demo data, then the four addons with demo data (which installs the same
Odoo modules first), and prints both wall times, the suite's share (the difference),
their ratio and the demo phases the suite logs. The two runs share the machine's
state of the moment, so the suite's share is steadier than either wall time.
"""

import argparse
import re
import subprocess
import sys
import time

import psycopg2
from odoo_env import ROOT
from psycopg2 import sql

ODOO_MODULES = "sale_management,sale_stock,account,stock,stock_account,rpc,mail,product"
SUITE = "smart_dairy_base,smart_dairy_bi,smart_dairy_iot,smart_dairy_forecast"
PHASE = re.compile(r"(Generated Smart Dairy [\w ]+ demo): .* in ([\d.]+) s(?: \((.*)\))?")


def install(args, database, modules):
    """Install ``modules`` with demo data into a fresh ``database``: (seconds, log)."""
    admin = psycopg2.connect(
        host=args.db_host,
        port=args.db_port,
        user=args.db_user,
        password=args.db_password,
        dbname="postgres",
    )
    admin.autocommit = True
    with admin.cursor() as cur:
        cur.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(database))
        )
    admin.close()
    command = [
        sys.executable,
        f"{args.odoo}/odoo-bin",
        f"--addons-path={args.odoo}/addons,{ROOT / 'addons'}",
        "-d",
        database,
        f"--db_host={args.db_host}",
        f"--db_port={args.db_port}",
        f"--db_user={args.db_user}",
        f"--db_password={args.db_password}",
        "--no-http",
        "--stop-after-init",
        "--with-demo",
        "--log-level=info",
        "-i",
        modules,
    ]
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, check=True)
    return time.perf_counter() - started, done.stderr + done.stdout


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--odoo", required=True, help="Odoo 19 source tree")
    parser.add_argument("--db_host", default="127.0.0.1")
    parser.add_argument("--db_port", default="55432")
    parser.add_argument("--db_user", default="odoo")
    parser.add_argument("--db_password", default="odoo")
    parser.add_argument("--prefix", default="sd_bench_install")
    args = parser.parse_args()
    odoo_seconds, _log = install(args, f"{args.prefix}_odoo", ODOO_MODULES)
    print(f"Odoo's own modules with demo ({ODOO_MODULES}): {odoo_seconds:.1f} s")
    suite_seconds, log = install(args, f"{args.prefix}_suite", SUITE)
    print(f"the four addons with demo (Odoo's modules included): {suite_seconds:.1f} s")
    print(
        f"the suite's share: {suite_seconds - odoo_seconds:.1f} s "
        f"(x{suite_seconds / odoo_seconds:.2f} of Odoo's own install)"
    )
    for name, seconds, phases in PHASE.findall(log):
        print(f"  {name}: {seconds} s" + (f" ({phases})" if phases else ""))


if __name__ == "__main__":
    main()
