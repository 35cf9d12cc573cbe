# shellcheck shell=bash
# Shared set-up for `make test`, `make run`, `make bench`: sourced, not executed.
# Every step is idempotent, so a warm machine pays almost nothing for it.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VENV=${VENV:-$ROOT/.venv}
PY=$VENV/bin/python
# The throwaway servers belong to this checkout: their folder and ports derive from its
# path, so two clones can run `make test` at once without meeting.
CHECKOUT_ID=$(printf '%s' "$ROOT" | cksum | cut -d' ' -f1)
PORT_OFFSET=$((CHECKOUT_ID % 400))
STATE=${SMART_DAIRY_STATE:-/tmp/smart-dairy-$(id -u)-$CHECKOUT_ID}
PG_PORT=${PG_PORT:-$((55000 + PORT_OFFSET))}
MQTT_PORT=${MQTT_PORT:-$((18300 + PORT_OFFSET))}
TEST_HTTP_PORT=${TEST_HTTP_PORT:-$((19000 + 2 * PORT_OFFSET))}
TEST_GEVENT_PORT=$((TEST_HTTP_PORT + 1))
DB_USER=odoo

log() { printf '\033[1m[smart-dairy]\033[0m %s\n' "$*"; }

apt_install() {
    # Installs Debian packages when missing; only possible as root.
    local missing=()
    for pkg in "$@"; do dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg"); done
    [ ${#missing[@]} -eq 0 ] && return 0
    if [ "$(id -u)" -ne 0 ] || ! command -v apt-get >/dev/null; then
        log "missing system packages (install them as root): ${missing[*]}"
        return 1
    fi
    log "installing system packages: ${missing[*]}"
    if [ ! -f "$STATE/.apt-updated" ]; then
        apt-get update -q >/dev/null
        mkdir -p "$STATE" && touch "$STATE/.apt-updated"
    fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
}

pg_bindir() {
    local dir
    if command -v pg_config >/dev/null && [ -x "$(pg_config --bindir)/initdb" ]; then
        pg_config --bindir
        return
    fi
    dir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
    [ -n "$dir" ] && echo "$dir"
}

ensure_system() {
    local pkgs=(libpq-dev gcc python3-dev)
    [ -n "$(pg_bindir)" ] || pkgs+=(postgresql)
    command -v mosquitto >/dev/null || pkgs+=(mosquitto)
    if [ -n "$(odoo_src)" ]; then
        pkgs+=(libldap2-dev libsasl2-dev)
        command -v wkhtmltopdf >/dev/null || pkgs+=(wkhtmltopdf)
        command -v chromium >/dev/null || command -v google-chrome >/dev/null || pkgs+=(chromium)
    fi
    apt_install "${pkgs[@]}" || log "continuing without them; suites that need them will say so"
}

odoo_src() {
    # An Odoo 19.0 source tree: $ODOO_SRC, or a conventional location.
    local dir
    for dir in "${ODOO_SRC:-}" "$ROOT/../odoo" "$ROOT/../odoo19" /opt/odoo19 /opt/odoo /opt/odoo/odoo "$HOME/odoo"; do
        [ -n "$dir" ] && [ -x "$dir/odoo-bin" ] || continue
        grep -q "^version_info = (19, 0," "$dir/odoo/release.py" 2>/dev/null || continue
        (cd "$dir" && pwd)
        return
    done
}

ensure_venv() {
    [ -x "$PY" ] || python3 -m venv "$VENV"
    local stamp="$VENV/.smart-dairy-installed"
    if [ ! -f "$stamp" ] || [ "$ROOT/pyproject.toml" -nt "$stamp" ]; then
        log "installing the smart_dairy engine package into $VENV"
        "$PY" -m pip install -q --upgrade pip wheel
        "$PY" -m pip install -q -e "$ROOT[test,lint]"
        touch "$stamp"
    fi
}

ensure_odoo_requirements() {
    # Odoo's own pins, with the one that does not build on Python 3.11 here swapped.
    local src=$1 stamp="$VENV/.odoo-requirements"
    local req_hash
    req_hash=$(md5sum "$src/requirements.txt" | cut -d' ' -f1)
    [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$req_hash" ] && return 0
    log "installing Odoo 19 requirements from $src/requirements.txt"
    sed 's/^cbor2==5\.4\.2/cbor2==5.4.6/' "$src/requirements.txt" >"$STATE/odoo-requirements.txt"
    "$PY" -m pip install -q -r "$STATE/odoo-requirements.txt"
    # Odoo's pins may have moved shared dependencies: put ours back on top.
    "$PY" -m pip install -q -e "$ROOT[test,lint]"
    echo "$req_hash" >"$stamp"
}

timescaledb_available() {
    local bindir libdir
    bindir=$(pg_bindir)
    libdir=$("$bindir/pg_config" --pkglibdir 2>/dev/null || pg_config --pkglibdir)
    ls "$libdir"/timescaledb*.so >/dev/null 2>&1
}

as_pg_owner() {
    # PostgreSQL refuses to run as root: run its server as an ordinary user then.
    if [ "$(id -u)" -eq 0 ]; then
        id smartdairy >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin smartdairy
        runuser -u smartdairy -- "$@"
    else
        "$@"
    fi
}

pg_settings() {
    # The server's settings, kept in a file of their own: a change restarts the server.
    echo "listen_addresses = '127.0.0.1'"
    echo "port = $PG_PORT"
    echo "unix_socket_directories = '$STATE/pg'"
    echo "fsync = off"
    echo "synchronous_commit = off"
    echo "full_page_writes = off"
    echo "shared_buffers = 512MB"
    echo "work_mem = 64MB"
    echo "maintenance_work_mem = 256MB"
    echo "max_connections = 200"
    if timescaledb_available; then
        echo "shared_preload_libraries = 'timescaledb'"
        echo "timescaledb.telemetry_level = off"
    fi
}

start_postgres() {
    local bindir data=$STATE/pg settings
    bindir=$(pg_bindir)
    [ -n "$bindir" ] || { log "no PostgreSQL binaries found"; return 1; }
    mkdir -p "$STATE"
    chmod 755 "$STATE"
    if [ ! -f "$data/PG_VERSION" ]; then
        mkdir -p "$data"
        [ "$(id -u)" -eq 0 ] && { id smartdairy >/dev/null 2>&1 || as_pg_owner true; chown smartdairy "$data"; }
        as_pg_owner "$bindir/initdb" -D "$data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null
        echo "include_if_exists = 'smart_dairy.conf'" >>"$data/postgresql.conf"
    fi
    settings=$(pg_settings)
    if [ "$settings" != "$(cat "$data/smart_dairy.conf" 2>/dev/null)" ]; then
        printf '%s\n' "$settings" >"$data/smart_dairy.conf"
        [ "$(id -u)" -eq 0 ] && chown smartdairy "$data/smart_dairy.conf"
        if as_pg_owner "$bindir/pg_ctl" -D "$data" status >/dev/null 2>&1; then
            log "PostgreSQL settings changed: restarting the throwaway server"
            as_pg_owner "$bindir/pg_ctl" -D "$data" -m fast -w stop >/dev/null
        fi
    fi
    if ! as_pg_owner "$bindir/pg_ctl" -D "$data" status >/dev/null 2>&1; then
        as_pg_owner "$bindir/pg_ctl" -D "$data" -l "$data/server.log" -w start >/dev/null
    fi
    psql_admin -tAc "SELECT 1 FROM pg_roles WHERE rolname = '$DB_USER'" | grep -q 1 ||
        psql_admin -c "CREATE ROLE $DB_USER LOGIN SUPERUSER PASSWORD '$DB_USER'" >/dev/null
    export PGHOST=127.0.0.1 PGPORT=$PG_PORT PGUSER=$DB_USER PGPASSWORD=$DB_USER
    log "PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') on 127.0.0.1:$PG_PORT, data in $data" \
        "($(timescaledb_available && echo 'with TimescaleDB preloaded' || echo 'TimescaleDB not installed'))"
}

psql_admin() {
    "$(pg_bindir)/psql" -h 127.0.0.1 -p "$PG_PORT" -U postgres -d postgres -v ON_ERROR_STOP=1 "$@"
}

stop_postgres() {
    local bindir
    bindir=$(pg_bindir)
    [ -f "$STATE/pg/PG_VERSION" ] && as_pg_owner "$bindir/pg_ctl" -D "$STATE/pg" -m fast stop >/dev/null 2>&1 || true
}

start_mosquitto() {
    command -v mosquitto >/dev/null || { log "mosquitto not installed"; return 1; }
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$MQTT_PORT") 2>/dev/null; then
        printf 'listener %s 127.0.0.1\nallow_anonymous true\n' "$MQTT_PORT" >"$STATE/mosquitto.conf"
        mosquitto -c "$STATE/mosquitto.conf" -d
        sleep 0.5
    fi
    export SMART_DAIRY_MQTT_URL="mqtt://127.0.0.1:$MQTT_PORT"
    log "mosquitto broker on 127.0.0.1:$MQTT_PORT"
}
