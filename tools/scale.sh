#!/usr/bin/env bash
# `make scale DB=name`: a database with the suite installed, filled by the scale generator.
source "$(dirname "$0")/env.sh"
DB=${1:-sd_scale}
prepare_odoo || exit 1
if ! psql -d "$DB" -tAc "SELECT 1 FROM ir_module_module WHERE name = 'smart_dairy_bi' AND state = 'installed'" 2>/dev/null | grep -q 1; then
    log "installing the suite (no demo data) into $DB"
    "$PY" "$ODOO/odoo-bin" --addons-path="$ODOO/addons,$ROOT/addons" -d "$DB" \
        --db_host=127.0.0.1 --db_port="$PG_PORT" --db_user="$DB_USER" --db_password="$DB_USER" \
        --stop-after-init --no-http --log-level=warn \
        -i smart_dairy_base,smart_dairy_bi,smart_dairy_iot,smart_dairy_forecast
fi
"$VENV/bin/smart-dairy-scale" --dsn "host=127.0.0.1 port=$PG_PORT user=$DB_USER password=$DB_USER dbname=$DB" \
    "${SCALE_ARGS[@]:-}"
