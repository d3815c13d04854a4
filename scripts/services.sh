# shellcheck shell=bash
# Sourced by ./test and bench/*: the servers that the multi-node tests talk to.
#   shortr_services     PostgreSQL on 127.0.0.1:5432 and Redis on 127.0.0.1:6379
#   shortr_postgres     PostgreSQL only (trust auth for 127.0.0.1, user postgres, database "test", pg_trgm available)
#   shortr_redis        Redis only
# A server that already answers is used as it is. One that does not is started in a temporary directory (and left
# running for later runs; the line printed says how to stop it), after installing its Debian packages if needed.
# When that fails, a loud warning says so: the PostgreSQL tests then FAIL, unless SHORTR_TEST_PG=skip, which makes
# them skip (loudly). Never silent. Needs scripts/need.sh sourced first. The ports can be moved for a trial run of
# this script: SHORTR_SERVICES_PG_PORT, SHORTR_SERVICES_REDIS_PORT.

shortr_pg_port=${SHORTR_SERVICES_PG_PORT:-5432}
shortr_redis_port=${SHORTR_SERVICES_REDIS_PORT:-6379}

shortr_port_open() {
    timeout 1 bash -c "exec 3<>/dev/tcp/127.0.0.1/$1" 2>/dev/null
}

shortr_services_warn() {
    echo "" >&2
    echo "!!!" >&2
    local line
    for line in "$@"; do
        echo "!!! $line" >&2
    done
    echo "!!!" >&2
    echo "" >&2
}

# The bin directory of the newest PostgreSQL installed, or nothing.
shortr_pg_bin() {
    local d
    d=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
    if [ -n "$d" ] && [ -x "$d/initdb" ]; then
        echo "$d"
    elif command -v initdb >/dev/null 2>&1; then
        dirname "$(command -v initdb)"
    fi
}

# Runs a PostgreSQL program as the postgres user when we are root (initdb and postgres refuse to run as root).
shortr_as_pg() {
    if [ "$(id -u)" -eq 0 ]; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

shortr_postgres() {
    local port=$shortr_pg_port bin dir
    if shortr_port_open "$port"; then
        shortr_pg_trgm "$port"
        return 0
    fi
    bin=$(shortr_pg_bin)
    if [ -z "$bin" ]; then
        # need exits on failure: a subshell keeps that from ending the caller
        (need postgresql postgresql-contrib) || true
        bin=$(shortr_pg_bin)
    fi
    if [ -z "$bin" ]; then
        shortr_services_warn "PostgreSQL is not running on 127.0.0.1:$port and is not installed (apt-get install postgresql failed)." \
            "The PostgreSQL tests will FAIL. Start a server there, or set SHORTR_TEST_PG=skip to skip them."
        return 1
    fi
    dir=$(mktemp -d "${TMPDIR:-/tmp}/shortr-pg.XXXXXX")
    [ "$(id -u)" -ne 0 ] || chown postgres: "$dir"
    if ! shortr_as_pg "$bin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
        || ! shortr_as_pg "$bin/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w -t 30 \
            -o "-p $port -c listen_addresses=127.0.0.1 -k $dir" start >/dev/null \
        || ! shortr_as_pg "$bin/createdb" -h 127.0.0.1 -p "$port" -U postgres test; then
        shortr_services_warn "PostgreSQL is not running on 127.0.0.1:$port and could not be started in $dir" \
            "(see $dir/initdb.log and $dir/postgres.log)." \
            "The PostgreSQL tests will FAIL. Start a server there, or set SHORTR_TEST_PG=skip to skip them."
        return 1
    fi
    echo "services: started PostgreSQL on 127.0.0.1:$port in $dir (stop: runuser -u postgres -- $bin/pg_ctl -D $dir/data stop)" >&2
    shortr_pg_trgm "$port"
}

# The listing's search needs the pg_trgm extension; Debian ships it with the server (postgresql-contrib).
shortr_pg_trgm() {
    local port=$1 found
    command -v psql >/dev/null 2>&1 || return 0
    found=$(psql -h 127.0.0.1 -p "$port" -U postgres -d postgres -Atc \
        "SELECT count(*) FROM pg_available_extensions WHERE name = 'pg_trgm'" 2>/dev/null)
    if [ "$found" = 0 ]; then
        (need postgresql-contrib) || true
        found=$(psql -h 127.0.0.1 -p "$port" -U postgres -d postgres -Atc \
            "SELECT count(*) FROM pg_available_extensions WHERE name = 'pg_trgm'" 2>/dev/null)
        [ "$found" != 0 ] || shortr_services_warn "PostgreSQL on 127.0.0.1:$port has no pg_trgm extension (postgresql-contrib);" \
            "shortr's migrations need it, so the PostgreSQL tests will FAIL."
    fi
}

shortr_redis() {
    local port=$shortr_redis_port dir
    if shortr_port_open "$port"; then
        return 0
    fi
    command -v redis-server >/dev/null 2>&1 || (need redis-server) || true
    if ! command -v redis-server >/dev/null 2>&1; then
        shortr_services_warn "Redis is not running on 127.0.0.1:$port and is not installed (apt-get install redis-server failed)." \
            "The Redis tests cannot run against it."
        return 1
    fi
    dir=$(mktemp -d "${TMPDIR:-/tmp}/shortr-redis.XXXXXX")
    if ! redis-server --port "$port" --bind 127.0.0.1 --daemonize yes --save '' --dir "$dir" \
            --pidfile "$dir/redis.pid" --logfile "$dir/redis.log" >/dev/null; then
        shortr_services_warn "Redis is not running on 127.0.0.1:$port and could not be started (see $dir/redis.log)." \
            "The Redis tests cannot run against it."
        return 1
    fi
    local i
    for i in $(seq 50); do
        shortr_port_open "$port" && break
        sleep 0.1
    done
    echo "services: started Redis on 127.0.0.1:$port in $dir (stop: kill \$(cat $dir/redis.pid))" >&2
}

shortr_services() {
    shortr_postgres || true
    shortr_redis || true
}
