#!/usr/bin/env bash
# `make lint`: the same checks as .pre-commit-config.yaml, from the project's venv.
source "$(dirname "$0")/env.sh"
ensure_venv
cd "$ROOT"
"$VENV/bin/ruff" check .
"$VENV/bin/ruff" format --check .
"$VENV/bin/pylint" --rcfile=.pylintrc --disable=missing-readme,no-search-all addons/smart_dairy_base addons/smart_dairy_bi \
    addons/smart_dairy_iot addons/smart_dairy_forecast
log "lint clean"
