#!/usr/bin/env bash
# Installs what pg_migrate needs on Debian 12 (as root), then builds and
# installs the extension and builds the client. Safe to run again.
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
make -s -j2 PG_CONFIG=/usr/lib/postgresql/15/bin/pg_config >/dev/null
make -s install PG_CONFIG=/usr/lib/postgresql/15/bin/pg_config >/dev/null
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j2 >/dev/null
echo "pg_migrate setup: extension installed, client built at build/pg_migrate"
