"""Benchmark of the shipped data quality checks inside Odoo, on the scale database
(smart-dairy-scale: 1,000,000 order lines, 2,000 animals, 20,000,000 sensor readings).

Prints the time of each check run alone (one SQL statement each, all companies at
once), the rows it examined and whether it passed, then the whole pass as the job runs
it (row checks over the same rows sharing one scan; results, alerts, scores).
``--checks N`` first declares more checks of the kinds the catalogue ships, on the
same facts and models (MORE_CHECKS, in turn), until N are active. Assertions: none;
the figures are the result. Nothing is committed: the transaction is rolled back.

    .venv/bin/python bench/bench_quality_checks.py --odoo /opt/odoo19 -d sd_scale \
        --db_host 127.0.0.1 --db_port 55432 --db_user odoo --db_password odoo --checks 50
"""

import argparse
import time

import odoo_env

SALES, MILK, MILKING = "smart.dairy.fact.sales", "smart.dairy.fact.milk", "smart.dairy.milking"
# Checks an analyst might add beside the catalogue: (model, kind, columns, values).
MORE_CHECKS = [
    (SALES, "not_null", "order_id", {}),
    (SALES, "not_null", "categ_id", {}),
    (SALES, "not_null", "team_id", {"tolerance_pct": 5}),
    (SALES, "not_null", "user_id", {"tolerance_pct": 5}),
    (SALES, "not_null", "currency_id", {}),
    (SALES, "not_null", "cost_amount", {"tolerance_pct": 1}),
    (SALES, "value_in_range", "quantity", {"bounds": "minimum", "minimum": 0}),
    (SALES, "value_in_range", "net_amount", {"bounds": "minimum", "minimum": 0}),
    (SALES, "value_in_range", "discount_amount", {"bounds": "minimum", "minimum": 0}),
    (SALES, "value_in_range", "tax_amount", {"bounds": "minimum", "minimum": 0}),
    (SALES, "value_in_range", "on_time", {"bounds": "both", "minimum": 0, "maximum": 1}),
    (SALES, "value_in_range", "in_full", {"bounds": "both", "minimum": 0, "maximum": 1}),
    (SALES, "value_in_range", "otif", {"bounds": "both", "minimum": 0, "maximum": 1}),
    (SALES, "referential", "order_id", {"ref": "sale.order"}),
    (SALES, "referential", "categ_id", {"ref": "product.category"}),
    (SALES, "referential", "user_id", {"ref": "res.users"}),
    (
        SALES,
        "accepted_values",
        "customer_segment",
        {"accepted_values": "retail,wholesale,horeca,distributor,other"},
    ),
    (MILK, "not_null", "animal_id", {}),
    (MILK, "not_null", "session", {}),
    (MILK, "not_null", "mass_kg", {}),
    (MILK, "value_in_range", "fat_pct", {"bounds": "both", "minimum": 2, "maximum": 7}),
    (MILK, "value_in_range", "protein_pct", {"bounds": "both", "minimum": 2, "maximum": 5}),
    (MILK, "value_in_range", "scc", {"bounds": "both", "minimum": 0, "maximum": 5_000_000}),
    (MILK, "value_in_range", "is_premium", {"bounds": "both", "minimum": 0, "maximum": 1}),
    (MILK, "referential", "animal_id", {"ref": "smart.dairy.animal"}),
    (MILK, "accepted_values", "quality_grade", {"accepted_values": "premium,a,b,c,ungraded"}),
    (MILKING, "not_null", "date", {}),
    (MILKING, "not_null", "company_id", {}),
    (MILKING, "value_in_range", "fat_pct", {"bounds": "both", "minimum": 2, "maximum": 7}),
    (MILKING, "value_in_range", "protein_pct", {"bounds": "both", "minimum": 2, "maximum": 5}),
    (MILKING, "referential", "animal_id", {"ref": "smart.dairy.animal"}),
    (MILKING, "referential", "farm_id", {"ref": "smart.dairy.farm"}),
    (MILKING, "unique", "animal_id, date, session, volume", {}),
    (MILKING, "freshness", "create_date", {"max_age_hours": 48}),
    (SALES, "row_count", "date", {"weeks": 8, "z_limit": 3}),
]


def declare(env, wanted):
    """Add checks from MORE_CHECKS (in turn, then again with another tolerance) until
    ``wanted`` are active."""
    Check, Model = env["smart.dairy.quality.check"], env["ir.model"]
    missing = wanted - Check.search_count([("active", "=", True)])
    values = []
    for index in range(max(missing, 0)):
        model, kind, columns, extra = MORE_CHECKS[index % len(MORE_CHECKS)]
        extra = dict(extra)
        ref = extra.pop("ref", None)
        if ref:
            extra["ref_model_id"] = Model._get(ref).id
        if index >= len(MORE_CHECKS) and kind == "not_null":
            extra["tolerance_pct"] = 0.5
        values.append(
            {"name": f"Bench {index + 1}: {kind} of {columns} ({model})",
             "model_id": Model._get(model).id, "kind": kind, "column_names": columns,
             "area": "farm" if model != SALES else "sales", **extra}
        )  # fmt: skip
    return Check.create(values)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    odoo_env.add_arguments(parser)
    parser.add_argument("--checks", type=int, default=0, help="active checks to run (at least)")
    args = parser.parse_args()
    with odoo_env.environment(args) as env:
        from odoo import fields

        now = fields.Datetime.now()
        declare(env, args.checks)
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
        print(f"{'sum of the checks, one statement each':<62} {total:8.3f}")
        batches = len(checks._batches())
        start = time.perf_counter()
        checks._cron_run_checks(now.replace(year=now.year + 1), commit=False)
        print(f"{f'the job: {len(checks)} checks in {batches} statements, with results':<62} "
              f"{time.perf_counter() - start:8.3f}")  # fmt: skip
        env.cr.rollback()


if __name__ == "__main__":
    main()
