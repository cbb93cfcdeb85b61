#!/usr/bin/env bash
# What `pg_migrate test` costs (prints figures; asserts nothing):
#   1. the whole run on BENCH_N generated migrations (default 200), every one
#      with a down section, a few no-transaction index builds among them:
#      history from empty + the step-by-step walk (apply, round trip, rerun);
#   2. the same with --no-roundtrip;
#   3. BENCH_TESTS user tests (default 10) that all start near the end of the
#      history, with prefix templates (each prefix built once, every test a
#      CREATE DATABASE ... TEMPLATE copy) and without them
#      (PG_MIGRATE_TEST_NO_TEMPLATES=1: every test applies the history from empty).
#
#   bash scripts/cluster.sh /work/pg-18/bin/pg_config bash test/bench/test_command.sh
set -euo pipefail
cd "$(dirname "$0")/../.."
N=${BENCH_N:-200}
TESTS=${BENCH_TESTS:-10}
client=$(realpath "${PG_MIGRATE:-build/pg_migrate}")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
ms() { python3 -c 'import time; print(int(time.time()*1000))'; }

python3 - "$work" "$N" "$TESTS" <<'PY'
import os, sys
work, n, tests = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
os.makedirs(f"{work}/migrations")
os.makedirs(f"{work}/tests/migrations/sql")
os.makedirs(f"{work}/tests/migrations/expected")
versions = []
for i in range(1, n + 1):
    v = f"{i:05d}"
    versions.append(v)
    t = f"t{(i - 1) // 4:04d}"
    kind = (i - 1) % 4
    if kind == 0:
        up, down, name = f"CREATE TABLE {t} (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name text NOT NULL);", f"DROP TABLE {t};", f"create_{t}"
        body = f"-- migrate:up\n{up}\n-- migrate:down\n{down}\n"
    elif kind == 1:
        body = (f"-- migrate:up\nALTER TABLE {t} ADD COLUMN amount numeric(12,2);\n"
                f"INSERT INTO {t} (name, amount) SELECT 'n' || g, g FROM generate_series(1, 200) g;\n"
                f"-- migrate:down\nDELETE FROM {t} WHERE amount IS NOT NULL;\nALTER TABLE {t} DROP COLUMN amount;\n"
                f"-- migrate:verify\nSELECT count(*) >= 200 FROM {t};\n")
        name = f"fill_{t}"
    elif kind == 2 and i % 40 == 3:
        body = (f"-- migrate:no-transaction\n-- migrate:up\n"
                f"CREATE INDEX CONCURRENTLY IF NOT EXISTS {t}_name ON {t} (name);\n"
                f"-- migrate:down\nDROP INDEX IF EXISTS {t}_name;\n")
        name = f"index_{t}_concurrently"
    elif kind == 2:
        body = f"-- migrate:up\nCREATE INDEX {t}_name ON {t} (name);\n-- migrate:down\nDROP INDEX {t}_name;\n"
        name = f"index_{t}"
    else:
        body = (f"-- migrate:up\nALTER TABLE {t} ADD CONSTRAINT {t}_amount CHECK (amount >= 0) NOT VALID;\n"
                f"-- migrate:down\nALTER TABLE {t} DROP CONSTRAINT {t}_amount;\n")
        name = f"check_{t}"
    open(f"{work}/migrations/{v}_{name}.sql", "w").write(body)
before, after = versions[-10], versions[-9]
for k in range(tests):
    open(f"{work}/tests/migrations/sql/late_{k:02d}.sql", "w").write(
        f"-- migrate:test before=schema:{before} after=schema:{after}\n"
        f"SELECT count(*) FROM migrate.status() WHERE state = 'applied';\n-- migrate:apply\n"
        f"SELECT count(*) FROM migrate.status() WHERE state = 'applied';\n")
PY

cd "$work"
run() { # label, env, args...
	local label=$1 env=$2
	shift 2
	local start end
	start=$(ms)
	env $env "$client" test "$@" >"$work/out" 2>&1 || { echo "$label: failed"; tail -20 "$work/out"; }
	end=$(ms)
	last=$((end - start))
	printf '%-58s %6.1f s   (%s)\n' "$label" "$(echo "($end - $start) / 1000" | bc -l)" "$(tail -1 "$work/out")"
}
echo "pg_migrate test, $N migrations ($(nproc) cores, server $(psql -XAtc 'SHOW server_version'))"
run "history + step-by-step walk with round trips" "" --tests none
run "history + step-by-step walk, --no-roundtrip" "" --tests none --no-roundtrip
walk=$last
"$client" test --accept --no-roundtrip >/dev/null 2>&1 || true
run "same + $TESTS user tests near the end, prefix templates" "" --no-roundtrip
with=$((last - walk))
run "same + $TESTS user tests near the end, no templates" "PG_MIGRATE_TEST_NO_TEMPLATES=1" --no-roundtrip
without=$((last - walk))
printf 'the %s user tests alone: %.1f s with prefix templates, %.1f s without\n' "$TESTS" \
	"$(echo "$with / 1000" | bc -l)" "$(echo "$without / 1000" | bc -l)"
