#!/usr/bin/env bash
# The main job: build pg_migrate, then deploy examples/ and print status.
# With DATABASE_URL set it deploys there; otherwise into a throwaway local
# PostgreSQL 15 cluster that exists for this run only.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh

demo='
set -e
pg_migrate() { build/pg_migrate "$@"; }
dirs=(--dir schema=examples/migrations/schema --dir data=examples/migrations/data --dir index=examples/migrations/index)
pg_migrate install
pg_migrate "${dirs[@]}" deploy
pg_migrate "${dirs[@]}" status
'
if [ -n "${DATABASE_URL:-}" ]; then
    bash -c "$demo"
else
    pg_virtualenv -t -v 15 bash -c "$demo"
fi
