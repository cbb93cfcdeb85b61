#!/usr/bin/env bash
# pg_migrate benchmark: prints figures, asserts nothing about timing.
#
#   pg_virtualenv -t bash test/bench/run.sh    (-t: cluster in a temporary directory even as
#                                              root, so parallel runs do not clash on 15/regress)
#
# Runs against the server given by DATABASE_URL, else the PG* variables
# (pg_virtualenv sets them for a throwaway cluster). Creates and drops its own
# databases: bench_deploy, bench_floor, bench_server, bench_status.
#
# Environment:
#   BENCH_N          migrations generated for the deploy figure (default 1000)
#   BENCH_ROUNDS     rounds of deploy vs psql floor, each on fresh databases (default 3)
#   BENCH_REPEAT     runs of the no-op deploy and of status (default 20)
#   BENCH_STATUS_N   migrations registered for the status figure (default 10000)
#   PG_MIGRATE       the client binary (default <repo>/build/pg_migrate)
#   PSQL             psql for the floor (default: pg_config's bindir/psql, skipping
#                    Debian's Perl wrapper, which costs ~25 ms per start)
#   BENCH_KEEP=1     keep the work folder and the databases
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
N=${BENCH_N:-1000}
ROUNDS=${BENCH_ROUNDS:-3}
REPEAT=${BENCH_REPEAT:-20}
STATUS_N=${BENCH_STATUS_N:-10000}
PG_MIGRATE=${PG_MIGRATE:-$root/build/pg_migrate}
PSQL=${PSQL:-$(pg_config --bindir 2>/dev/null)/psql}
[ -x "$PSQL" ] || PSQL=psql
DATABASES=(bench_deploy bench_floor bench_server bench_status)


# No "database ... does not exist, skipping" notices from psql.
export PGOPTIONS="${PGOPTIONS:+$PGOPTIONS }-c client_min_messages=warning"

# --- connections -----------------------------------------------------------

source "$(dirname "${BASH_SOURCE[0]}")/common.sh"
bench_workdir pg_migrate_bench
out_file=$work/last.out

# --- setup -----------------------------------------------------------------

echo "== pg_migrate benchmark"
admin -q -c "SELECT 1" >/dev/null || die "cannot connect (run under pg_virtualenv, or set DATABASE_URL / PG*)"
server=$(admin -At -c "SHOW server_version" | cut -d' ' -f1)
echo "server:      PostgreSQL $server  (${PGHOST:-${DATABASE_URL:+DATABASE_URL}}${PGPORT:+:$PGPORT})"
echo "machine:     $(nproc) cores, $(uname -m), $(awk '/MemTotal/ { printf "%.0f GB", $2 / 1048576 }' /proc/meminfo)"
echo "load:        $(cut -d' ' -f1-3 /proc/loadavg) (1, 5, 15 min; other work on the machine skews the figures)"
echo "settings:    $(admin -At -c "SELECT string_agg(name || '=' || setting || coalesce(unit, ''), ' ') FROM pg_settings WHERE name IN ('fsync', 'synchronous_commit', 'shared_buffers', 'wal_level')")"

client_ok=0
if [ -x "$PG_MIGRATE" ] && "$PG_MIGRATE" --help 2>/dev/null | grep -q deploy && "$PG_MIGRATE" --help 2>/dev/null | grep -q status; then
	client_ok=1
	echo "client:      $PG_MIGRATE ($("$PG_MIGRATE" --version 2>/dev/null | head -n 1))"
else
	echo "client:      client not built ($PG_MIGRATE missing or without deploy/status): client figures skipped"
fi

dir=$work/migrations
python3 "$here/generate.py" "$dir" --count "$N" --floor "$work/all.sql" --register-sql "$work/register.sql" \
	|| die "generate.py failed"
echo "migrations:  $N files, $(du -sk "$dir" | cut -f1) kB ($dir)"
echo "floor:       $PSQL -X -q -1 -v ON_ERROR_STOP=1 -f all.sql"
echo "rounds:      $ROUNDS after one uncounted warm-up (deploy and floor alternate, fresh databases each round)"

# --- 1-3: deploy vs psql floor ---------------------------------------------

# Warm-up, not counted: the first large write into a new cluster also creates
# its WAL segment files and warms the caches, which would bias round 1.
fresh_db bench_floor
"$PSQL" -X -q -1 -v ON_ERROR_STOP=1 -d "$(conn bench_floor)" -f "$work/all.sql" >"$out_file" 2>&1 \
	|| { rc=$?; show_failure "psql floor (warm-up)"; die "the floor SQL failed"; }
deploy_runs=() floor_runs=()
for ((r = 1; r <= ROUNDS; r++)); do
	# Alternate which goes first, so neither always inherits the other's dirty buffers.
	order=(floor deploy)
	((r % 2 == 0)) && order=(deploy floor)
	for what in "${order[@]}"; do
		if [ "$what" = floor ]; then
			fresh_db bench_floor
			settle
			timed "$PSQL" -X -q -1 -v ON_ERROR_STOP=1 -d "$(conn bench_floor)" -f "$work/all.sql"
			if [ "$rc" != 0 ]; then show_failure "psql floor"; die "the floor SQL failed"; fi
			floor_runs+=("$elapsed")
			echo "  round $r floor  (psql -1 -f all.sql):      $elapsed ms"
		elif [ "$client_ok" = 1 ]; then
			fresh_db bench_deploy ext
			settle
			timed "$PG_MIGRATE" --db "$(conn bench_deploy)" --dir "$dir" deploy
			if [ "$rc" != 0 ]; then show_failure "pg_migrate deploy"; die "deploy failed"; fi
			deploy_runs+=("$elapsed")
			echo "  round $r deploy (pg_migrate deploy):       $elapsed ms"
		fi
	done
done
read -r floor_ms floor_min floor_max <<<"$(stats "${floor_runs[*]}")"
tables=$(on bench_floor -At -c "SELECT count(*) FROM pg_class WHERE relname LIKE 'bench\_t%' AND relkind = 'r'")
echo "1. deploy of $N migrations on a fresh database (wall, median of $ROUNDS)"
if [ "$client_ok" = 1 ]; then
	read -r deploy_ms deploy_min deploy_max <<<"$(stats "${deploy_runs[*]}")"
	applied=$(on bench_deploy -At -c "SELECT count(*) FROM migrate.status() WHERE state = 'applied'")
	exec_ms=$(on bench_deploy -At -c "SELECT round(sum(duration_ms)::numeric, 1) FROM migrate.history WHERE action = 'apply' AND status = 'succeeded'")
	echo "   deploy_ms=$deploy_ms  (min $deploy_min, max $deploy_max; $applied applied; last round: $exec_ms ms inside migrations per migrate.history)"
else
	deploy_ms=NA
	echo "   client not built"
fi
echo "2. psql floor, same up SQL in one transaction (wall, median of $ROUNDS)"
echo "   floor_ms=$floor_ms  (min $floor_min, max $floor_max; $tables tables created)"
if [ "$client_ok" = 1 ]; then
	ratio=$(awk -v a="$deploy_ms" -v b="$floor_ms" 'BEGIN { printf "%.2f", a / b }')
else
	ratio=NA
fi
echo "3. ratio deploy / floor"
echo "   ratio=$ratio  (target <= 1.10)"

# --- server side without the client: register, then apply ------------------

fresh_db bench_server ext
settle
timed on bench_server -q -f "$work/register.sql"
[ "$rc" = 0 ] || { show_failure "register.sql"; die "registering through psql failed"; }
register_ms=$elapsed
settle
timed on bench_server -q -c "SELECT count(*) FROM migrate.apply()"
[ "$rc" = 0 ] || { show_failure "migrate.apply()"; die "migrate.apply() failed"; }
apply_ms=$elapsed
server_exec_ms=$(on bench_server -At -c "SELECT round(sum(duration_ms)::numeric, 1) FROM migrate.history WHERE action = 'apply' AND status = 'succeeded'")
server_ratio=$(awk -v a="$register_ms" -v b="$apply_ms" -v f="$floor_ms" 'BEGIN { printf "%.2f", (a + b) / f }')
echo "   server side via psql (no client): register all $N = $register_ms ms, SELECT migrate.apply() = $apply_ms ms" \
	"(history: $server_exec_ms ms inside migrations); (register + apply) / floor = $server_ratio"

# --- 4: no-op deploy -------------------------------------------------------

echo "4. no-op deploy ($N files, nothing to do; $REPEAT runs)"
if [ "$client_ok" = 1 ]; then
	noop_runs=() start_runs=() empty_runs=() psql_runs=() psql_sums_runs=()
	mkdir -p "$work/empty"
	for ((i = 0; i < REPEAT; i++)); do
		timed "$PG_MIGRATE" --db "$(conn bench_deploy)" --dir "$dir" deploy
		[ "$rc" = 0 ] || { show_failure "no-op deploy"; die "no-op deploy failed"; }
		noop_runs+=("$elapsed")
		timed "$PG_MIGRATE" --version
		start_runs+=("$elapsed")
		timed "$PG_MIGRATE" --db "$(conn bench_deploy)" --dir "$work/empty" deploy
		[ "$rc" = 0 ] && empty_runs+=("$elapsed")
		timed "$PSQL" -X -q -At -d "$(conn bench_deploy)" -c "SELECT 1"
		psql_runs+=("$elapsed")
		timed "$PSQL" -X -q -At -d "$(conn bench_deploy)" -c "SELECT stream, version, checksum, state FROM migrate.status()"
		psql_sums_runs+=("$elapsed")
	done
	read -r psql_sums_ms _ _ <<<"$(stats "${psql_sums_runs[*]}")"
	read -r noop_median_ms noop_min_ms noop_max <<<"$(stats "${noop_runs[*]}")"
	read -r start_ms _ _ <<<"$(stats "${start_runs[*]}")"
	empty_ms=NA
	[ ${#empty_runs[@]} -gt 0 ] && read -r empty_ms _ _ <<<"$(stats "${empty_runs[*]}")"
	read -r psql_ms _ _ <<<"$(stats "${psql_runs[*]}")"
	after=$(on bench_deploy -At -c "SELECT count(*) FROM migrate.history")
	echo "   noop_median_ms=$noop_median_ms  noop_min_ms=$noop_min_ms  (max $noop_max; target < 20)"
	echo "   where it goes (medians): process start (pg_migrate --version) $start_ms ms;" \
		"deploy --dir <empty folder> (start + connect + checksum query) $empty_ms ms;" \
		"the rest is reading, parsing and hashing $N files and comparing checksums. History rows after: $after (nothing recorded)"
	echo "   for comparison: psql -c 'SELECT 1' (start + connect + one query) median $psql_ms ms;" \
		"psql running the deploy's one query (the checksums of $N migrations) median $psql_sums_ms ms"
else
	noop_median_ms=NA noop_min_ms=NA
	echo "   client not built"
fi
# The same over the server's Unix socket with peer authentication, as a deploy
# run on the database host connects: no TCP, no SCRAM key derivation (several
# ms of client CPU). Needs root (to run as the postgres OS user) and no
# DATABASE_URL; otherwise skipped.
noop_socket_ms=NA
psql_socket_ms=NA
socket_dir=$(admin -At -c "SHOW unix_socket_directories" 2>/dev/null | cut -d, -f1 | sed 's/^ *//')
as_postgres() { runuser -u postgres -- env -u PGPASSWORD -u PGUSER PGHOST="$socket_dir" PGPORT="${PGPORT:-5432}" "$@"; }
# Runs "$@" $REPEAT times as postgres, timed inside one runuser (its own start is not
# counted); prints the elapsed ms of each run, fails when one run fails.
runs_as_postgres() {
	as_postgres bash -c 'for ((i = 0; i < $0; i++)); do
		t0=${EPOCHREALTIME//[.,]/}; "$@" >/dev/null 2>&1 || exit 1; t1=${EPOCHREALTIME//[.,]/}
		printf "%s " "$(( (t1 - t0) / 1000 )).$(( (t1 - t0) % 1000 / 100 ))"
	done' "$REPEAT" "$@"
}
if [ "$client_ok" = 1 ] && [ -z "${DATABASE_URL:-}" ] && [ "$(id -u)" = 0 ] && [ -n "$socket_dir" ] \
	&& command -v runuser >/dev/null && as_postgres "$PSQL" -X -q -At -d bench_deploy -c "SELECT 1" >/dev/null 2>&1; then
	sock_runs=$(runs_as_postgres "$PG_MIGRATE" --db "dbname=bench_deploy" --dir "$dir" deploy) \
		|| die "no-op deploy over the socket failed"
	sock_psql_runs=$(runs_as_postgres "$PSQL" -X -q -At -d bench_deploy -c "SELECT 1") || die "psql over the socket failed"
	read -r noop_socket_ms noop_socket_min _ <<<"$(stats "$sock_runs")"
	read -r psql_socket_ms _ _ <<<"$(stats "$sock_psql_runs")"
	echo "   over the Unix socket ($socket_dir, peer auth, as OS user postgres): noop_socket_ms=$noop_socket_ms" \
		"(min $noop_socket_min; target < 20); psql -c 'SELECT 1' there: $psql_socket_ms ms"
else
	echo "   over the Unix socket: skipped (needs root, runuser, no DATABASE_URL and a socket the postgres OS user can use)"
fi
# Every new backend loads the extension library on its first pg_migrate call
# (the client opens a connection per command): a cheap function twice, then the
# no-op deploy's checksum query (over the N migrations of bench_server) twice.
lib_first=() lib_second=() sums_first=() sums_second=()
q="SELECT count(*) FROM (SELECT stream, version, checksum, state FROM migrate.status()) AS s;"
for ((i = 0; i < 5; i++)); do
	t=$(printf '\\timing on\nSELECT migrate.version();\nSELECT migrate.version();\n%s\n%s\n' "$q" "$q" \
		| on bench_server -q -At | sed -n 's/^Time: \([0-9.]*\) ms.*$/\1/p' | tr '\n' ' ')
	read -r a b c d <<<"$t"
	lib_first+=("$a") lib_second+=("$b") sums_first+=("$c") sums_second+=("$d")
done
read -r lib_first_ms _ _ <<<"$(stats "${lib_first[*]}")"
read -r lib_second_ms _ _ <<<"$(stats "${lib_second[*]}")"
read -r sums_first_ms _ _ <<<"$(stats "${sums_first[*]}")"
read -r sums_second_ms _ _ <<<"$(stats "${sums_second[*]}")"
echo "   server side, new session (medians of 5): first pg_migrate call (loads the library) $lib_first_ms ms, next $lib_second_ms ms;" \
	"checksum query over $N migrations $sums_first_ms ms, again $sums_second_ms ms"

# --- 5: status of 10 000 ---------------------------------------------------

echo "5. status with $STATUS_N registered and applied migrations ($REPEAT runs)"
fresh_db bench_status ext
on bench_status -q -At >/dev/null <<SQL || die "registering $STATUS_N migrations failed"
SELECT count(*) FROM (SELECT migrate.register('schema', lpad(i::text, 6, '0'), 'm' || i, 'SELECT 1;')
                      FROM generate_series(1, $STATUS_N) AS i) AS r;
SELECT count(*) FROM migrate.apply();
SQL
settle
n_status=$(on bench_status -At -c "SELECT count(*) FROM migrate.status() WHERE state = 'applied'")
if [ "$client_ok" = 1 ]; then
	# Straight after the bulk apply the catalog has a dead row per migration and no
	# planner statistics; a catalog of 10 000 migrations has lived long enough for
	# autovacuum to have cleaned and analyzed it, which the main figure measures.
	fresh_runs=()
	for ((i = 0; i < 5; i++)); do
		timed "$PG_MIGRATE" --db "$(conn bench_status)" --format json status
		fresh_runs+=("$elapsed")
	done
	read -r status_fresh_ms _ _ <<<"$(stats "${fresh_runs[*]}")"
	on bench_status -q -c "VACUUM ANALYZE migrate.migrations" || die "VACUUM ANALYZE failed"
	settle
	status_runs=()
	for ((i = 0; i < REPEAT; i++)); do
		timed "$PG_MIGRATE" --db "$(conn bench_status)" --format json status
		[ "$rc" = 0 ] || { show_failure "status"; die "pg_migrate status failed"; }
		status_runs+=("$elapsed")
	done
	"$PG_MIGRATE" --db "$(conn bench_status)" --format json status >"$work/status.json" 2>/dev/null
	json_kb=$(( $(wc -c <"$work/status.json") / 1024 ))
	read -r status10k_median_ms status_min status_max <<<"$(stats "${status_runs[*]}")"
	# The floor for the same round trip: psql sending both statements and reading every row.
	floor_runs=()
	for ((i = 0; i < REPEAT; i++)); do
		timed "$PSQL" -X -q -At -d "$(conn bench_status)" \
			-c "SELECT * FROM migrate.status(); SELECT severity, check_name, stream, version, message FROM migrate.validate()"
		floor_runs+=("$elapsed")
	done
	read -r status_psql_floor_ms _ _ <<<"$(stats "${floor_runs[*]}")"
	text_runs=()
	for ((i = 0; i < 5; i++)); do
		timed "$PG_MIGRATE" --db "$(conn bench_status)" status
		text_runs+=("$elapsed")
	done
	read -r status_text_ms _ _ <<<"$(stats "${text_runs[*]}")"
	echo "   status10k_median_ms=$status10k_median_ms  (min $status_min, max $status_max; $n_status applied; JSON ${json_kb} kB; target < 50)"
	echo "   the same round trip through psql -At (start + connect + status() and validate() + every row): $status_psql_floor_ms ms"
	echo "   for reference: pg_migrate status (text format) median of 5: $status_text_ms ms;" \
		"straight after the bulk apply (before autovacuum's VACUUM ANALYZE of the catalog) median of 5: $status_fresh_ms ms"
	if [ "$noop_socket_ms" != NA ]; then
		sock_status_runs=$(runs_as_postgres "$PG_MIGRATE" --db "dbname=bench_status" --format json status) \
			&& read -r status_socket_ms _ _ <<<"$(stats "$sock_status_runs")"
		echo "   over the Unix socket (peer auth): status10k_socket_ms=${status_socket_ms:-NA}"
	fi
else
	status10k_median_ms=NA
	echo "   client not built"
fi
# Server side: execution time of SELECT * FROM migrate.status() (EXPLAIN ANALYZE,
# no client transfer), in one session: the first call, then the median of the rest.
explain=$(for ((i = 0; i <= REPEAT; i++)); do
	echo "EXPLAIN (ANALYZE, TIMING OFF, COSTS OFF) SELECT * FROM migrate.status();"
done | on bench_status -At | sed -n 's/^Execution Time: \([0-9.]*\) ms$/\1/p')
first=$(echo "$explain" | head -n 1)
read -r status10k_server_ms status_server_min _ <<<"$(stats "$(echo "$explain" | tail -n +2 | tr '\n' ' ')")"
# Same with the rows sent to psql (\timing, output discarded), fresh session.
timing=$( { echo '\timing on'; echo '\o /dev/null'
	for ((i = 0; i < REPEAT; i++)); do echo "SELECT * FROM migrate.status();"; done; } \
	| on bench_status -q | sed -n 's/^Time: \([0-9.]*\) ms.*$/\1/p')
read -r status_psql_ms _ _ <<<"$(stats "$(echo "$timing" | tr '\n' ' ')")"
echo "   status10k_server_ms=$status10k_server_ms  (EXPLAIN ANALYZE execution, median; min $status_server_min; first call in a session $first)"
echo "   SELECT * FROM migrate.status() through psql with rows transferred (\\timing, median): $status_psql_ms ms"

# --- summary ---------------------------------------------------------------

echo
echo "== summary (N=$N, $(nproc) cores, PostgreSQL $server)"
echo "deploy_ms=$deploy_ms floor_ms=$floor_ms ratio=$ratio noop_median_ms=$noop_median_ms noop_min_ms=$noop_min_ms status10k_median_ms=$status10k_median_ms status10k_server_ms=$status10k_server_ms"
echo "psql_select1_ms=${psql_ms:-NA} psql_checksums_ms=${psql_sums_ms:-NA} psql_status_floor_ms=${status_psql_floor_ms:-NA} noop_socket_ms=$noop_socket_ms psql_select1_socket_ms=$psql_socket_ms status10k_socket_ms=${status_socket_ms:-NA}"
echo "server_register_ms=$register_ms server_apply_ms=$apply_ms server_ratio=$server_ratio"
