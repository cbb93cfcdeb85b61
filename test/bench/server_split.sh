#!/usr/bin/env bash
# The peer workload's server side, split: one register_many() call for every
# file, then apply(), each timed by psql (\timing) on a fresh database, and
# the time migrate.history records inside the migrations; beside it the
# same SQL through psql -1. Minimum and median of the rounds: on a shared
# machine the minimum moves least. Prints figures, asserts nothing.
#
#   bash scripts/cluster.sh "$(command -v pg_config)" bash test/bench/server_split.sh
#
# Environment: BENCH_N (default 1000), BENCH_ROUNDS (default 8),
# BENCH_PEERS_GEN, PSQL, BENCH_KEEP=1 as in peers.sh.
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
N=${BENCH_N:-1000}
ROUNDS=${BENCH_ROUNDS:-8}
GEN=${BENCH_PEERS_GEN:-$root/../shared/bench/peers-gen.py}
PSQL=${PSQL:-$(pg_config --bindir 2>/dev/null)/psql}
[ -x "$PSQL" ] || PSQL=psql
DATABASES=()
for ((r = 1; r <= ROUNDS; r++)); do DATABASES+=("bench_split_ours_$r" "bench_split_psql_$r"); done

source "$here/common.sh"
peer_workload pg_migrate_split

python3 - "$here" "$work/w/ours/migrations" >"$work/register.sql" <<'PY' || die "could not write the register_many() statement"
import os, sys
sys.path.insert(0, sys.argv[1])
from generate import register_statement
folder = sys.argv[2]
files = []
for entry in sorted(os.listdir(folder)):
    if entry.endswith(".sql"):
        version, name = entry[:-4].split("_", 1)
        with open(os.path.join(folder, entry), encoding="utf-8") as f:
            files.append((version, name, f.read()))
print(register_statement(files, folder))
PY

# "Time: 12.345 ms" lines of a psql run, in order
timings() { grep -o '^Time: [0-9.]*' | cut -d' ' -f2; }

: >"$work/rounds"
for ((r = 1; r <= ROUNDS; r++)); do
	fresh_db "bench_split_ours_$r" ext
	fresh_db "bench_split_psql_$r"
	settle
	read -r reg apply <<<"$(on "bench_split_ours_$r" -q -c '\timing on' -f "$work/register.sql" \
		-c "SELECT count(*) FROM migrate.apply()" 2>&1 | timings | tr '\n' ' ')"
	inside=$(on "bench_split_ours_$r" -At -c "SELECT round(sum(duration_ms)::numeric, 1) FROM migrate.history")
	settle
	timed "$PSQL" -X -q -1 -v ON_ERROR_STOP=1 -d "$(conn "bench_split_psql_$r")" -f "$work/w/psql/all.sql"
	[ "$rc" = 0 ] || { show_failure "psql -1"; die "the psql floor failed"; }
	[ -n "$reg" ] && [ -n "$apply" ] && [ -n "$inside" ] || die "round $r: no timing (register '$reg', apply '$apply')"
	echo "  round $r: register_many $reg ms, apply $apply ms ($inside ms inside migrations), psql -1 $elapsed ms"
	echo "$reg $apply $inside $elapsed" >>"$work/rounds"
done

echo "== server side of $N peer migrations, $ROUNDS rounds (min / median, ms)"
python3 - "$work/rounds" <<'PY'
import statistics, sys
rows = [list(map(float, line.split())) for line in open(sys.argv[1])]
def show(label, values):
    print("%-40s %8.1f %8.1f" % (label, min(values), statistics.median(values)))
show("register_many(), every file", [r[0] for r in rows])
show("apply()", [r[1] for r in rows])
show("  inside the migrations (history)", [r[2] for r in rows])
show("  apply()'s own (apply - inside)", [r[1] - r[2] for r in rows])
show("psql -1 of the same SQL (wall)", [r[3] for r in rows])
PY
