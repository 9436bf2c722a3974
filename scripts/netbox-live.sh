#!/usr/bin/env bash
# A live NetBox 4.7.3 on this machine, loopback only, for testing
# `faultline import netbox` (issue 13) against the real thing.
#
#   scripts/netbox-live.sh start    install (once), start, build the lab site, print the env
#   scripts/netbox-live.sh env      print the env file of the running instance
#   scripts/netbox-live.sh record   record the API responses as fixtures (tests/fixtures/netbox/)
#   scripts/netbox-live.sh demo     load NetBox's public demo data into a second
#                                   database and serve it on a second port
#   scripts/netbox-live.sh stop     stop everything this script started, by PID
#
# State lives in $NETBOX_STATE (default target/netbox/ in the repository):
# the venv, the PostgreSQL cluster, Redis, NETBOX_ROOT (conf/configuration.py),
# logs, pid files and the env file `$NETBOX_STATE/env`. A dump of the freshly
# migrated, empty database is kept outside git in $NETBOX_CACHE (default
# ~/.cache/faultline-netbox/) and restored by later starts, so only the first
# start on a machine pays for `netbox migrate` (8-12 minutes on 2 cores).
#
# Environment knobs: NETBOX_FRESH=1 (drop the lab database, restore the
# migrated empty dump, rebuild the site: what fixtures are recorded from),
# NETBOX_STATE, NETBOX_CACHE, NETBOX_PG_PORT (54329), NETBOX_REDIS_PORT
# (63799), NETBOX_PORT (first free from 8329), NETBOX_PYTHON (a Python 3.12+),
# NETBOX_DEMO_PORT (first free from 8339), NETBOX_DEMO_SQL (the demo dump;
# default netbox-demo-v4.2.sql in $NETBOX_CACHE), NETBOX_DEMO_SITES (site slugs
# recorded from the demo, default ncsu-065,dm-akron).
# Timings and the CI lines: docs/netbox-live.md. Fixtures:
# tests/fixtures/netbox/README.md.
#
# THE LAB SITE (slug `faultline-lab`), built idempotently through the REST API
# by scripts/netbox/build_site.py; the importer's end-to-end test checks
# `faultline check` against what it was built to show:
#
#   Panel 1 ── Feed A1 (32 A, 230 V, 1ph) ── PDU R01-A (1ph, 0U) ─┐
#   Panel 2 ── Feed B1 (16 A, 230 V, 1ph) ── PDU R01-B (1ph, 0U) ─┤ Rack 01
#   Panel 2 ── Feed A2 (16 A, 400 V, 3ph) ── PDU R02-A (3ph, 0U) ─┐
#   Panel 2 ── Feed B2 (16 A, 400 V, 3ph) ── PDU R02-B (3ph, 0U) ─┘ Rack 02
#
#   Rack 01: db 01 (2U), app 01, app 02, backup 01 (2U, a third power port
#     left UNCONNECTED), tor 01 (half-depth, FRONT, U40) and oob 01
#     (half-depth, REAR, U40: the pair shares a U; oob 01 has no
#     allocated_draw, only maximum_draw), all dual-PSU on PDU R01-A/R01-B;
#     legacy 01 has a SINGLE PSU on PDU R01-A.
#   Rack 02: compute 01/02/03, dual-PSU, one per phase leg (A, B, C) on both
#     three-phase PDUs, so the legs stay balanced.
#
#   Draws (sum of allocated_draw; oob 01: maximum_draw of one port):
#     Rack 01 dual-PSU devices 5000 W, legacy 01 350 W, Rack 02 3 x 1000 W.
#   Base state: Feed A1 2850 W of 7360 W (39 %), Feed B1 2500 W of 3680 W
#     (68 %, under its max_utilization of 80 %), Feed A2/B2 1500 W of
#     11085 W each (14 %), 500 W on every leg.
#
# What `faultline check` must find (without an --upstream overlay, each panel
# fed by a utility of its own), and nothing else at error or warning:
#   - single-psu (warning): legacy 01.
#   - short-trip (warning): Feed A1; a short in any PSU below it trips it and
#     takes legacy 01 down (and, via the failover below, Rack 01's dual-PSU
#     devices).
#   - failover-overload (error): Feed B1 is UNDERSIZED. Failing Feed A1 (or
#     PDU R01-A, Panel 1, Panel 1's utility) moves 5000 W onto it: 136 % of
#     3680 W, it trips. The same events are false-redundancy findings for
#     Rack 01's dual-PSU devices, which go down in that cascade.
#   - false-redundancy (error): Feed A2 and Feed B2 are an A/B pair that both
#     come from Panel 2: failing Panel 2 (or its utility) takes compute
#     01-03 down (and Feed B1 with it; Rack 01 survives on Feed A1).
# Not findings: the unconnected third port of backup 01 (the import reports
# it), the front/rear pair sharing U40 (half-depth, not an overlap), 0U PDUs.
set -euo pipefail

NETBOX_VERSION=4.7.3
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REPO="$(cd "$HERE/.." && pwd)"
STATE="${NETBOX_STATE:-$REPO/target/netbox}"
CACHE="${NETBOX_CACHE:-${HOME:-/root}/.cache/faultline-netbox}"
PG_PORT="${NETBOX_PG_PORT:-54329}"
REDIS_PORT="${NETBOX_REDIS_PORT:-63799}"
VENV="$STATE/venv"
ROOT="$STATE/root"
ENV_FILE="$STATE/env"
DUMP="$CACHE/netbox-$NETBOX_VERSION-migrated.sql"
DEMO_DUMP="$CACHE/netbox-$NETBOX_VERSION-demo-v4.2-migrated.sql"
ADMIN_USER="admin"

log() { printf '[netbox-live %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
die() { printf 'netbox-live: %s\n' "$*" >&2; exit 1; }
now() { date +%s; }

# ---------------------------------------------------------------- tools

find_python() {
    local c
    for c in "${NETBOX_PYTHON:-}" python3.12 python3.13 python3.14 \
             "$(command -v pyenv >/dev/null 2>&1 && pyenv root 2>/dev/null)/versions/3.12.1/bin/python3.12" \
             /root/.pyenv/versions/3.12.*/bin/python3.12 /usr/bin/python3 python3; do
        [ -n "$c" ] || continue
        command -v "$c" >/dev/null 2>&1 || continue
        # pyenv shims exist for versions that are not selected: ask the interpreter itself.
        if "$c" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' >/dev/null 2>&1; then
            command -v "$c"; return 0
        fi
    done
    return 1
}

pg_bin() {
    local d
    for d in /usr/lib/postgresql/*/bin; do [ -x "$d/initdb" ] && { echo "$d"; return 0; }; done
    command -v initdb >/dev/null 2>&1 && { dirname "$(command -v initdb)"; return 0; }
    return 1
}

ensure_debian_packages() {
    local missing=()
    pg_bin >/dev/null || missing+=(postgresql)
    command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
    command -v curl >/dev/null 2>&1 || missing+=(curl)
    if [ ${#missing[@]} -gt 0 ]; then
        [ "$(id -u)" = 0 ] || die "missing ${missing[*]}: run 'apt-get install -y ${missing[*]}' as root"
        log "apt-get install ${missing[*]}"
        apt-get update -q >/dev/null
        DEBIAN_FRONTEND=noninteractive apt-get install -y -q "${missing[@]}" >/dev/null
    fi
}

ensure_venv() {
    if [ -x "$VENV/bin/netbox" ] && [ "$("$VENV/bin/netbox" version 2>/dev/null)" = "$NETBOX_VERSION" ]; then
        return 0
    fi
    local py t0
    py="$(find_python)" || die "NetBox $NETBOX_VERSION needs Python 3.12 or later (it refuses 3.11).
  Install one, e.g. 'pyenv install 3.12' or 'apt-get install python3.12' where Debian has it,
  then rerun with NETBOX_PYTHON=/path/to/python3.12"
    log "venv with $py ($("$py" --version 2>&1)); pip install netbox==$NETBOX_VERSION"
    t0=$(now)
    rm -rf "$VENV"
    "$py" -m venv "$VENV"
    "$VENV/bin/pip" install -q --upgrade pip >/dev/null
    # psycopg's binary wheel serves on x86_64/aarch64 Linux; fall back to a source build
    # (gcc + libpq-dev from Debian) where it does not.
    if ! nice -n 19 "$VENV/bin/pip" install -q "netbox==$NETBOX_VERSION" 'psycopg[binary]' gunicorn; then
        log "psycopg[binary] did not install; building psycopg from source (gcc, libpq-dev)"
        if [ "$(id -u)" = 0 ] && ! dpkg -s libpq-dev >/dev/null 2>&1; then
            DEBIAN_FRONTEND=noninteractive apt-get install -y -q gcc libpq-dev >/dev/null
        fi
        nice -n 19 "$VENV/bin/pip" install -q "netbox==$NETBOX_VERSION" 'psycopg[c]' gunicorn
    fi
    log "pip install took $(( $(now) - t0 )) s"
}

# ---------------------------------------------------------------- secrets, configuration

ensure_secrets() {
    mkdir -p "$STATE"
    if [ ! -f "$STATE/secrets.sh" ]; then
        local gen='import secrets,string; a=string.ascii_letters+string.digits; print("".join(secrets.choice(a) for _ in range(int(__import__("sys").argv[1]))))'
        {
            echo "SECRET_KEY='$("$VENV/bin/python" -c "$gen" 60)'"
            echo "PEPPER='$("$VENV/bin/python" -c "$gen" 60)'"
            echo "ADMIN_PASSWORD='$("$VENV/bin/python" -c "$gen" 24)'"
        } > "$STATE/secrets.sh"
        chmod 600 "$STATE/secrets.sh"
    fi
    # shellcheck disable=SC1091
    . "$STATE/secrets.sh"
}

write_configuration() {
    mkdir -p "$ROOT/conf" "$ROOT/media" "$ROOT/reports" "$ROOT/scripts" "$ROOT/static"
    cat > "$ROOT/conf/configuration.py" <<EOF
# Written by scripts/netbox-live.sh: a throwaway NetBox on loopback for tests.
import os

_REDIS_DB = 0 if os.environ.get('NETBOX_DB_NAME', 'netbox') == 'netbox' else 2
ALLOWED_HOSTS = ['127.0.0.1', 'localhost']
SECRET_KEY = '$SECRET_KEY'
API_TOKEN_PEPPERS = {1: '$PEPPER'}
DATABASES = {
    'default': {
        'ENGINE': 'django.db.backends.postgresql',
        # NETBOX_DB_NAME lets the demo instance use its own database.
        'NAME': os.environ.get('NETBOX_DB_NAME', 'netbox'),
        'USER': 'netbox',
        'PASSWORD': 'netbox',
        'HOST': '127.0.0.1',
        'PORT': '$PG_PORT',
        'CONN_MAX_AGE': 300,
    }
}
REDIS = {
    # The demo instance (NETBOX_DB_NAME=netbox_demo) keeps to Redis databases 2 and 3.
    'tasks': {'HOST': '127.0.0.1', 'PORT': $REDIS_PORT, 'DATABASE': _REDIS_DB, 'SSL': False},
    'caching': {'HOST': '127.0.0.1', 'PORT': $REDIS_PORT, 'DATABASE': _REDIS_DB + 1, 'SSL': False},
}
CENSUS_REPORTING_ENABLED = False
RELEASE_CHECK_URL = None
ISOLATED_DEPLOYMENT = True
TIME_ZONE = 'UTC'
EOF
}

nb() { NETBOX_ROOT="$ROOT" "$VENV/bin/netbox" "$@"; }

# ---------------------------------------------------------------- processes

pid_alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

free_port() {
    local p=$1
    while ! port_free "$p"; do p=$((p + 1)); done
    echo "$p"
}

PGDATA_FILE="$STATE/pgdata.path"
pgdata() {
    if [ -f "$PGDATA_FILE" ]; then cat "$PGDATA_FILE"; return; fi
    local d="$STATE/pg"
    if [ "$(id -u)" = 0 ]; then
        mkdir -p "$STATE"
        # initdb refuses root: the cluster runs as `postgres`, which must reach the state dir.
        if ! runuser -u postgres -- test -x "$STATE"; then
            d="/var/tmp/faultline-netbox-pg-$PG_PORT"
        fi
    fi
    echo "$d" > "$PGDATA_FILE"
    echo "$d"
}

as_pg() {
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

psql_admin() { as_pg "$(pg_bin)/psql" -X -q -h 127.0.0.1 -p "$PG_PORT" -U postgres -v ON_ERROR_STOP=1 "$@"; }

start_postgres() {
    local bin data
    bin="$(pg_bin)"; data="$(pgdata)"
    if [ ! -f "$data/PG_VERSION" ]; then
        log "initdb $data (port $PG_PORT)"
        mkdir -p "$data"
        [ "$(id -u)" = 0 ] && chown postgres: "$data"
        chmod 700 "$data"
        as_pg "$bin/initdb" -D "$data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >/dev/null \
            || as_pg "$bin/initdb" -D "$data" -U postgres --auth=trust -E UTF8 --locale=C >/dev/null
    fi
    if as_pg "$bin/pg_ctl" -D "$data" status >/dev/null 2>&1; then
        return 0
    fi
    port_free "$PG_PORT" || die "port $PG_PORT is taken: set NETBOX_PG_PORT"
    as_pg "$bin/pg_ctl" -D "$data" -l "$data/server.log" -w -t 60 \
        -o "-c listen_addresses=127.0.0.1 -p $PG_PORT -k $data -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
        start >/dev/null || { tail -20 "$data/server.log" >&2; die "PostgreSQL did not start"; }
    head -1 "$data/postmaster.pid" > "$STATE/postgres.pid"
}

start_redis() {
    if pid_alive "$STATE/redis.pid"; then return 0; fi
    port_free "$REDIS_PORT" || die "port $REDIS_PORT is taken: set NETBOX_REDIS_PORT"
    mkdir -p "$STATE/redis"
    redis-server --bind 127.0.0.1 --port "$REDIS_PORT" --save '' --appendonly no \
        --dir "$STATE/redis" --daemonize yes --pidfile "$STATE/redis.pid" \
        --logfile "$STATE/redis/redis.log" >/dev/null
    for _ in $(seq 50); do [ -s "$STATE/redis.pid" ] && break; sleep 0.1; done
    pid_alive "$STATE/redis.pid" || die "Redis did not start; see $STATE/redis/redis.log"
}

db_exists() {
    [ "$(psql_admin -tAc "SELECT 1 FROM pg_database WHERE datname='$1'")" = 1 ]
}

ensure_role() {
    psql_admin -c "DO \$\$BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname='netbox') THEN CREATE ROLE netbox LOGIN SUPERUSER PASSWORD 'netbox'; END IF; END\$\$;"
}

ensure_database() {
    ensure_role
    if [ "${NETBOX_FRESH:-0}" = 1 ] && db_exists netbox; then
        log "NETBOX_FRESH=1: dropping database netbox"
        psql_admin -c "DROP DATABASE netbox WITH (FORCE)"
        redis-cli -h 127.0.0.1 -p "$REDIS_PORT" flushall >/dev/null 2>&1 || true
    fi
    if db_exists netbox; then return 0; fi
    psql_admin -c "CREATE DATABASE netbox OWNER netbox"
    local t0
    if [ -s "$DUMP" ]; then
        log "restoring the migrated empty database from $DUMP"
        t0=$(now)
        psql_admin -d netbox < "$DUMP" >/dev/null
        log "restore took $(( $(now) - t0 )) s"
        # A dump of an older migrate of the same version is complete; `migrate` checks it in seconds.
    fi
    if [ -s "$DUMP" ]; then log "netbox migrate (checks the restored dump)"; else log "netbox migrate (first time on this machine: 8-12 minutes on 2 cores)"; fi
    t0=$(now)
    nice -n 19 env NETBOX_ROOT="$ROOT" "$VENV/bin/netbox" migrate --no-input > "$STATE/migrate.log" 2>&1 \
        || { tail -30 "$STATE/migrate.log" >&2; die "netbox migrate failed; see $STATE/migrate.log"; }
    log "migrate took $(( $(now) - t0 )) s"
    if [ ! -s "$DUMP" ]; then
        mkdir -p "$CACHE"
        as_pg "$(pg_bin)/pg_dump" -h 127.0.0.1 -p "$PG_PORT" -U postgres --no-owner netbox > "$DUMP.tmp"
        mv "$DUMP.tmp" "$DUMP"
        log "kept the migrated empty database in $DUMP"
    fi
}

ensure_superuser() {
    DJANGO_SUPERUSER_PASSWORD="$ADMIN_PASSWORD" nb shell -c "
from users.models import User
u, _ = User.objects.get_or_create(username='$ADMIN_USER', defaults={'email': 'admin@example.invalid'})
u.is_superuser = True; u.is_staff = True; u.is_active = True
u.set_password('$ADMIN_PASSWORD'); u.save()
" >/dev/null
}

start_gunicorn() {
    # $1 name, $2 port, $3 database
    local name=$1 port=$2 db=$3
    if pid_alive "$STATE/$name.pid"; then return 0; fi
    port_free "$port" || die "port $port is taken"
    (
        cd "$STATE"
        NETBOX_ROOT="$ROOT" NETBOX_DB_NAME="$db" DJANGO_SETTINGS_MODULE=netbox.settings \
            nohup "$VENV/bin/gunicorn" --bind "127.0.0.1:$port" --workers 2 --threads 2 \
            --timeout 120 --graceful-timeout 5 --no-control-socket --pid "$STATE/$name.pid" \
            --access-logfile "$STATE/$name-access.log" --error-logfile "$STATE/$name.log" \
            netbox.wsgi >/dev/null 2>&1 &
    )
    for _ in $(seq 240); do
        if curl -fsS -o /dev/null "http://127.0.0.1:$port/api/status/" -H 'Accept: application/json' 2>/dev/null \
            || [ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/api/status/")" = 403 ]; then
            return 0
        fi
        sleep 0.5
    done
    tail -30 "$STATE/$name.log" >&2
    die "gunicorn ($name) did not answer on 127.0.0.1:$port"
}

provision_tokens() {
    # $1 url -> sets V2 and V1
    local url=$1 out
    out="$(curl -fsS -X POST "$url/api/users/tokens/provision/" -H 'Content-Type: application/json' \
        -H 'Accept: application/json' \
        -d "{\"username\": \"$ADMIN_USER\", \"password\": \"$ADMIN_PASSWORD\", \"description\": \"faultline netbox-live v2\"}")" \
        || die "token provisioning failed at $url/api/users/tokens/provision/"
    V2="$("$VENV/bin/python" -c 'import json,sys; d=json.load(sys.stdin); assert d["version"]==2; print("nbt_%s.%s" % (d["key"], d["token"]))' <<<"$out")"
    # NetBox 4.7 still accepts v1 tokens (`Authorization: Token <40 chars>`) when one is created explicitly.
    out="$(curl -sS -X POST "$url/api/users/tokens/" -H 'Content-Type: application/json' \
        -H 'Accept: application/json' -H "Authorization: Bearer $V2" \
        -d "{\"user\": {\"username\": \"$ADMIN_USER\"}, \"version\": 1, \"description\": \"faultline netbox-live v1\"}")"
    V1="$("$VENV/bin/python" -c 'import json,sys
try:
    d=json.load(sys.stdin); print(d["token"] if d.get("version")==1 else "")
except Exception: print("")' <<<"$out")"
    [ -n "$V1" ] || log "no v1 token: $out"
}

write_env() {
    # $1 file, $2 url, $3 v2, $4 v1, $5 pid-name
    {
        echo "# Written by scripts/netbox-live.sh $(date -u +%Y-%m-%dT%H:%M:%SZ); source it."
        echo "NETBOX_VERSION=$NETBOX_VERSION"
        echo "NETBOX_URL=$2"
        echo "NETBOX_TOKEN=$3"
        [ -n "$4" ] && echo "NETBOX_TOKEN_V1=$4"
        echo "NETBOX_SITE=${6:-faultline-lab}"
        echo "NETBOX_ADMIN_USER=$ADMIN_USER"
        echo "NETBOX_ADMIN_PASSWORD=$ADMIN_PASSWORD"
        echo "NETBOX_STATE=$STATE"
        echo "NETBOX_GUNICORN_PID=$(cat "$STATE/$5.pid" 2>/dev/null)"
        echo "NETBOX_REDIS_PID=$(cat "$STATE/redis.pid" 2>/dev/null)"
        echo "NETBOX_POSTGRES_PID=$(cat "$STATE/postgres.pid" 2>/dev/null)"
        echo "export NETBOX_URL NETBOX_TOKEN${4:+ NETBOX_TOKEN_V1}"
    } > "$1"
    chmod 600 "$1"
}

# ---------------------------------------------------------------- commands

cmd_start() {
    local t0 t1 port url
    t0=$(now)
    ensure_debian_packages
    ensure_venv
    ensure_secrets
    write_configuration
    start_postgres
    start_redis
    # A fresh database under running workers would meet their stale connections.
    [ "${NETBOX_FRESH:-0}" = 1 ] && stop_pidfile gunicorn
    ensure_database
    ensure_superuser
    port="$(cat "$STATE/port" 2>/dev/null || true)"
    if ! pid_alive "$STATE/gunicorn.pid"; then
        port="${NETBOX_PORT:-$(free_port 8329)}"
        start_gunicorn gunicorn "$port" netbox
        echo "$port" > "$STATE/port"
    fi
    url="http://127.0.0.1:$port"
    if [ -f "$ENV_FILE" ] && grep -q "^NETBOX_URL=$url\$" "$ENV_FILE" \
        && [ "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $(sed -n 's/^NETBOX_TOKEN=//p' "$ENV_FILE")" "$url/api/dcim/sites/?limit=1")" = 200 ]; then
        V2="$(sed -n 's/^NETBOX_TOKEN=//p' "$ENV_FILE")"; V1="$(sed -n 's/^NETBOX_TOKEN_V1=//p' "$ENV_FILE")"
    else
        provision_tokens "$url"
    fi
    write_env "$ENV_FILE" "$url" "$V2" "$V1" gunicorn
    log "NetBox $NETBOX_VERSION up at $url after $(( $(now) - t0 )) s; building the lab site"
    t1=$(now)
    NETBOX_URL="$url" NETBOX_TOKEN="$V2" "$VENV/bin/python" "$HERE/netbox/build_site.py"
    log "site build took $(( $(now) - t1 )) s; total $(( $(now) - t0 )) s"
    cat "$ENV_FILE"
}

stop_pidfile() {
    # $1 name: kill the PID in $STATE/$1.pid (TERM, then KILL after 30 s), wait for it.
    local pid
    if pid_alive "$STATE/$1.pid"; then
        pid="$(cat "$STATE/$1.pid")"; log "stopping $1 ($pid)"; kill -TERM "$pid"
        for _ in $(seq 300); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -0 "$pid" 2>/dev/null && kill -KILL "$pid"
    fi
    rm -f "$STATE/$1.pid"
}

cmd_stop() {
    local pid data
    stop_pidfile demo-gunicorn
    stop_pidfile gunicorn
    stop_pidfile redis
    if pid_alive "$STATE/postgres.pid"; then
        pid="$(cat "$STATE/postgres.pid")"; log "stopping postgres ($pid)"
        data="$(cat "$PGDATA_FILE")"
        as_pg "$(pg_bin)/pg_ctl" -D "$data" -m fast -w stop >/dev/null 2>&1 || kill -INT "$pid"
        for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    fi
    rm -f "$STATE/postgres.pid"
}

cmd_env() {
    [ -f "$ENV_FILE" ] || die "no $ENV_FILE: run '$0 start' first"
    cat "$ENV_FILE"
}

cmd_demo() {
    # Loads NetBox's public demo data (netbox-community/netbox-demo-data, v4.2 SQL dump)
    # into database netbox_demo, migrates it to 4.7 and serves it on a second port.
    [ -f "$ENV_FILE" ] || die "run '$0 start' first"
    ensure_secrets
    local sql="${NETBOX_DEMO_SQL:-$CACHE/netbox-demo-v4.2.sql}" t0 port url
    if ! db_exists netbox_demo; then
        psql_admin -c "CREATE DATABASE netbox_demo OWNER netbox"
        if [ -s "$DEMO_DUMP" ]; then
            log "restoring the migrated demo database from $DEMO_DUMP"
            t0=$(now); psql_admin -d netbox_demo < "$DEMO_DUMP" >/dev/null
            log "restore took $(( $(now) - t0 )) s"
        else
            [ -s "$sql" ] || die "no demo dump at $sql: put sql/netbox-demo-v4.2.sql of
  netbox-community/netbox-demo-data there, or set NETBOX_DEMO_SQL"
            log "loading $sql"
            t0=$(now)
            psql_admin -d netbox_demo < "$sql" > "$STATE/demo-load.log" 2>&1 \
                || { tail "$STATE/demo-load.log" >&2; die "loading the demo dump failed"; }
            # The v4.2 dump comes from a 4.2 pre-release: it lacks circuits_virtualcircuittype
            # (and circuits_virtualcircuit.type_id), which circuits.0053 expects to exist.
            psql_admin -d netbox_demo < "$HERE/netbox/demo-fixup.sql" >> "$STATE/demo-load.log" 2>&1
            log "demo load took $(( $(now) - t0 )) s; migrating it to $NETBOX_VERSION"
            t0=$(now)
            nice -n 19 env NETBOX_ROOT="$ROOT" NETBOX_DB_NAME=netbox_demo "$VENV/bin/netbox" migrate --no-input \
                > "$STATE/demo-migrate.log" 2>&1 \
                || { tail -30 "$STATE/demo-migrate.log" >&2; die "demo migrate failed; see $STATE/demo-migrate.log"; }
            log "demo migrate took $(( $(now) - t0 )) s"
            as_pg "$(pg_bin)/pg_dump" -h 127.0.0.1 -p "$PG_PORT" -U postgres --no-owner netbox_demo > "$DEMO_DUMP.tmp"
            mv "$DEMO_DUMP.tmp" "$DEMO_DUMP"
        fi
    fi
    DJANGO_SUPERUSER_PASSWORD="$ADMIN_PASSWORD" NETBOX_DB_NAME=netbox_demo nb shell -c "
from users.models import User
u, _ = User.objects.get_or_create(username='$ADMIN_USER')
u.is_superuser = True; u.is_staff = True; u.is_active = True
u.set_password('$ADMIN_PASSWORD'); u.save()
" >/dev/null
    port="$(cat "$STATE/demo-port" 2>/dev/null || true)"
    if ! pid_alive "$STATE/demo-gunicorn.pid"; then
        port="${NETBOX_DEMO_PORT:-$(free_port 8339)}"
        start_gunicorn demo-gunicorn "$port" netbox_demo
        echo "$port" > "$STATE/demo-port"
    fi
    url="http://127.0.0.1:$port"
    if [ -f "$STATE/demo-env" ] && grep -q "^NETBOX_URL=$url\$" "$STATE/demo-env" \
        && [ "$(curl -s -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $(sed -n 's/^NETBOX_TOKEN=//p' "$STATE/demo-env")" "$url/api/dcim/sites/?limit=1")" = 200 ]; then
        V2="$(sed -n 's/^NETBOX_TOKEN=//p' "$STATE/demo-env")"; V1="$(sed -n 's/^NETBOX_TOKEN_V1=//p' "$STATE/demo-env")"
    else
        provision_tokens "$url"
    fi
    write_env "$STATE/demo-env" "$url" "$V2" "$V1" demo-gunicorn "${NETBOX_DEMO_SITES:-ncsu-065,dm-akron}"
    cat "$STATE/demo-env"
}

cmd_record() {
    [ -f "$ENV_FILE" ] || die "run '$0 start' first"
    local out="$REPO/tests/fixtures/netbox"
    # shellcheck disable=SC1090,SC1091
    ( set -a; . "$ENV_FILE"; "$VENV/bin/python" "$HERE/netbox/record.py" --set faultline-lab --out "$out/faultline-lab" )
    if [ -f "$STATE/demo-env" ] && pid_alive "$STATE/demo-gunicorn.pid"; then
        # shellcheck disable=SC1090,SC1091
        ( set -a; . "$STATE/demo-env"; "$VENV/bin/python" "$HERE/netbox/record.py" --set demo --out "$out/demo" )
    else
        log "demo instance not running ('$0 demo'); demo fixtures not re-recorded"
    fi
}

case "${1:-}" in
    start) cmd_start ;;
    stop) cmd_stop ;;
    env) cmd_env ;;
    record) cmd_record ;;
    demo) cmd_demo ;;
    *) echo "usage: $0 start|stop|env|record|demo" >&2; exit 2 ;;
esac
