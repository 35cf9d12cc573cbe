#!/usr/bin/env bash
# `make test`: engine suites with pytest, then the Odoo suites when an Odoo 19 tree is present.
# Does its own set-up (system packages, venv, a throwaway PostgreSQL, a broker) and
# says plainly which suites were skipped and why. Exits non-zero on any failure.
source "$(dirname "$0")/env.sh"

MODULES=smart_dairy_base,smart_dairy_bi,smart_dairy_iot,smart_dairy_forecast
failed=()
skipped=()
passed_count=0
failed_count=0
skipped_count=0

count_pytest() {
    # Adds the counts of pytest's closing line ("12 passed, 1 failed, 3 skipped in 4.2s").
    local line word n
    line=$(grep -E '^[0-9]+ (passed|failed|skipped|error)' "$1" | tail -n 1 || true)
    for word in passed failed skipped error errors; do
        n=$(grep -oE "[0-9]+ $word\b" <<<"$line" | cut -d' ' -f1 || true)
        n=${n:-0}
        case $word in
            passed) passed_count=$((passed_count + n)) ;;
            skipped) skipped_count=$((skipped_count + n)) ;;
            *) failed_count=$((failed_count + n)) ;;
        esac
    done
}

count_odoo() {
    # Adds the counts of Odoo's "N failed, M error(s) of T tests" lines.
    local line bad errors total
    while read -r line; do
        [[ $line =~ ([0-9]+)\ failed,\ ([0-9]+)\ error\(s\)\ of\ ([0-9]+)\ tests ]] || continue
        bad=${BASH_REMATCH[1]} errors=${BASH_REMATCH[2]} total=${BASH_REMATCH[3]}
        passed_count=$((passed_count + total - bad - errors))
        failed_count=$((failed_count + bad + errors))
    done < <(grep -E 'odoo.tests.result: [0-9]+ failed' "$1" || true)
}

workers_suite() {
    # Odoo as production runs it (--workers=2: HTTP workers, a cron worker, the websocket
    # process) on database $1, with tests/server run against it over HTTP and the websocket.
    local db=$1 logfile=$STATE/workers.log pid rc
    log "Odoo with --workers=2 on $db: dashboard over HTTP, bus notification over the websocket"
    "$PY" "$ODOO/odoo-bin" --addons-path="$ODOO/addons,$ROOT/addons" -d "$db" --db-filter="^$db\$" \
        --db_host=127.0.0.1 --db_port="$PG_PORT" --db_user="$DB_USER" --db_password="$DB_USER" \
        --http-interface=127.0.0.1 --http-port="$TEST_HTTP_PORT" --gevent-port="$TEST_GEVENT_PORT" \
        --workers=2 --max-cron-threads=1 --log-level=info >"$logfile" 2>&1 &
    pid=$!
    for _ in $(seq 120); do
        "$PY" -c "import requests, sys; requests.get(sys.argv[1], timeout=2).raise_for_status()" \
            "http://127.0.0.1:$TEST_HTTP_PORT/web/health" >/dev/null 2>&1 && break
        sleep 1
    done
    set +e
    SMART_DAIRY_ODOO_URL="http://127.0.0.1:$TEST_HTTP_PORT" SMART_DAIRY_ODOO_WS_URL="ws://127.0.0.1:$TEST_GEVENT_PORT" \
        SMART_DAIRY_ODOO_DB="$db" SMART_DAIRY_ODOO_PID=$pid \
        "$PY" -m pytest "$ROOT/tests/server" -q -p no:cacheprovider | tee "$STATE/pytest-server.log"
    rc=${PIPESTATUS[0]}
    set -e
    kill "$pid" 2>/dev/null; wait "$pid" 2>/dev/null || true
    count_pytest "$STATE/pytest-server.log"
    [ $rc -eq 0 ] || failed+=("Odoo with --workers=2 (pytest exit $rc, server log $logfile)")
    if grep -qE 'DistributionNotFound|Traceback' "$logfile"; then
        grep -E -B2 -A8 'DistributionNotFound|Traceback' "$logfile" | head -40
        failed+=("Odoo with --workers=2 logged a traceback (log $logfile)")
    fi
}

ODOO=$([ -n "${SMART_DAIRY_SKIP_ODOO:-}" ] || ensure_odoo)
ensure_system ${ODOO:+odoo}
ensure_venv
start_postgres
trap stop_own_servers EXIT
start_mosquitto || skipped+=("MQTT tests: mosquitto is not installed")
timescaledb_available || skipped+=("TimescaleDB tests: the extension is not installed for this PostgreSQL")

log "engine suites (pytest)"
export SMART_DAIRY_TEST_DSN="host=127.0.0.1 port=$PG_PORT user=$DB_USER password=$DB_USER dbname=postgres"
set +e
"$PY" -m pytest "$ROOT/tests/engine" -q -p no:cacheprovider | tee "$STATE/pytest.log"
rc=${PIPESTATUS[0]}
set -e
count_pytest "$STATE/pytest.log"
[ $rc -eq 0 ] || failed+=("engine suites (pytest exit $rc)")

odoo_suite() {
    # $1 database, then extra odoo-bin arguments; the log is checked for our warnings.
    local db=$1 logfile=$STATE/$1.log
    shift
    psql_admin -qc "DROP DATABASE IF EXISTS $db" >/dev/null
    set +e
    "$PY" "$ODOO/odoo-bin" --addons-path="$ODOO/addons,$ROOT/addons" -d "$db" \
        --db_host=127.0.0.1 --db_port="$PG_PORT" --db_user="$DB_USER" --db_password="$DB_USER" \
        --http-interface=127.0.0.1 --http-port="$TEST_HTTP_PORT" --gevent-port="$TEST_GEVENT_PORT" --stop-after-init --log-level=info "$@" 2>&1 | tee "$logfile" |
        grep -E --line-buffered '(ERROR|WARNING|CRITICAL|FAIL|Ran [0-9]+ tests|tests in|smart_dairy.*(loaded|Generated|Installed))'
    local rc=${PIPESTATUS[0]}
    set -e
    count_odoo "$logfile"
    local ours
    # Warnings of our own loggers, and errors naming our addons; the HTTP layer's warnings
    # for requests it refused (the attack tests send many on purpose) are not ours.
    ours=$({
        grep -E ' (WARNING|ERROR|CRITICAL) \S+ odoo\.addons\.smart_dairy' "$logfile"
        grep -E ' (ERROR|CRITICAL) ' "$logfile" | grep -E 'smart_dairy|smart\.dairy'
    } | sort -u || true)
    if [ $rc -ne 0 ]; then
        failed+=("Odoo suite on $db (odoo-bin exit $rc, log $logfile)")
    elif [ -n "$ours" ]; then
        failed+=("Odoo suite on $db: our addons logged warnings or errors (log $logfile)")
        echo "$ours"
    fi
}

if [ -n "${SMART_DAIRY_SKIP_ODOO:-}" ]; then
    skipped+=("Odoo suites: SMART_DAIRY_SKIP_ODOO is set")
elif [ -z "$ODOO" ] && [ -n "${ODOO_SRC:-}${ODOO_REPO:-}" ]; then
    failed+=("Odoo suites: no Odoo 19.0 tree from ODOO_SRC or ODOO_REPO (see the messages above)")
elif [ -z "$ODOO" ]; then
    skipped+=("Odoo suites: no Odoo 19.0 source tree and none could be downloaded (set ODOO_SRC or ODOO_REPO)")
else
    ensure_odoo_requirements "$ODOO"
    tags=/${MODULES//,/,/}
    log "Odoo suites: install with demo data and run $tags (tree: $ODOO)"
    start=$(date +%s)
    odoo_suite sd_test_demo -i "$MODULES" --with-demo --test-tags "$tags"
    log "install with demo data and tests took $(($(date +%s) - start)) s"
    workers_suite sd_test_demo
    # beside product_expiry (not a dependency), whose lots' expiry dates the expected
    # waste reads: its tests skip on the database above
    log "Odoo: install without demo data beside product_expiry, expected waste tests, then uninstall"
    odoo_suite sd_test_nodemo -i "$MODULES,product_expiry" \
        --test-tags /smart_dairy_forecast:TestExpiryProjection
    set +e
    "$PY" "$ODOO/odoo-bin" shell --addons-path="$ODOO/addons,$ROOT/addons" -d sd_test_nodemo \
        --db_host=127.0.0.1 --db_port="$PG_PORT" --db_user="$DB_USER" --db_password="$DB_USER" \
        --no-http --log-level=warn <"$ROOT/tools/uninstall_check.py" >"$STATE/uninstall.log" 2>&1
    set -e
    grep -q SMART_DAIRY_UNINSTALL_OK "$STATE/uninstall.log" ||
        { tail -20 "$STATE/uninstall.log"; failed+=("uninstall of the suite (log $STATE/uninstall.log)"); }
fi

echo
for s in "${skipped[@]}"; do log "SKIPPED: $s"; done
for f in "${failed[@]}"; do log "FAILED: $f"; done
[ ${#failed[@]} -eq 0 ] && log "all suites that ran passed"
echo "summary: $passed_count passed, $failed_count failed, $skipped_count skipped"
[ ${#failed[@]} -eq 0 ]
