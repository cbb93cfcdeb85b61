#!/usr/bin/env bash
# The suites themselves; scripts/test.sh runs this inside pg_virtualenv, which
# exports PG* for a throwaway cluster. Prints "N passed, N failed" at the end.
set -uo pipefail
cd "$(dirname "$0")/.."
export PATH="/usr/lib/postgresql/15/bin:$PATH"
PG_CONFIG=/usr/lib/postgresql/15/bin/pg_config
passed=0
failed=0
log=$(mktemp -d)

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

echo "== pg_regress suites (sql/, expected/)"
make -s installcheck ISOLATION= PG_CONFIG=$PG_CONFIG >"$log/regress" 2>&1
grep -E "\.\.\. +(ok|FAILED|failed)" "$log/regress"
count_regress "$log/regress"
[ -s regression.diffs ] && cat regression.diffs

echo "== isolation specs (test/specs/)"
make -s installcheck REGRESS= PG_CONFIG=$PG_CONFIG >"$log/isolation" 2>&1
grep -E "\.\.\. +(ok|FAILED|failed)" "$log/isolation"
count_regress "$log/isolation"
[ -s output_iso/regression.diffs ] && cat output_iso/regression.diffs

echo "== client tests (ctest)"
(cd build && ctest --output-on-failure) >"$log/ctest" 2>&1
grep -E "Test +#" "$log/ctest"
summary=$(grep -E "tests passed, [0-9]+ tests failed out of [0-9]+" "$log/ctest")
if [[ $summary =~ ([0-9]+)\ tests\ failed\ out\ of\ ([0-9]+) ]]; then
    failed=$((failed + BASH_REMATCH[1]))
    passed=$((passed + BASH_REMATCH[2] - BASH_REMATCH[1]))
    [ "${BASH_REMATCH[1]}" -eq 0 ] || cat "$log/ctest"
else
    failed=$((failed + 1))
    cat "$log/ctest"
fi

echo "== pg_dump / pg_restore round trip (test/restore/)"
if bash test/restore/dump_restore.sh >"$log/restore" 2>&1; then
    passed=$((passed + 1))
    tail -1 "$log/restore"
else
    failed=$((failed + 1))
    cat "$log/restore"
fi

echo "== fuzzing (test/fuzz/)"
# libFuzzer on the shared script parser (~60 s, on a copy of the seed corpus);
# findings are left in $log. Then mutated scripts to lint() and register() on
# this cluster: no backend may crash. Each counts as one suite.
fuzz_corpus=$(mktemp -d)
cp test/fuzz/corpus/* "$fuzz_corpus/"
if bash test/fuzz/build.sh >"$log/fuzz_build" 2>&1 &&
    build/fuzz/script_fuzzer -max_total_time="${PG_MIGRATE_FUZZ_SECONDS:-60}" -dict=test/fuzz/script.dict \
        -timeout=10 -rss_limit_mb=2048 -artifact_prefix="$log/" "$fuzz_corpus" >"$log/fuzz" 2>&1; then
    passed=$((passed + 1))
    echo "ok: script_fuzzer, $(grep -Eo '^Done [0-9]+ runs in [0-9]+ second' "$log/fuzz" | sed 's/^Done //')s"
else
    failed=$((failed + 1))
    echo "not ok: script_fuzzer (findings in $log)"
    cat "$log/fuzz_build"
    grep -v -E "^#[0-9]+" "$log/fuzz" | tail -40
fi
rm -rf "$fuzz_corpus"
if build/server_fuzz --iterations "${PG_MIGRATE_FUZZ_ITERATIONS:-20000}" >"$log/server_fuzz" 2>&1; then
    passed=$((passed + 1))
    echo "ok: server_fuzz, $(grep -Eo '^server_fuzz: [0-9]+ scripts sent' "$log/server_fuzz" | sed 's/^server_fuzz: //')" \
        "in $(grep -Eo '[0-9.]+ s$' "$log/server_fuzz" | head -1), no backend crashed"
else
    failed=$((failed + 1))
    echo "not ok: server_fuzz"
    cat "$log/server_fuzz"
fi

echo "== clang-format"
mapfile -t sources < <(find extension client test -name '*.cpp' -o -name '*.hpp' | sort)
if clang-format --dry-run --Werror "${sources[@]}" >"$log/format" 2>&1; then
    passed=$((passed + 1))
    echo "ok: ${#sources[@]} files clang-format clean"
else
    failed=$((failed + 1))
    head -40 "$log/format"
fi

echo
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
