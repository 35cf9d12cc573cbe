#!/usr/bin/env bash
# `make bench`: the benchmarks that need nothing but this checkout's throwaway server
# and an Odoo tree; the others take a scale database (see bench/README.md).
source "$(dirname "$0")/env.sh"
prepare_odoo || exit 1
connection=(--db_host=127.0.0.1 --db_port="$PG_PORT" --db_user="$DB_USER" --db_password="$DB_USER")
log "install time against Odoo's own (bench/bench_install.py; two installs, several minutes)"
(cd "$ROOT/bench" && "$PY" bench_install.py --odoo "$ODOO" "${connection[@]}")
log "KPI engine on a synthetic fact (bench/bench_kpi_engine.py)"
(cd "$ROOT/bench" && SMART_DAIRY_TEST_DSN="host=127.0.0.1 port=$PG_PORT user=$DB_USER password=$DB_USER dbname=postgres" \
    "$PY" bench_kpi_engine.py)
log "the other benchmarks read a scale database (make scale DB=...): see bench/README.md"
