#!/usr/bin/env bash
# The upload of the peer workload (peers-gen.py) by the same client against
# two catalogs: 0.1.6, where it calls register() once per file, and the
# current one, where it makes one register_many() call. Prints `pg_migrate
# push` times per round; asserts nothing about them.
#
#   bash scripts/cluster.sh "$(command -v pg_config)" bash test/bench/upload.sh
#
# Environment: BENCH_N (default 1000), BENCH_ROUNDS (default 3),
# BENCH_PEERS_GEN, PG_MIGRATE and BENCH_KEEP as in peers.sh.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
N=${BENCH_N:-1000}
ROUNDS=${BENCH_ROUNDS:-3}
GEN=${BENCH_PEERS_GEN:-$root/../shared/bench/peers-gen.py}
PG_MIGRATE=${PG_MIGRATE:-$root/build/pg_migrate}
CATALOGS=(0.1.6 "$(sed -n "s/^default_version = '\(.*\)'/\1/p" "$root/pg_migrate.control")")
DATABASES=()
for ((r = 1; r <= ROUNDS; r++)); do for c in "${CATALOGS[@]}"; do DATABASES+=("bench_upload_${c//./}_$r"); done; done

source "$here/common.sh"
[ -x "$PG_MIGRATE" ] || die "client not built: $PG_MIGRATE"
peer_workload pg_migrate_upload

echo "== upload: pg_migrate push of $N peer migrations, $ROUNDS rounds, catalogs ${CATALOGS[*]}"
declare -A times
for ((r = 1; r <= ROUNDS; r++)); do
	for c in "${CATALOGS[@]}"; do
		db=bench_upload_${c//./}_$r
		fresh_db "$db"
		on "$db" -q -c "CREATE EXTENSION pg_migrate VERSION '$c'" >/dev/null || die "CREATE EXTENSION VERSION '$c' failed"
		settle
		timed "$PG_MIGRATE" --db "$(conn "$db")" -q push --dir "$work/w/ours/migrations"
		[ "$rc" = 0 ] || { show_failure push; exit 1; }
		[ "$(on "$db" -At -c "SELECT count(*) FROM migrate.migrations")" = "$N" ] || die "push registered too few"
		times[$c]+="$elapsed "
		echo "  round $r: catalog $c push $elapsed ms"
	done
done
for c in "${CATALOGS[@]}"; do
	read -r median min max <<<"$(stats "${times[$c]}")"
	echo "catalog_${c//./_}_push_ms=$median (min $min, max $max)"
done
