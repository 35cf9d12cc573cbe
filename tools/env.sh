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
    if [ "${1:-}" = odoo ]; then
        command -v git >/dev/null || pkgs+=(git)
        pkgs+=(libldap2-dev libsasl2-dev)
        command -v wkhtmltopdf >/dev/null || pkgs+=(wkhtmltopdf)
        command -v chromium >/dev/null || command -v google-chrome >/dev/null || pkgs+=(chromium)
    fi
    apt_install "${pkgs[@]}" || log "continuing without them; suites that need them will say so"
}

ODOO_REF=${ODOO_REF:-19.0}
ODOO_CACHE=${ODOO_CACHE:-$ROOT/.cache/odoo-$ODOO_REF}

is_odoo19() { [ -x "$1/odoo-bin" ] && grep -q "^version_info = (19, 0," "$1/odoo/release.py" 2>/dev/null; }

odoo_src() {
    # An Odoo 19.0 source tree: $ODOO_SRC; else, when ODOO_REPO names where to get one, the
    # cache it was cloned into; else a conventional location, then the cache.
    local dir
    if [ -n "${ODOO_SRC:-}" ]; then
        is_odoo19 "$ODOO_SRC" && (cd "$ODOO_SRC" && pwd)
        return 0
    fi
    if [ -z "${ODOO_REPO:-}" ]; then
        for dir in "$ROOT/../odoo" "$ROOT/../odoo19" /opt/odoo19 /opt/odoo /opt/odoo/odoo "$HOME/odoo"; do
            is_odoo19 "$dir" && { (cd "$dir" && pwd); return 0; }
        done
    fi
    if is_odoo19 "$ODOO_CACHE" && [ "$(cat "$ODOO_CACHE/.smart-dairy-origin" 2>/dev/null)" = "$(odoo_origin)" ]; then
        echo "$ODOO_CACHE"
    fi
    return 0
}

odoo_origin() {
    # Where Odoo is downloaded from: ODOO_REPO (a URL, or a local clone or mirror) and ODOO_REF.
    local repo=${ODOO_REPO:-https://github.com/odoo/odoo.git}
    [ -d "$repo" ] && repo="file://$(cd "$repo" && pwd)"
    echo "$repo $ODOO_REF"
}

fetch_odoo() {
    # Shallow clone of Odoo's $ODOO_REF branch into the cache; prints the tree, or fails saying why.
    local origin repo tmp
    origin=$(odoo_origin)
    repo=${origin% *}
    command -v git >/dev/null || apt_install git || true
    log "no Odoo 19.0 source tree found: downloading branch $ODOO_REF from $repo" >&2
    log "(a shallow clone of one branch: several hundred MB, a few minutes; into $ODOO_CACHE)" >&2
    tmp="$ODOO_CACHE.part"
    rm -rf "$tmp"
    mkdir -p "$(dirname "$ODOO_CACHE")"
    if ! GIT_HTTP_LOW_SPEED_LIMIT=1000 GIT_HTTP_LOW_SPEED_TIME=60 \
        git clone -q --depth 1 --single-branch --branch "$ODOO_REF" "$repo" "$tmp" >&2 || ! is_odoo19 "$tmp"; then
        rm -rf "$tmp"
        log "could not get Odoo $ODOO_REF from $repo. Two ways out:" >&2
        log "  ODOO_SRC=/path/to/odoo-19.0-tree make ...   (an Odoo 19.0 tree you already have)" >&2
        log "  ODOO_REPO=/path/or/url/of/a/clone make ...  (a mirror or local clone to copy it from)" >&2
        return 1
    fi
    echo "$origin" >"$tmp/.smart-dairy-origin"
    rm -rf "$ODOO_CACHE"
    mv "$tmp" "$ODOO_CACHE"
    log "Odoo $ODOO_REF ready in $ODOO_CACHE ($(du -sh "$ODOO_CACHE" | cut -f1))" >&2
    echo "$ODOO_CACHE"
}

ensure_odoo() {
    # The Odoo tree to use, downloaded when none is found; empty (and a message) when that fails.
    local dir
    dir=$(odoo_src)
    if [ -z "$dir" ] && [ -n "${ODOO_SRC:-}" ]; then
        log "ODOO_SRC=$ODOO_SRC is not an Odoo 19.0 source tree" >&2
        return 0
    fi
    [ -n "$dir" ] || dir=$(fetch_odoo) || true
    echo "$dir"
}

prepare_odoo() {
    # What every command that runs Odoo needs: the Odoo tree (in ODOO), the system
    # packages, the venv with Odoo's requirements and this checkout's PostgreSQL.
    ODOO=$(ensure_odoo)
    [ -n "$ODOO" ] || return 1
    ensure_system odoo
    ensure_venv
    ensure_odoo_requirements "$ODOO"
    start_postgres
}

ensure_venv() {
    [ -x "$PY" ] || python3 -m venv "$VENV"
    local stamp="$VENV/.smart-dairy-installed"
    if [ ! -f "$stamp" ] || [ "$ROOT/pyproject.toml" -nt "$stamp" ] || [ "$ROOT/tools/constraints.txt" -nt "$stamp" ]; then
        log "installing the smart_dairy engine package into $VENV"
        "$PY" -m pip install -q --upgrade pip wheel
        "$PY" -m pip install -q -c "$ROOT/tools/constraints.txt" -e "$ROOT[test,lint]"
        touch "$stamp"
    fi
}

ensure_odoo_requirements() {
    # Odoo's own pins (with cbor2 5.4.2, which does not build on Python 3.11, swapped for 5.4.6)
    # and the engine, resolved together under tools/constraints.txt; then pip must see no conflict.
    local src=$1 stamp="$VENV/.odoo-requirements"
    local req_hash
    req_hash=$(cat "$src/requirements.txt" "$ROOT/tools/constraints.txt" "$ROOT/pyproject.toml" | md5sum | cut -d' ' -f1)
    [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$req_hash" ] && return 0
    log "installing Odoo 19 requirements from $src/requirements.txt"
    mkdir -p "$STATE"
    sed 's/^cbor2==5\.4\.2/cbor2==5.4.6/' "$src/requirements.txt" >"$STATE/odoo-requirements.txt"
    "$PY" -m pip install -q -r "$STATE/odoo-requirements.txt" -c "$ROOT/tools/constraints.txt" -e "$ROOT[test,lint]"
    "$PY" -m pip check || { log "pip reports conflicting versions: see tools/constraints.txt"; return 1; }
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
        PG_STARTED_HERE=1
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

stop_own_servers() {
    # Stops the servers this command started; a server a `make run` left running stays up.
    [ -z "${PG_STARTED_HERE:-}" ] || stop_postgres
    [ -z "${MQTT_STARTED_HERE:-}" ] || stop_mosquitto
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
        mosquitto -c "$STATE/mosquitto.conf" >"$STATE/mosquitto.log" 2>&1 &
        echo $! >"$STATE/mosquitto.pid"
        MQTT_STARTED_HERE=1
        sleep 0.5
    fi
    export SMART_DAIRY_MQTT_URL="mqtt://127.0.0.1:$MQTT_PORT"
    log "mosquitto broker on 127.0.0.1:$MQTT_PORT"
}

stop_mosquitto() {
    [ -f "$STATE/mosquitto.pid" ] && kill "$(cat "$STATE/mosquitto.pid")" 2>/dev/null || true
    rm -f "$STATE/mosquitto.pid"
}
