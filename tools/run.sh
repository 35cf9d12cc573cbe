#!/usr/bin/env bash
# `make run`: Odoo 19 with the whole suite and demo data, without Docker.
# Uses the Odoo 19.0 tree it finds (ODOO_SRC, /opt/odoo19, ...) or downloads one (ODOO_REPO,
# ODOO_REF), a local PostgreSQL started here (TimescaleDB preloaded when installed) and
# mosquitto when present, with the MQTT subscriber (smart-dairy-mqtt) beside Odoo. WORKERS=N serves as production does (N HTTP workers, a cron worker,
# the websocket process on PORT+3); WORKERS=0, the default, runs one threaded process.
source "$(dirname "$0")/env.sh"
DB=${DB:-smart_dairy}
PORT=${PORT:-8069}
WORKERS=${WORKERS:-0}
prepare_odoo || exit 1
broker=
if start_mosquitto; then broker=yes; else log "no broker: HTTP ingestion only"; fi
args=(--addons-path="$ODOO/addons,$ROOT/addons" -d "$DB" --db-filter="^$DB\$"
    --db_host=127.0.0.1 --db_port="$PG_PORT" --db_user="$DB_USER" --db_password="$DB_USER"
    --http-interface=127.0.0.1 --http-port="$PORT" --gevent-port="$((PORT + 3))")
if ! psql -d "$DB" -tAc "SELECT 1 FROM ir_module_module WHERE name = 'smart_dairy_forecast' AND state = 'installed'" 2>/dev/null | grep -q 1; then
    log "creating database $DB with the suite and demo data (about 2 minutes on 2 cores)"
    start=$(date +%s)
    "$PY" "$ODOO/odoo-bin" "${args[@]}" --with-demo --stop-after-init --log-level=warn \
        --log-handler=odoo.addons.smart_dairy_base:INFO --log-handler=odoo.addons.smart_dairy_bi:INFO \
        -i smart_dairy_base,smart_dairy_bi,smart_dairy_iot,smart_dairy_forecast
    log "database $DB ready in $(($(date +%s) - start)) s"
fi
[ "$WORKERS" -gt 0 ] && args+=(--workers="$WORKERS" --max-cron-threads=1)
if [ -n "$broker" ]; then
    # The subscriber reads its settings as from odoo.conf: this run's database and broker.
    printf '[options]\ndb_host = 127.0.0.1\ndb_port = %s\ndb_user = %s\ndb_password = %s\ndb_name = %s\nsmart_dairy_mqtt_url = mqtt://127.0.0.1:%s\n' \
        "$PG_PORT" "$DB_USER" "$DB_USER" "$DB" "$MQTT_PORT" >"$STATE/mqtt-$DB.conf"
    "$VENV/bin/smart-dairy-mqtt" -c "$STATE/mqtt-$DB.conf" >>"$STATE/mqtt-$DB.log" 2>&1 &
    subscriber=$!
    trap 'kill $subscriber 2>/dev/null' EXIT
    log "MQTT subscriber on mqtt://127.0.0.1:$MQTT_PORT (topics dairy/<farm>/<device>/readings|milkings; log $STATE/mqtt-$DB.log)"
fi
log "Odoo on http://localhost:$PORT (admin / admin); Ctrl+C stops it, 'make stop' stops PostgreSQL too"
"$PY" "$ODOO/odoo-bin" "${args[@]}"
