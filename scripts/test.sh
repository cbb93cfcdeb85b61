#!/usr/bin/env bash
# Runs every pg_migrate test suite on every PostgreSQL major this machine can
# have: Debian 12's own 15, and 16 to 19 built from Debian's source packages
# into a cache (scripts/pg.sh; a few minutes per major the first time). For
# each major: the extension builds warning-free, then pg_regress suites,
# isolation specs, client tests, dump/restore and the server fuzzer run
# against a throwaway cluster of it (scripts/cluster.sh). The parser fuzzer
# and the format check, which no server takes part in, run once.
#
# One major (PG_MIGRATE_SANITIZE_VERSION, 15) also runs on an assert-enabled
# server built with ASan and UBSan (scripts/pg.sh MAJOR sanitize, cached like
# the others), the extension built against it with the same flags: the
# pg_regress suites, isolation specs and server fuzzer; any sanitizer report
# or failed Assert() fails the run.
#
#   PG_MIGRATE_PG_VERSIONS="15 18" bash scripts/test.sh     # only these majors
#   PG_MIGRATE_SANITIZE_VERSION= bash scripts/test.sh       # no sanitizer build
#
# A major whose source cannot be had here is reported as not tested. Every
# line names its major; ends with "N passed, N failed" and exits non-zero
# when anything failed.
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh || { echo "0 passed, 1 failed"; exit 1; }

versions=${PG_MIGRATE_PG_VERSIONS:-15 16 17 18 19}
passed=0
failed=0
tested=()
untested=()
log=$(mktemp -d)

# One check without a server: "== TITLE", then its last line when it passes,
# everything it printed when it fails; counted like a test.
run_check() {
    local name=$1 title=$2
    shift 2
    echo "== $title"
    if "$@" >"$log/$name" 2>&1; then
        passed=$((passed + 1))
        tail -1 "$log/$name"
    else
        failed=$((failed + 1))
        cat "$log/$name"
    fi
}

for v in $versions; do
    echo "== PostgreSQL $v"
    pg_config=$(bash scripts/pg.sh "$v" 2>"$log/pg-$v")
    rc=$?
    if [ "$rc" -eq 3 ]; then
        reason=$(tail -1 "$log/pg-$v")
        echo "[PG $v] not tested: ${reason#pg.sh $v: }"
        untested+=("$v")
        continue
    elif [ "$rc" -ne 0 ]; then
        cat "$log/pg-$v"
        echo "[PG $v] not ok: the server could not be built"
        failed=$((failed + 1))
        continue
    fi
    if bash scripts/build_extension.sh "$pg_config" 2>"$log/build-$v"; then
        echo "[PG $v] ok: extension builds warning-free against $("$pg_config" --version)"
        passed=$((passed + 1))
    else
        sed "s/^/[PG $v] /" "$log/build-$v"
        echo "[PG $v] not ok: extension build"
        failed=$((failed + 1))
        continue
    fi
    PG_CONFIG="$pg_config" bash scripts/cluster.sh "$pg_config" bash scripts/suites.sh 2>&1 |
        sed -u "s/^/[PG $v] /" | tee "$log/suites-$v"
    summary=$(grep -E "\] [0-9]+ passed, [0-9]+ failed$" "$log/suites-$v" | tail -1)
    if [[ $summary =~ \]\ ([0-9]+)\ passed,\ ([0-9]+)\ failed$ ]]; then
        passed=$((passed + BASH_REMATCH[1]))
        failed=$((failed + BASH_REMATCH[2]))
    else
        echo "[PG $v] not ok: the suites did not finish"
        failed=$((failed + 1))
    fi
    tested+=("$v")
done

sanitize_version=${PG_MIGRATE_SANITIZE_VERSION-15}
if [ -n "$sanitize_version" ]; then
    echo "== PostgreSQL $sanitize_version (assert + sanitizers)"
    bash scripts/sanitize.sh "$sanitize_version" 2>&1 | tee "$log/sanitize"
    summary=$(grep -E "^[0-9]+ passed, [0-9]+ failed$" "$log/sanitize" | tail -1)
    if [[ $summary =~ ^([0-9]+)\ passed,\ ([0-9]+)\ failed$ ]]; then
        passed=$((passed + BASH_REMATCH[1]))
        failed=$((failed + BASH_REMATCH[2]))
    else
        echo "[PG $sanitize_version sanitize] not ok: did not finish"
        failed=$((failed + 1))
    fi
fi

# Needs two majors: the newest tested one, with the library built for 15.
last=${tested[${#tested[@]}-1]:-}
if [ -n "$last" ] && [ "$last" != 15 ] && [ -e build/ext-15/pg_migrate.so ]; then
    echo "== library of another major (test/versions/)"
    pg_config=$(bash scripts/pg.sh "$last" 2>/dev/null)
    if bash scripts/cluster.sh "$pg_config" bash test/versions/library_mismatch.sh "$pg_config" \
        build/ext-15/pg_migrate.so >"$log/mismatch" 2>&1; then
        passed=$((passed + 1))
        echo "[PG $last] $(tail -1 "$log/mismatch")"
    else
        failed=$((failed + 1))
        sed "s/^/[PG $last] /" "$log/mismatch"
    fi
fi

echo "== parser fuzzing (test/fuzz/)"
# libFuzzer on the shared script parser (~60 s, on a copy of the seed
# corpus); findings are left in $log.
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

run_check boundary "engine/host boundary (test/boundary/)" bash test/boundary/check.sh

run_check schedule "pg_regress schedule (test/schedule/)" bash test/schedule/check.sh

echo "== clang-format (make format-check)"
if make -s format-check >"$log/format" 2>&1; then
    passed=$((passed + 1))
    tail -1 "$log/format"
else
    failed=$((failed + 1))
    head -40 "$log/format"
fi

echo
echo "tested on PostgreSQL ${tested[*]:-(none)}${untested[*]:+; not tested (no source to be had): ${untested[*]}}"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "${#tested[@]}" -gt 0 ]
