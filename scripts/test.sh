#!/usr/bin/env bash
# Runs every pg_migrate test suite against a throwaway PostgreSQL 15 cluster:
# pg_regress suites, isolation specs, client tests (ctest) and the format
# check. Ends with "N passed, N failed"; exits non-zero when anything failed.
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh || { echo "0 passed, 1 failed"; exit 1; }
# pg_virtualenv makes the cluster (as the postgres user, even when run as root),
# exports PG* for it, runs the suites and drops it again.
pg_virtualenv -t -v 15 bash scripts/suites.sh
