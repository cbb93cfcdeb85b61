#!/usr/bin/env bash
# A library built for another major: pg_migrate install says so and how to
# fix it (exit 3), rather than passing on the server's bare error. Runs
# inside scripts/cluster.sh for the server whose pg_config is $1, with the
# pg_migrate library built for another major ($2) put in place of its own for
# the duration of the test.
set -uo pipefail
cd "$(dirname "$0")/../.."
pg_config=${1:?usage: library_mismatch.sh PG_CONFIG OTHER_LIBRARY}
other=${2:?usage: library_mismatch.sh PG_CONFIG OTHER_LIBRARY}
lib="$("$pg_config" --pkglibdir)/pg_migrate.so"
cp "$lib" "$lib.own"
trap 'mv -f "$lib.own" "$lib"' EXIT
cp "$other" "$lib"

psql -X -q -c "CREATE DATABASE pg_migrate_mismatch"
output=$(build/pg_migrate --db "dbname=pg_migrate_mismatch" install 2>&1)
rc=$?
psql -X -q -c "DROP DATABASE pg_migrate_mismatch"
echo "$output"
[ "$rc" -eq 3 ] || { echo "library mismatch: expected exit 3, got $rc"; exit 1; }
grep -q "built for another PostgreSQL major" <<<"$output" || { echo "library mismatch: no explanation"; exit 1; }
grep -q "build_extension.sh" <<<"$output" || { echo "library mismatch: no way out named"; exit 1; }
echo "ok: a library of another major is refused with an explanation (exit 3)"
