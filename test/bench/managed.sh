#!/usr/bin/env bash
# The peer workload in managed mode: the same N migrations deployed by
# pg_migrate into a database without the extension (install --no-extension,
# the engine run by the client) and by psql -1, side by side in one run, plus
# a no-op deploy and status of the deployed database. Prints figures, asserts
# nothing about timing.
#
#   PG_MIGRATE_CLUSTER_ROOT=/dev/shm bash scripts/cluster.sh "$(command -v pg_config)" bash test/bench/managed.sh
#
# Environment: BENCH_N (default 1000), BENCH_ROUNDS (default 3), BENCH_PEERS_GEN,
# PG_MIGRATE, PSQL and BENCH_KEEP as in peers.sh.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
N=${BENCH_N:-1000}
ROUNDS=${BENCH_ROUNDS:-3}
GEN=${BENCH_PEERS_GEN:-$root/../shared/bench/peers-gen.py}
PG_MIGRATE=${PG_MIGRATE:-$root/build/pg_migrate}
PSQL=${PSQL:-$(pg_config --bindir 2>/dev/null)/psql}
[ -x "$PSQL" ] || PSQL=psql
DATABASES=()
for ((r = 1; r <= ROUNDS; r++)); do DATABASES+=("bench_managed_psql_$r" "bench_managed_ours_$r"); done

source "$here/common.sh"
[ -x "$PG_MIGRATE" ] || die "client not built: $PG_MIGRATE"
peer_workload pg_migrate_managed

echo "== peer workload in managed mode: $N migrations, $ROUNDS rounds"
echo "server:  PostgreSQL $(admin -At -c "SHOW server_version" | cut -d' ' -f1); load $(cut -d' ' -f1-3 /proc/loadavg)"

psql_runs=() ours_runs=() noop_runs=() status_runs=()
for ((r = 1; r <= ROUNDS; r++)); do
	fresh_db "bench_managed_psql_$r"
	fresh_db "bench_managed_ours_$r"
	"$PG_MIGRATE" -q --db "$(conn "bench_managed_ours_$r")" install --no-extension >/dev/null 2>&1 ||
		die "install --no-extension failed"
	order=(psql ours)
	((r % 2 == 0)) && order=(ours psql)
	for what in "${order[@]}"; do
		settle
		if [ "$what" = psql ]; then
			timed "$PSQL" -X -q -1 -v ON_ERROR_STOP=1 -d "$(conn "bench_managed_psql_$r")" -f "$work/w/psql/all.sql"
			[ "$rc" = 0 ] || { show_failure "psql -1"; die "the psql floor failed"; }
			psql_runs+=("$elapsed")
		else
			timed "$PG_MIGRATE" -q --db "$(conn "bench_managed_ours_$r")" deploy --dir "$work/w/ours/migrations"
			[ "$rc" = 0 ] || { show_failure "managed deploy"; die "the managed deploy failed"; }
			ours_runs+=("$elapsed")
		fi
	done
	timed "$PG_MIGRATE" -q --db "$(conn "bench_managed_ours_$r")" deploy --dir "$work/w/ours/migrations"
	noop_runs+=("$elapsed")
	timed "$PG_MIGRATE" --db "$(conn "bench_managed_ours_$r")" status
	status_runs+=("$elapsed")
	echo "round $r: psql -1 ${psql_runs[-1]} ms, managed deploy ${ours_runs[-1]} ms," \
		"no-op ${noop_runs[-1]} ms, status ${status_runs[-1]} ms"
done

read -r pm _ _ <<<"$(stats "${psql_runs[*]}")"
read -r om _ _ <<<"$(stats "${ours_runs[*]}")"
echo "median: psql -1 $pm ms, managed deploy $om ms, ratio $(awk -v a="$om" -v b="$pm" 'BEGIN { printf "%.2f", a / b }')," \
	"no-op $(stats "${noop_runs[*]}" | cut -d' ' -f1) ms, status $(stats "${status_runs[*]}" | cut -d' ' -f1) ms"
