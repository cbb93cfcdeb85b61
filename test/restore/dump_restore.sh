#!/usr/bin/env bash
# pg_dump / pg_restore carry pg_migrate's whole catalog and history: deploy
# examples/ into one database, dump it, restore into another, and check that
# the history came along and a deploy there applies nothing twice.
# Runs against the server in PG* (scripts/suites.sh runs it in pg_virtualenv).
set -euo pipefail
cd "$(dirname "$0")/../.."
client=${PG_MIGRATE:-build/pg_migrate}
src=pg_migrate_dump_src
dst=pg_migrate_dump_dst
dump=$(mktemp -d)/examples.dump
dirs=(--dir schema=examples/migrations/schema --dir data=examples/migrations/data --dir index=examples/migrations/index)
fail() { echo "dump/restore: $*"; exit 1; }

psql -X -q -c "SET client_min_messages = warning" -c "DROP DATABASE IF EXISTS $src" -c "DROP DATABASE IF EXISTS $dst" -c "CREATE DATABASE $src" -c "CREATE DATABASE $dst"
"$client" --db "dbname=$src" -q install
"$client" --db "dbname=$src" -q "${dirs[@]}" deploy
q() { psql -X -A -t -d "$1" -c "$2"; }
history_src=$(q $src "SELECT count(*) || ' ' || string_agg(stream || '/' || version || ':' || status, ',' ORDER BY id) FROM migrate.history")
applied_src=$(q $src "SELECT count(*) FROM migrate.migrations WHERE state = 'applied'")
rows_src=$(q $src "SELECT count(*) FROM projects")

pg_dump -Fc -d $src -f "$dump"
# The restore recreates objects on purpose: it is not drift.
PGOPTIONS='-c pg_migrate.capture_ddl=off' pg_restore -d $dst --exit-on-error "$dump"

[ "$(q $dst "SELECT count(*) || ' ' || string_agg(stream || '/' || version || ':' || status, ',' ORDER BY id) FROM migrate.history")" = "$history_src" ] \
    || fail "history differs after restore"
[ "$(q $dst "SELECT count(*) FROM migrate.migrations WHERE state = 'applied'")" = "$applied_src" ] || fail "applied migrations differ"
[ "$(q $dst "SELECT count(*) FROM projects")" = "$rows_src" ] || fail "data differs"
# The schema comes back as it was: the same fingerprint, recorded and live, and no drift.
fp_src=$(q $src "SELECT migrate.fingerprint()")
[ "$(q $dst "SELECT migrate.fingerprint()")" = "$fp_src" ] || fail "schema fingerprint differs after restore"
[ "$(q $dst "SELECT count(*) FROM migrate.schema_diff()")" = 0 ] || fail "restored schema shows drift"
[ "$(q $dst "SELECT count(*) FROM migrate.drift()")" = "0" ] || fail "the restore was recorded as drift"
[ "$(q $dst "SELECT count(*) FROM migrate.streams")" = "$(q $src "SELECT count(*) FROM migrate.streams")" ] || fail "streams differ"

# Nothing runs twice: a deploy of the same folders on the restored database does nothing.
out=$("$client" --db "dbname=$dst" "${dirs[@]}" deploy 2>&1)
[ "$(q $dst "SELECT count(*) FROM migrate.history")" = "${history_src%% *}" ] || fail "deploy after restore applied something: $out"
# And new history continues after the restored ids (the sequence came along).
psql -X -q -d $dst -c "SELECT migrate.register('schema', '99990101000000', 'after_restore', 'CREATE TABLE after_restore (id bigint);')" \
    -c "SELECT count(*) FROM migrate.apply()" >/dev/null
[ "$(q $dst "SELECT count(DISTINCT id) = count(*) FROM migrate.history")" = "t" ] || fail "history ids collide after restore"

psql -X -q -c "DROP DATABASE $src" -c "DROP DATABASE $dst"
echo "ok: pg_dump/pg_restore kept $applied_src applied migrations and ${history_src%% *} history rows; re-deploy applied nothing"
