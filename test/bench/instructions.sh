#!/usr/bin/env bash
# Where pg_migrate's own cost goes, counted in instructions (valgrind's
# callgrind), which a busy machine does not change, unlike wall or CPU time.
# The peer workload (peers-gen.py) runs in a stand-alone backend (postgres
# --single) twice: as pg_migrate runs it (one register_many() call for every
# file, then apply()), and as its plain SQL in one transaction (the server's
# side of psql -1, without psql's round trips). Prints the instructions of
# each part. A benchmark, not a test: it asserts nothing about the figures.
#
#   bash test/bench/instructions.sh [PG_CONFIG]      # needs valgrind; ~3 minutes for 1000
#
# BENCH_N migrations (default 1000); BENCH_KEEP=1 keeps the work folder.
# Instructions are not time: file creation in the kernel and WAL writes
# count for nothing here, and valgrind runs SHA-256 without the CPU's SHA
# instructions, so checksums look dearer than they are.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
pg_config=${1:-$(command -v pg_config)}
bindir=$("$pg_config" --bindir)
N=${BENCH_N:-1000}
GEN=${BENCH_PEERS_GEN:-$root/../shared/bench/peers-gen.py}
die() { echo "instructions.sh: $*" >&2; exit 1; }
command -v valgrind >/dev/null || die "valgrind is not installed (apt-get install valgrind)"
[ -f "$GEN" ] || die "no generator at $GEN (set BENCH_PEERS_GEN)"

work=$(mktemp -d /tmp/pg_migrate_instructions.XXXXXX)
[ "${BENCH_KEEP:-}" = 1 ] || trap 'rm -rf "$work"' EXIT
chmod 755 "$work"
python3 "$GEN" "$N" "$work/w" >/dev/null || die "peers-gen.py failed"
python3 "$here/single_user_input.py" ours "$work/w/ours/migrations" >"$work/ours.in"
python3 "$here/single_user_input.py" floor "$work/w/psql/all.sql" >"$work/floor.in"
printf 'CREATE DATABASE floor;\n\n' >"$work/setup.in"

# initdb and the server refuse to run as root
as_server() {
	if [ "$(id -u)" = 0 ]; then
		chown -R postgres "$work"
		su postgres -s /bin/bash -c "$(printf '%q ' "$@")"
	else
		"$@"
	fi
}
as_server "$bindir/initdb" -D "$work/data0" -A trust >"$work/initdb.log" 2>&1 || die "initdb failed: $work/initdb.log"
as_server bash -c "'$bindir/postgres' --single -D '$work/data0' -j postgres <'$work/setup.in' >'$work/setup.log' 2>&1"

count() { # $1 what, $2 database: one run on a copy of the fresh cluster
	rm -rf "$work/data"
	cp -a "$work/data0" "$work/data"
	as_server bash -c "valgrind --tool=callgrind --callgrind-out-file='$work/cg.$1' '$bindir/postgres' --single \
		-D '$work/data' -c client_min_messages=warning -j $2 <'$work/$1.in' >'$work/$1.log' 2>&1"
	! grep -q "ERROR:" "$work/$1.log" || die "the $1 run failed: $(grep -m1 'ERROR:' "$work/$1.log")"
}
count floor floor
count ours postgres

echo "== instructions: $N peer migrations, PostgreSQL $("$pg_config" --version | cut -d' ' -f2), callgrind"
python3 - "$work/cg.floor" "$work/cg.ours" <<'PY'
import re, subprocess, sys

def inclusive(path):
    out = subprocess.run(["callgrind_annotate", "--inclusive=yes", "--threshold=100", path],
                         capture_output=True, text=True, check=True).stdout
    counts = {}
    for line in out.splitlines():
        m = re.match(r"\s*([\d,]+)\s+\([^)]*\)\s+\*?\s*(\S.*)$", line)
        if m:
            name = m.group(2)
            counts.setdefault(name, int(m.group(1).replace(",", "")))
    return counts

def find(counts, pattern):
    """The largest inclusive count of a function whose name matches pattern (first match per name)."""
    hits = [v for k, v in counts.items() if re.search(pattern, k)]
    return max(hits) if hits else 0

floor, ours = inclusive(sys.argv[1]), inclusive(sys.argv[2])
floor_total = find(floor, r"\?\?\?:PostgresMain ")
register = find(ours, r":migrate_register_many \[")
apply = find(ours, r":migrate_apply \[")
parts = [
    ("register_many(): parse, checks, catalog rows", register),
    ("  of which the catalog INSERT", find(ours, r"catalog::InsertMigrations\(")),
    ("  of which the parse (split, transaction policy)", find(ours, r"ParseMigration\(")),
    ("apply(): the statements themselves", find(ours, r"pgmigrate::RunSection\(")),
    ("apply(): reading the pending migrations", find(ours, r"catalog::LoadPending\(")),
    ("apply(): lint of the plan", find(ours, r"pgmigrate::LintPlan\(")),
    ("apply(): history rows", find(ours, r"catalog::RecordAppliedBatch\(")),
    ("apply(): recorded schema state", find(ours, r"pgmigrate::RecordSchemaState\(")),
]
mi = lambda v: "%8.1f M" % (v / 1e6)
print("%-52s %s" % ("psql -1's statements (server side)", mi(floor_total)))
print("%-52s %s" % ("pg_migrate register_many() + apply()", mi(register + apply)))
for label, v in parts:
    print("  %-50s %s" % (label, mi(v)))
framework = register + apply - find(ours, r"pgmigrate::RunSection\(")
print("%-52s %s" % ("pg_migrate's own cost (all but the statements)", mi(framework)))
if floor_total:
    print("ratio_instructions=%.2f (register_many + apply / psql -1's statements)" % ((register + apply) / floor_total))
PY
