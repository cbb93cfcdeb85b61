#!/usr/bin/env bash
# The peer workload: the same N migrations every peer tool's benchmark uses
# (peers-gen.py), deployed by pg_migrate and run by psql -1, side by side in
# one run. Prints figures, asserts nothing about timing.
#
#   bash scripts/cluster.sh "$(command -v pg_config)" bash test/bench/peers.sh
#
# Environment:
#   BENCH_N          migrations (default 1000)
#   BENCH_ROUNDS     rounds, each on fresh databases, alternating who goes first (default 5)
#   BENCH_PEERS_GEN  the generator (default ../shared/bench/peers-gen.py beside the checkout)
#   PG_MIGRATE, PSQL as in run.sh; BENCH_KEEP=1 keeps the work folder and databases
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
N=${BENCH_N:-1000}
ROUNDS=${BENCH_ROUNDS:-5}
GEN=${BENCH_PEERS_GEN:-$root/../shared/bench/peers-gen.py}
PG_MIGRATE=${PG_MIGRATE:-$root/build/pg_migrate}
PSQL=${PSQL:-$(pg_config --bindir 2>/dev/null)/psql}
[ -x "$PSQL" ] || PSQL=psql
# Every round runs in databases of its own, dropped only at the end: ext4
# skips inodes freed in the last minute or more when it allocates new ones, so
# the thousands of files a dropped database leaves would slow whichever side
# creates its tables next, a cost of the benchmark's cleanup, not of either side.
DATABASES=(bench_peer_psql bench_peer_ours)
for ((r = 1; r <= ${BENCH_ROUNDS:-5}; r++)); do DATABASES+=("bench_peer_psql_$r" "bench_peer_ours_$r"); done

source "$here/common.sh"
[ -x "$PG_MIGRATE" ] || die "client not built: $PG_MIGRATE"
peer_workload pg_migrate_peers

# CPU time (ms) of the server's ended backends so far: the postmaster's
# children's user+system time (/proc/PID/stat fields 16, 17). A wall clock on
# a busy machine mostly measures the other work; CPU time does not. Empty when
# the postmaster is not on this machine or not readable.
postmaster=$(head -1 "$(admin -At -c "SHOW data_directory" 2>/dev/null)/postmaster.pid" 2>/dev/null)
children_cpu_ms() {
	[ -n "$postmaster" ] && [ -r "/proc/$postmaster/stat" ] || return 0
	awk -v hz="$(getconf CLK_TCK)" '{ sub(/^.*\) /, ""); printf "%d", ($14 + $15) * 1000 / hz }' "/proc/$postmaster/stat"
}

# Runs "$@" timed; sets rss (peak kB) and cpu (client + its backend, ms).
measured() {
	local before after
	before=$(children_cpu_ms)
	timed /usr/bin/time -f "%M %U %S" -o "$work/rss" "$@"
	sleep 0.2 # the backend's exit is reaped and counted
	after=$(children_cpu_ms)
	read -r rss user sys <<<"$(tail -1 "$work/rss")"
	cpu=$(awk -v u="$user" -v s="$sys" -v a="${before:-0}" -v b="${after:-0}" 'BEGIN { printf "%d", (u + s) * 1000 + b - a }')
}

echo "== peer workload: $N migrations ($(du -sk "$work/w/ours/migrations" | cut -f1) kB), $ROUNDS rounds"
echo "server:  PostgreSQL $(admin -At -c "SHOW server_version" | cut -d' ' -f1); load $(cut -d' ' -f1-3 /proc/loadavg)"

fresh_db bench_peer_psql # warm-up, not counted (WAL segments, caches)
"$PSQL" -X -q -1 -v ON_ERROR_STOP=1 -d "$(conn bench_peer_psql)" -f "$work/w/psql/all.sql" >/dev/null 2>&1 ||
	die "the psql floor failed"

psql_runs=() ours_runs=() psql_cpu=() ours_cpu=()
for ((r = 1; r <= ROUNDS; r++)); do
	order=(psql ours)
	((r % 2 == 0)) && order=(ours psql)
	for what in "${order[@]}"; do
		if [ "$what" = psql ]; then
			fresh_db "bench_peer_psql_$r"
			settle
			measured "$PSQL" -X -q -1 -v ON_ERROR_STOP=1 -d "$(conn "bench_peer_psql_$r")" -f "$work/w/psql/all.sql"
			[ "$rc" = 0 ] || { show_failure "psql -1"; die "the psql floor failed"; }
			psql_runs+=("$elapsed") psql_cpu+=("$cpu") psql_rss=$rss
		else
			fresh_db "bench_peer_ours_$r" ext
			settle
			measured "$PG_MIGRATE" --db "$(conn "bench_peer_ours_$r")" -q deploy --dir "$work/w/ours/migrations"
			[ "$rc" = 0 ] || { show_failure "pg_migrate deploy"; die "deploy failed"; }
			ours_runs+=("$elapsed") ours_cpu+=("$cpu") ours_rss=$rss
		fi
	done
	echo "  round $r: psql -1 ${psql_runs[-1]} ms (cpu ${psql_cpu[-1]}), pg_migrate deploy ${ours_runs[-1]} ms (cpu ${ours_cpu[-1]})"
done
read -r psql_ms psql_min _ <<<"$(stats "${psql_runs[*]}")"
read -r ours_ms ours_min _ <<<"$(stats "${ours_runs[*]}")"
echo "psql_ms=$psql_ms (min $psql_min)  deploy_ms=$ours_ms (min $ours_min)"
echo "ratio=$(awk -v a="$ours_ms" -v b="$psql_ms" 'BEGIN { printf "%.2f", a / b }') (medians; target <= 0.90)"
if [ -n "$postmaster" ]; then
	read -r pc _ <<<"$(stats "${psql_cpu[*]}")"
	read -r oc _ <<<"$(stats "${ours_cpu[*]}")"
	echo "cpu_ms (client + server backend): psql=$pc pg_migrate=$oc cpu_ratio=$(awk -v a="$oc" -v b="$pc" 'BEGIN { printf "%.2f", a / b }')"
fi
echo "peak_rss_kb: psql=$psql_rss pg_migrate=$ours_rss"

# Where a deploy's time goes: the upload alone, then the apply alone.
fresh_db bench_peer_ours ext
settle
timed "$PG_MIGRATE" --db "$(conn bench_peer_ours)" -q push --dir "$work/w/ours/migrations"
push_ms=$elapsed
settle
timed on bench_peer_ours -q -c "SELECT count(*) FROM migrate.apply()"
apply_ms=$elapsed
inside=$(on bench_peer_ours -At -c "SELECT round(sum(duration_ms)::numeric) FROM migrate.history WHERE action = 'apply'")
echo "split: push (read, checksum, register) $push_ms ms; SELECT migrate.apply() $apply_ms ms, of which $inside ms inside migrations"
