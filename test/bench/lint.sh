#!/usr/bin/env bash
# pg_migrate benchmark: migrate.lint() throughput on ~1 MB of migration SQL,
# timed server-side (no client): statements per second.
#
#   pg_virtualenv -t bash test/bench/lint.sh
#
# The SQL is generate.py's migrations (CREATE TABLE, ADD COLUMN, CREATE
# INDEX, INSERT ... SELECT, ADD CONSTRAINT CHECK, CREATE VIEW), their up
# sections concatenated. Two shapes, each timed BENCH_REPEAT times in one
# session (median):
#   one script   SELECT count(*) FROM migrate.lint(<the whole 1 MB>)
#   per file     SELECT count(*) FROM lint_files, migrate.lint(script)   (one call per migration)
#
# Environment:
#   BENCH_LINT_N   migrations generated (default 3300, about 1 MB of up SQL)
#   BENCH_REPEAT   timed runs of each (default 5)
#   BENCH_KEEP=1   keep the work folder and the database bench_lint
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
N=${BENCH_LINT_N:-3300}
REPEAT=${BENCH_REPEAT:-5}
DB=bench_lint

die() { echo "bench: $*" >&2; exit 1; }
work=$(mktemp -d "${TMPDIR:-/tmp}/pg_migrate_lint_bench.XXXXXX")
chmod 755 "$work"
cleanup() {
	if [ "${BENCH_KEEP:-0}" = 1 ]; then
		echo "kept: $work and database $DB" >&2
		return
	fi
	admin -q -c "DROP DATABASE IF EXISTS $DB" >/dev/null 2>&1
	rm -rf "$work"
}
trap cleanup EXIT
export PGOPTIONS="${PGOPTIONS:+$PGOPTIONS }-c client_min_messages=warning"

source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
on() { psql -X -v ON_ERROR_STOP=1 -d "$(conn $DB)" "$@"; }

echo "== pg_migrate lint throughput"
admin -q -c "SELECT 1" >/dev/null || die "cannot connect (run under pg_virtualenv, or set DATABASE_URL / PG*)"
echo "server:      PostgreSQL $(admin -At -c "SHOW server_version" | cut -d' ' -f1)"
echo "machine:     $(nproc) cores, $(uname -m); load $(cut -d' ' -f1-3 /proc/loadavg)"

python3 "$here/generate.py" "$work/m" --count "$N" --floor "$work/all.sql" || die "generate.py failed"
# statements: every generated statement ends with ';' at the end of a line
read -r bytes statements <<<"$(python3 - "$work/all.sql" <<'EOF'
import sys
text = open(sys.argv[1], encoding="utf-8").read()
n = sum(1 for l in text.splitlines() if l.rstrip().endswith(";") and not l.lstrip().startswith("--"))
print(len(text.encode()), n)
EOF
)"
# the same up sections, one row per migration, dollar-quoted
python3 - "$work/m" "$work/files.sql" <<'EOF'
import os, sys
folder, out = sys.argv[1], sys.argv[2]
def dollar(text):
    tag, n = "$m$", 0
    while tag in text:
        n += 1
        tag = "$m%d$" % n
    return tag + text + tag
names = sorted(f for f in os.listdir(folder) if f.endswith(".sql"))
with open(out, "w", encoding="utf-8") as f:
    f.write("CREATE TABLE lint_files (n int, script text);\nINSERT INTO lint_files VALUES\n")
    rows = []
    for i, name in enumerate(names):
        body = open(os.path.join(folder, name), encoding="utf-8").read()
        up = body.split("-- migrate:down")[0]
        rows.append("(%d, %s)" % (i, dollar(up)))
    f.write(",\n".join(rows) + ";\n")
EOF
echo "input:       $N migrations, up sections: $bytes bytes, $statements statements"

admin -q -c "DROP DATABASE IF EXISTS $DB" >/dev/null || die "cannot drop $DB"
admin -q -c "CREATE DATABASE $DB" >/dev/null || die "cannot create $DB"
on -q -c "CREATE EXTENSION pg_migrate" >/dev/null || die "CREATE EXTENSION pg_migrate failed (make install?)"
on -q -f "$work/files.sql" >/dev/null || die "loading lint_files failed"
# psql reads the file itself (\set with backquotes): 1 MB is too long for a command-line argument
printf '\\set script `cat %s`\nCREATE TABLE lint_input AS SELECT :%s::text AS script;\n' "$work/all.sql" "'script'" \
	| on -q >/dev/null || die "loading lint_input failed"
[ "$(on -At -c "SELECT octet_length(script) FROM lint_input")" -ge $((bytes - 1)) ] || die "lint_input is not the whole file"

# times QUERY REPEAT times in one session after one uncounted call; prints the times in ms
times() {
	{
		echo '\o /dev/null'
		echo "$1"
		echo '\timing on'
		for ((i = 0; i < REPEAT; i++)); do echo "$1"; done
	} | on -q | sed -n 's/^Time: \([0-9.]*\) ms.*$/\1/p' | tr '\n' ' '
}
median() { python3 -c 'import sys, statistics as s; print("%.1f" % s.median(float(x) for x in sys.argv[1:]))' $1; }

one_q="SELECT count(*) FROM lint_input, migrate.lint(script);"
per_q="SELECT count(*) FROM lint_files, migrate.lint(script);"
one_findings=$(on -At -c "$one_q")
per_findings=$(on -At -c "$per_q")
one_times=$(times "$one_q")
per_times=$(times "$per_q")
one_ms=$(median "$one_times")
per_ms=$(median "$per_times")
rate() { awk -v n="$1" -v ms="$2" 'BEGIN { printf "%.0f", n / (ms / 1000) }'; }
mbps() { awk -v b="$1" -v ms="$2" 'BEGIN { printf "%.2f", b / 1048576 / (ms / 1000) }'; }

echo "1. one script of $bytes bytes: migrate.lint() median $one_ms ms (runs: $one_times)"
echo "   $(rate "$statements" "$one_ms") statements/s, $(mbps "$bytes" "$one_ms") MB/s; $one_findings findings"
echo "2. $N scripts, one migrate.lint() call each: median $per_ms ms (runs: $per_times)"
echo "   $(rate "$statements" "$per_ms") statements/s, $(mbps "$bytes" "$per_ms") MB/s; $per_findings findings"
echo "   findings by rule (per file):"
on -At -F ' ' -c "SELECT '     ' || rule, severity, count(*) FROM lint_files, migrate.lint(script) GROUP BY 1, 2 ORDER BY 3 DESC"
echo
echo "== summary ($(nproc) cores)"
echo "lint_bytes=$bytes lint_statements=$statements lint_one_ms=$one_ms lint_one_stmts_per_s=$(rate "$statements" "$one_ms") lint_per_file_ms=$per_ms lint_per_file_stmts_per_s=$(rate "$statements" "$per_ms")"
