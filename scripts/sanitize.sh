#!/usr/bin/env bash
# The extension under assertions and sanitizers, on one PostgreSQL major
# (scripts/test.sh runs it for 15):
#
#   bash scripts/sanitize.sh 15
#   PG_MIGRATE_PG_CACHE=/work/my-cache bash scripts/sanitize.sh 15   # a cache of one's own
#
# The server is scripts/pg.sh's sanitize flavour: --enable-cassert (server
# Asserts fire, and USE_ASSERT_CHECKING holds for the extension compiled
# against it) with -fsanitize=address,undefined -fno-sanitize-recover=all,
# which PGXS hands on to the extension (build/ext-MAJOR-sanitize). One build
# for all three: each would need its own server build (~15 min cold) and its
# own run of the suites, for findings the combined build reports as well.
# Runs the pg_regress suites, isolation specs and server fuzzer against a
# throwaway cluster of it. Any sanitizer report, failed Assert() (a TRAP line
# in the server log) or crashed backend fails it. Ends with "N passed, N
# failed".
set -uo pipefail
cd "$(dirname "$0")/.."
v=${1:?usage: scripts/sanitize.sh MAJOR}
tag="PG $v sanitize"
passed=0
failed=0
log=$(mktemp -d)

# Leaks: PostgreSQL frees by memory context and at exit. abort_on_error: a
# report kills the process, so the statement fails and the postmaster
# restarts (the suites notice). log_path: every report is kept, and checked
# below whatever the suite made of the crash.
san_logs=$(mktemp -d)
chmod 777 "$san_logs"
export ASAN_OPTIONS="detect_leaks=0:abort_on_error=1:print_stacktrace=1:log_path=$san_logs/asan"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1:abort_on_error=1:log_path=$san_logs/ubsan"

finish() {
    rm -rf "$san_logs"
    echo "$passed passed, $failed failed"
    [ "$failed" -eq 0 ]
    exit
}

if ! pg_config=$(bash scripts/pg.sh "$v" sanitize 2>"$log/pg"); then
    sed "s/^/[$tag] /" "$log/pg"
    echo "[$tag] not ok: the server could not be built"
    failed=$((failed + 1))
    finish
fi
if ! bash scripts/build_extension.sh "$pg_config" 2>"$log/build"; then
    sed "s/^/[$tag] /" "$log/build"
    echo "[$tag] not ok: extension build"
    failed=$((failed + 1))
    finish
fi
echo "[$tag] ok: extension builds warning-free with USE_ASSERT_CHECKING, ASan and UBSan"
passed=$((passed + 1))

# Each fuzzer script goes through ASan on the server: fewer of them.
PG_CONFIG="$pg_config" PG_MIGRATE_SUITES="regress isolation fuzz" PG_MIGRATE_SERVER_LOG="$log/server.log" \
    PG_MIGRATE_FUZZ_ITERATIONS="${PG_MIGRATE_SANITIZE_FUZZ_ITERATIONS:-10000}" \
    bash scripts/cluster.sh "$pg_config" bash scripts/suites.sh 2>&1 | sed -u "s/^/[$tag] /" | tee "$log/suites"
summary=$(grep -E "\] [0-9]+ passed, [0-9]+ failed$" "$log/suites" | tail -1)
if [[ $summary =~ \]\ ([0-9]+)\ passed,\ ([0-9]+)\ failed$ ]]; then
    passed=$((passed + BASH_REMATCH[1]))
    failed=$((failed + BASH_REMATCH[2]))
else
    echo "[$tag] not ok: the suites did not finish"
    failed=$((failed + 1))
fi

crashes=$(grep -E "TRAP:|terminated by signal|runtime error:" "$log/server.log" 2>/dev/null)
if compgen -G "$san_logs/*" >/dev/null || [ -n "$crashes" ]; then
    cp "$san_logs"/* "$log/" 2>/dev/null
    echo "[$tag] not ok: sanitizer reports or crashed backends (all in $log)"
    { [ -n "$crashes" ] && echo "$crashes"; head -60 "$san_logs"/* 2>/dev/null; } | sed "s/^/[$tag] /"
    failed=$((failed + 1))
else
    echo "[$tag] ok: no sanitizer report, no failed assertion, no crashed backend"
    passed=$((passed + 1))
fi
finish
