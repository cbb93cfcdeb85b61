#!/usr/bin/env bash
# Every pg_regress suite in sql/ is in the Makefile's REGRESS schedule, and
# every scheduled suite has its expected output: a forgotten suite fails the
# test command instead of silently never running.
set -uo pipefail
cd "$(dirname "$0")/../.."
scheduled=$(make -s -f - print-regress <<'MK'
include Makefile
print-regress:
	@echo $(REGRESS)
MK
)
problems=0
for f in sql/*.sql; do
    suite=$(basename "$f" .sql)
    if ! grep -qw -- "$suite" <<<"$scheduled"; then
        echo "sql/$suite.sql is not in REGRESS (Makefile): add it to the schedule"
        problems=$((problems + 1))
    fi
done
for suite in $scheduled; do
    [ -f "sql/$suite.sql" ] || { echo "REGRESS names $suite but sql/$suite.sql does not exist"; problems=$((problems + 1)); }
    [ -f "expected/$suite.out" ] || { echo "REGRESS names $suite but expected/$suite.out does not exist"; problems=$((problems + 1)); }
done
[ "$problems" -eq 0 ] && echo "ok: $(wc -w <<<"$scheduled") suites scheduled, every sql/ file among them"
[ "$problems" -eq 0 ]
