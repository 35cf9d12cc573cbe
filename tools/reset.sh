#!/usr/bin/env bash
# `make reset`: drop the `make run` database and its filestore; the next `make run` recreates it.
source "$(dirname "$0")/env.sh"
DB=${DB:-smart_dairy}
start_postgres
psql_admin -qc "DROP DATABASE IF EXISTS \"$DB\" WITH (FORCE)"
rm -rf "$HOME/.local/share/Odoo/filestore/$DB"
log "database $DB dropped"
