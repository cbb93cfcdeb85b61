#!/usr/bin/env bash
# Runs a command against a throwaway PostgreSQL cluster of the server whose
# pg_config is given, then drops the cluster:
#
#   bash scripts/cluster.sh /var/cache/pg_migrate/pg-18.6-…/bin/pg_config bash scripts/suites.sh
#
# The environment matches what pg_virtualenv gives (which serves Debian's own
# packages only): PGHOST=localhost, PGPORT, PGUSER=postgres, PGPASSWORD (SCRAM
# over TCP), PGDATABASE=postgres, PGVERSION; the Unix socket (peer-free trust
# for the postgres OS user) is in PG_MIGRATE_SOCKET_DIR. initdb and the server
# run as the postgres OS user, the command as the caller. On failure the tail
# of the server log is shown. PG_MIGRATE_SERVER_LOG=FILE keeps a copy of the
# server log there.
set -uo pipefail
# The programs of a sanitize-flavoured server (scripts/pg.sh) report leaks at
# exit, pg_config too: PostgreSQL frees by memory context and at exit.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0}

pg_config=${1:?usage: scripts/cluster.sh PG_CONFIG COMMAND...}
shift
bindir=$("$pg_config" --bindir) || exit 2
[ -x "$bindir/initdb" ] || {
    echo "cluster.sh: no initdb in $bindir" >&2
    exit 2
}
as_postgres() {
    if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# PG_MIGRATE_CLUSTER_ROOT: where the cluster's directory goes (/tmp; e.g.
# /dev/shm for a benchmark that must not measure the file system).
dir=$(mktemp -d "${PG_MIGRATE_CLUSTER_ROOT:-/tmp}/pg_migrate-cluster.XXXXXX")
chmod 755 "$dir"
[ "$(id -u)" = 0 ] && chown postgres: "$dir"
password=$(od -An -N12 -tx1 /dev/urandom | tr -d ' \n')
echo "$password" >"$dir/pwfile"
[ "$(id -u)" = 0 ] && chown postgres: "$dir/pwfile"

cleanup() {
    as_postgres "$bindir/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1
    [ -n "${PG_MIGRATE_SERVER_LOG:-}" ] && cp "$dir/server.log" "$PG_MIGRATE_SERVER_LOG"
    rm -rf "$dir"
}
trap cleanup EXIT

if ! as_postgres "$bindir/initdb" -D "$dir/data" -U postgres --pwfile="$dir/pwfile" --auth-local=trust \
    --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1; then
    cat "$dir/initdb.log" >&2
    exit 2
fi
cat >>"$dir/data/postgresql.conf" <<EOF
listen_addresses = 'localhost'
unix_socket_directories = '$dir'
fsync = off
max_connections = 100
max_worker_processes = 16
EOF
# The first free port from 5432 on. Another cluster (of this run, or of
# someone else's tests on the machine) may take it between the look and the
# start: then the next one is tried.
free_port() {
    local p=$1
    while (echo >"/dev/tcp/127.0.0.1/$p") 2>/dev/null || [ -e "/tmp/.s.PGSQL.$p" ]; do
        p=$((p + 1))
    done
    echo "$p"
}
port=$(free_port 5432)
for attempt in 1 2 3 4 5; do
    rm -f "$dir/server.log" # only this attempt's lines decide whether to try another port
    if as_postgres "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -o "-p $port" -w -t 60 start >/dev/null 2>"$dir/pg_ctl.err"; then
        break
    fi
    if [ "$attempt" -lt 5 ] && grep -q "Address already in use" "$dir/server.log"; then
        port=$(free_port $((port + 1)))
        continue
    fi
    cat "$dir/pg_ctl.err" >&2
    tail -30 "$dir/server.log" >&2
    exit 2
done

export PGHOST=localhost PGPORT=$port PGUSER=postgres PGPASSWORD=$password PGDATABASE=postgres
export PGVERSION=$("$pg_config" --version | grep -Eo '[0-9]+' | head -1)
export PG_MIGRATE_SOCKET_DIR=$dir
"$@"
rc=$?
if [ "$rc" -ne 0 ]; then
    echo "--- tail of the server log ($bindir)" >&2
    tail -20 "$dir/server.log" >&2
fi
exit "$rc"
