#!/usr/bin/env bash
# The suites of one PostgreSQL major; scripts/test.sh runs this inside
# scripts/cluster.sh, which exports PG* for a throwaway cluster of the server
# whose pg_config is in PG_CONFIG (default: Debian's 15), with the extension
# built for it (scripts/build_extension.sh). Prints "N passed, N failed" at
# the end.
#
#   PG_MIGRATE_SUITES="regress isolation fuzz" bash scripts/suites.sh  # only these
# (of: regress isolation client client-managed restore fuzz; all by default;
# client-managed is the client suite again with PG_MIGRATE_TEST_MODE=managed:
# every database without the extension, as a managed service gives it)
set -uo pipefail
# The programs of a sanitize-flavoured server (scripts/pg.sh) report leaks at
# exit, pg_config too: PostgreSQL frees by memory context and at exit.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0}
cd "$(dirname "$0")/.."
PG_CONFIG=${PG_CONFIG:-/usr/lib/postgresql/15/bin/pg_config}
export PATH="$("$PG_CONFIG" --bindir):$PATH"
# shellcheck source=ext_dir.sh
source scripts/ext_dir.sh
out=$(ext_dir "$PG_CONFIG")
mkdir -p "$out"
passed=0
failed=0
log=$(mktemp -d)
suites=" ${PG_MIGRATE_SUITES:-regress isolation client client-managed restore fuzz} "
wanted() { [[ $suites == *" $1 "* ]]; }

# Adds the counts of a pg_regress summary ("All N tests passed." / "M of N tests failed.").
count_regress() {
    local summary
    summary=$(grep -E "All [0-9]+ tests passed|[0-9]+ of [0-9]+ tests failed" "$1" | tail -1)
    if [[ $summary =~ All\ ([0-9]+)\ tests\ passed ]]; then
        passed=$((passed + BASH_REMATCH[1]))
    elif [[ $summary =~ ([0-9]+)\ of\ ([0-9]+)\ tests\ failed ]]; then
        failed=$((failed + BASH_REMATCH[1]))
        passed=$((passed + BASH_REMATCH[2] - BASH_REMATCH[1]))
    else
        failed=$((failed + 1))
        cat "$1"
    fi
}

if wanted regress; then
    echo "== pg_regress suites (sql/, expected/)"
    rm -f "$out/regression.diffs"
    make -s installcheck ISOLATION= PG_CONFIG="$PG_CONFIG" PG_MIGRATE_OUT="$out" >"$log/regress" 2>&1
    grep -E "\.\.\. +(ok|FAILED|failed)" "$log/regress"
    count_regress "$log/regress"
    [ -s "$out/regression.diffs" ] && cat "$out/regression.diffs"
fi

if wanted isolation; then
    echo "== isolation specs (test/specs/)"
    rm -f "$out/output_iso/regression.diffs"
    make -s installcheck REGRESS= PG_CONFIG="$PG_CONFIG" PG_MIGRATE_OUT="$out" >"$log/isolation" 2>&1
    grep -E "\.\.\. +(ok|FAILED|failed)" "$log/isolation"
    count_regress "$log/isolation"
    [ -s "$out/output_iso/regression.diffs" ] && cat "$out/output_iso/regression.diffs"
fi

# Runs ctest "$@" into $log/$name and adds its counts.
run_ctest() {
    local name=$1
    shift
    (cd build && ctest --output-on-failure "$@") >"$log/$name" 2>&1
    grep -E "Test +#" "$log/$name"
    summary=$(grep -E "tests passed, [0-9]+ tests failed out of [0-9]+" "$log/$name")
    if [[ $summary =~ ([0-9]+)\ tests\ failed\ out\ of\ ([0-9]+) ]]; then
        failed=$((failed + BASH_REMATCH[1]))
        passed=$((passed + BASH_REMATCH[2] - BASH_REMATCH[1]))
        [ "${BASH_REMATCH[1]}" -eq 0 ] || cat "$log/$name"
    else
        failed=$((failed + 1))
        cat "$log/$name"
    fi
}

if wanted client; then
    echo "== client tests (ctest)"
    run_ctest ctest
fi

if wanted client-managed; then
    # the database tests only (the unit tests do not touch a server); each test's own database, so -j2
    echo "== client tests in managed mode (PG_MIGRATE_TEST_MODE=managed ctest -R '^db\.')"
    PG_MIGRATE_TEST_MODE=managed run_ctest ctest-managed -j2 -R '^db\.'
fi

if wanted restore; then
    echo "== pg_dump / pg_restore round trip (test/restore/)"
    if bash test/restore/dump_restore.sh >"$log/restore" 2>&1; then
        passed=$((passed + 1))
        tail -1 "$log/restore"
    else
        failed=$((failed + 1))
        cat "$log/restore"
    fi
fi

if wanted fuzz; then
    echo "== server fuzzing (test/fuzz/server_fuzz.cpp)"
    # Mutated scripts to lint() and register() on this cluster: no backend may crash.
    if build/server_fuzz --iterations "${PG_MIGRATE_FUZZ_ITERATIONS:-20000}" >"$log/server_fuzz" 2>&1; then
        passed=$((passed + 1))
        echo "ok: server_fuzz, $(grep -Eo '^server_fuzz: [0-9]+ scripts sent' "$log/server_fuzz" | sed 's/^server_fuzz: //')" \
            "in $(grep -Eo '[0-9.]+ s$' "$log/server_fuzz" | head -1), no backend crashed"
    else
        failed=$((failed + 1))
        echo "not ok: server_fuzz"
        cat "$log/server_fuzz"
    fi
fi

echo
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
