"""Benchmark of the shipped data quality checks inside Odoo, on the scale database
(smart-dairy-scale: 1,000,000 order lines, 2,000 animals, 20,000,000 sensor readings).

Prints the time of each check (one SQL statement each, all companies at once), the
rows it examined and whether it passed, then the whole pass as the job runs it
(results, alerts, scores). Assertions: none; the figures are the result. Nothing is
committed: the transaction is rolled back at the end.

    .venv/bin/python bench/bench_quality_checks.py --odoo /opt/odoo19 -d sd_scale \
        --db_host 127.0.0.1 --db_port 55432 --db_user odoo --db_password odoo
"""

import argparse
import time

import odoo_env


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    odoo_env.add_arguments(parser)
    args = parser.parse_args()
    with odoo_env.environment(args) as env:
        from odoo import fields

        now = fields.Datetime.now()
        checks = env["smart.dairy.quality.check"].search([("active", "=", True)])
        print(f"{'check':<62} {'seconds':>8} {'examined':>11}  verdicts")
        total = 0.0
        for check in checks:
            start = time.perf_counter()
            results = check._run_checks(now)
            elapsed = time.perf_counter() - start
            total += elapsed
            verdicts = ",".join(sorted(set(results.mapped("state"))))
            examined = sum(results.mapped("examined"))
            print(f"{check.name[:62]:<62} {elapsed:8.3f} {examined:>11,}  {verdicts}", flush=True)
        print(f"{'sum of the checks':<62} {total:8.3f}")
        start = time.perf_counter()
        checks._cron_run_checks(now.replace(year=now.year + 1), commit=False)
        print(f"{'the job: every check, results, alerts, scores':<62} "
              f"{time.perf_counter() - start:8.3f}")  # fmt: skip
        env.cr.rollback()


if __name__ == "__main__":
    main()
