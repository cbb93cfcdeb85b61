#!/usr/bin/env bash
# Installs what pg_migrate needs on Debian 12 (as root), then builds and
# installs the extension into Debian's PostgreSQL 15 and builds the client.
# Safe to run again. Other majors: scripts/pg.sh builds the server,
# scripts/build_extension.sh the extension for it (scripts/test.sh does both).
set -euo pipefail
cd "$(dirname "$0")/.."

# shellcheck source=packages.sh
source scripts/packages.sh
ensure_packages "pg_migrate setup" postgresql-15 postgresql-server-dev-15 postgresql-common libpq-dev libcli11-dev \
    nlohmann-json3-dev libgtest-dev libssl-dev cmake g++ make pkg-config clang-format clang-14 libclang-rt-14-dev \
    libpg-query-dev

export PATH="/usr/lib/postgresql/15/bin:$PATH"
# An in-tree build of an earlier checkout would shadow the per-major builds.
[ -z "$(ls extension/*.o 2>/dev/null)" ] || make -s clean PG_CONFIG=/usr/lib/postgresql/15/bin/pg_config >/dev/null
bash scripts/build_extension.sh /usr/lib/postgresql/15/bin/pg_config
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPG_MIGRATE_WERROR=ON >/dev/null
cmake --build build -j2 >/dev/null
echo "pg_migrate setup: extension installed, client built at build/pg_migrate"
