#!/usr/bin/env bash
# `make lint`: the same checks as .pre-commit-config.yaml, from the project's venv.
source "$(dirname "$0")/env.sh"
ensure_venv
cd "$ROOT"
"$VENV/bin/ruff" check .
"$VENV/bin/ruff" format --check .
"$VENV/bin/pylint" --rcfile=.pylintrc --disable=missing-readme,no-search-all addons/smart_dairy_base addons/smart_dairy_bi \
    addons/smart_dairy_iot addons/smart_dairy_forecast
# Docker files, checked statically (no Docker engine runs here): the Dockerfile with hadolint,
# the compose file against the Compose schema by docker-compose (Debian's package).
"$VENV/bin/hadolint" --no-color --failure-threshold warning docker/odoo/Dockerfile
if command -v docker-compose >/dev/null || apt_install docker-compose; then
    docker-compose -f docker-compose.yml config -q
else
    log "docker-compose.yml not validated: docker-compose is not installed"
fi
log "lint clean"
