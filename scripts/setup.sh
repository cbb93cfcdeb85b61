#!/usr/bin/env bash
# Installs what pg_migrate needs on Debian 12 (as root), then builds and
# installs the extension into Debian's PostgreSQL 15 and builds the client.
# Safe to run again. Other majors: scripts/pg.sh builds the server,
# scripts/build_extension.sh the extension for it (scripts/test.sh does both).
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(postgresql-15 postgresql-server-dev-15 postgresql-common libpq-dev libcli11-dev nlohmann-json3-dev
          libgtest-dev libssl-dev cmake g++ make pkg-config clang-format clang-14 libclang-rt-14-dev)
missing=()
for p in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
    echo "pg_migrate setup: installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

export PATH="/usr/lib/postgresql/15/bin:$PATH"
# An in-tree build of an earlier checkout would shadow the per-major builds.
[ -z "$(ls extension/*.o 2>/dev/null)" ] || make -s clean PG_CONFIG=/usr/lib/postgresql/15/bin/pg_config >/dev/null
bash scripts/build_extension.sh /usr/lib/postgresql/15/bin/pg_config
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j2 >/dev/null
echo "pg_migrate setup: extension installed, client built at build/pg_migrate"
