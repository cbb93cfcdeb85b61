#!/usr/bin/env bash
# What schema fingerprints cost (prints figures; asserts nothing):
#   1. migrate.describe() and migrate.fingerprint() on a schema of
#      BENCH_TABLES tables (default 1000), each with a primary key, an index,
#      a check constraint and a comment (median of BENCH_ROUNDS, default 5);
#   2. a deploy of the generated benchmark folder (BENCH_N migrations, default
#      1000) with the state recorded after the batch, against psql -1 running
#      the same SQL, side by side: the ratio includes describing the result.
#
#   bash scripts/cluster.sh /usr/lib/postgresql/15/bin/pg_config bash test/bench/fingerprint.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
source test/bench/common.sh
TABLES=${BENCH_TABLES:-1000}
N=${BENCH_N:-1000}
ROUNDS=${BENCH_ROUNDS:-5}
client=${PG_MIGRATE:-build/pg_migrate}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
ms() { python3 -c 'import time; print(int(time.time()*1000))'; }

db=pg_migrate_bench_fp
admin -q -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db"
psql -X -q -d "$(conn $db)" -c "CREATE EXTENSION pg_migrate" -c "
DO \$\$ BEGIN
  FOR i IN 1..$TABLES LOOP
    EXECUTE format('CREATE TABLE t%s (id bigint PRIMARY KEY, name text NOT NULL, amount numeric CHECK (amount >= 0), at timestamptz DEFAULT now())', i);
    EXECUTE format('CREATE INDEX t%s_name ON t%s (name)', i, i);
    EXECUTE format('COMMENT ON TABLE t%s IS %L', i, 'table ' || i);
  END LOOP;
END \$\$;"
rows=$(psql -X -At -d "$(conn $db)" -c "SELECT count(*) FROM migrate.describe()")
echo "1. schema of $TABLES tables: $rows described objects"
for what in "count(*) FROM migrate.describe()" "migrate.fingerprint()"; do
	for _ in $(seq "$ROUNDS"); do
		psql -X -At -d "$(conn $db)" -c '\timing on' -c "SELECT $what" | sed -n 's/^Time: \([0-9.]*\) ms.*/\1/p'
	done | median | xargs printf "   SELECT %-34s %8.1f ms (median of $ROUNDS)\n" "$what"
done
admin -q -c "DROP DATABASE $db"

python3 test/bench/generate.py "$work/migrations" --count "$N" --floor "$work/floor.sql" >/dev/null
ours=() theirs=()
for _ in $(seq "$ROUNDS"); do
	admin -q -c "DROP DATABASE IF EXISTS $db" -c "CREATE DATABASE $db"
	psql -X -q -d "$(conn $db)" -c "CREATE EXTENSION pg_migrate"
	start=$(ms)
	"$client" --db "$(conn $db)" --dir "schema=$work/migrations" -q deploy >/dev/null
	ours+=($(($(ms) - start)))
	admin -q -c "DROP DATABASE $db" -c "CREATE DATABASE $db"
	start=$(ms)
	psql -X -q -1 -v ON_ERROR_STOP=1 -d "$(conn $db)" -f "$work/floor.sql" >/dev/null
	theirs+=($(($(ms) - start)))
done
admin -q -c "DROP DATABASE IF EXISTS $db"
a=$(printf '%s\n' "${ours[@]}" | median)
b=$(printf '%s\n' "${theirs[@]}" | median)
echo "2. deploy of $N migrations, state recorded after the batch: pg_migrate $a ms, psql -1 $b ms" \
	"(median of $ROUNDS), ratio $(python3 -c "print(f'{$a / $b:.2f}')")"
