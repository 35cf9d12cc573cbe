#!/bin/bash
# First start: create the database with the whole suite and demo data; then serve.
set -e
wait-for-psql.py --db_host timescaledb --db_port 5432 --db_user odoo --db_password odoo --timeout 60
if ! psql "postgresql://odoo:odoo@timescaledb:5432/smart_dairy" -tAc \
        "SELECT 1 FROM ir_module_module WHERE name = 'smart_dairy_forecast' AND state = 'installed'" 2>/dev/null | grep -q 1; then
    odoo -c /etc/odoo/odoo.conf -d smart_dairy --with-demo --stop-after-init \
        -i smart_dairy_base,smart_dairy_bi,smart_dairy_iot,smart_dairy_forecast
fi
exec odoo -c /etc/odoo/odoo.conf "$@"
