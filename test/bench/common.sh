# Shared by the benchmark scripts (sourced): how they reach the server.

# Connection string for database $1: DATABASE_URL with its database replaced,
# else a conninfo naming only the database (libpq takes the rest from PG*).
conn() {
	if [ -z "${DATABASE_URL:-}" ]; then
		printf 'dbname=%s' "$1"
	elif [[ $DATABASE_URL == postgres://* || $DATABASE_URL == postgresql://* ]]; then
		python3 - "$DATABASE_URL" "$1" <<'PY'
import sys, urllib.parse as u
p = u.urlsplit(sys.argv[1])
print(u.urlunsplit(p._replace(path="/" + u.quote(sys.argv[2]))), end="")
PY
	else
		printf '%s dbname=%s' "$DATABASE_URL" "$1"  # conninfo: the last dbname wins
	fi
}

# psql on the maintenance database (DATABASE_URL's, else libpq's default).
admin() {
	if [ -n "${DATABASE_URL:-}" ]; then psql -X -v ON_ERROR_STOP=1 -d "$DATABASE_URL" "$@"
	else psql -X -v ON_ERROR_STOP=1 "$@"; fi
}

die() { echo "bench: $*" >&2; exit 1; }
# psql on database $1.
on() { local db=$1; shift; psql -X -v ON_ERROR_STOP=1 -d "$(conn "$db")" "$@"; }

fresh_db() {  # $1 name, $2 "ext" to create the extension
	admin -q -c "DROP DATABASE IF EXISTS $1" >/dev/null || die "cannot drop database $1"
	admin -q -c "CREATE DATABASE $1" >/dev/null || die "cannot create database $1"
	if [ "${2:-}" = ext ]; then
		on "$1" -q -c "CREATE EXTENSION pg_migrate" >/dev/null || die "CREATE EXTENSION pg_migrate failed in $1 (make install?)"
	fi
}

# Flush dirty buffers left by CREATE DATABASE and earlier rounds, so a timed
# section does not pay for someone else's writes. Needs superuser; else skipped.
settle() { admin -q -c CHECKPOINT >/dev/null 2>&1 || true; }

# --- timing ----------------------------------------------------------------

# Microseconds since the epoch; $EPOCHREALTIME (bash 5) costs no fork.
now_us() {
	if [ -n "${EPOCHREALTIME:-}" ]; then
		local t=${EPOCHREALTIME//[.,]/}
		echo "$t"
	else
		echo $(( $(date +%s%N) / 1000 ))
	fi
}
ms() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", (b - a) / 1000 }'; }  # $1 start us, $2 end us

# stats "x1 x2 ..." -> "median min max"
stats() {
	python3 -c 'import sys, statistics as s
v = [float(x) for x in sys.argv[1:]]
print("%.1f %.1f %.1f" % (s.median(v), min(v), max(v)))' $1
}

# Runs "$@" with stdout/stderr to $out_file; sets $elapsed (ms) and $rc.
timed() {
	local t0 t1
	t0=$(now_us)
	"$@" >"$out_file" 2>&1
	rc=$?
	t1=$(now_us)
	elapsed=$(ms "$t0" "$t1")
}
show_failure() { echo "  FAILED (exit $rc): $*" >&2; tail -n 20 "$out_file" | sed 's/^/    /' >&2; }

# A work folder $work (mode 755: the cluster's user reads files in it) and, at
# exit, the databases named in DATABASES dropped and the folder removed
# (BENCH_KEEP=1 keeps both). $1: the folder's name prefix.
bench_workdir() {
	work=$(mktemp -d "${TMPDIR:-/tmp}/$1.XXXXXX")
	chmod 755 "$work"
	trap bench_cleanup EXIT
}
bench_cleanup() {
	if [ "${BENCH_KEEP:-0}" = 1 ]; then
		echo "kept: $work and databases ${DATABASES[*]}" >&2
		return
	fi
	for db in "${DATABASES[@]}"; do admin -q -c "DROP DATABASE IF EXISTS $db" >/dev/null 2>&1; done
	rm -rf "$work"
}

# The peer workload's setup, alike in every script that runs it: notices
# quiet, the work folder ($1: its name prefix), $out_file, and $N
# migrations of the generator $GEN written under $work/w.
peer_workload() {
	export PGOPTIONS="${PGOPTIONS:+$PGOPTIONS }-c client_min_messages=warning"
	[ -f "$GEN" ] || die "no generator at $GEN (set BENCH_PEERS_GEN)"
	bench_workdir "$1"
	out_file=$work/last.out
	python3 "$GEN" "$N" "$work/w" >/dev/null || die "peers-gen.py failed"
}
