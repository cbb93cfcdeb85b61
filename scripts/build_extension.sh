#!/usr/bin/env bash
# Builds and installs the extension for the server whose pg_config is given,
# in its own directory (build/ext-MAJOR; build/ext-MAJOR-sanitize for a
# sanitize-flavoured server of scripts/pg.sh), so builds for several majors
# live side by side and each stays incremental. Fails on any compiler
# warning: ERROR_ON_WARNING=1 (the Makefile's -Werror switch) unless
# ERROR_ON_WARNING=0 is given, and any other "warning:" line of the build.
#
#   bash scripts/build_extension.sh /usr/lib/postgresql/15/bin/pg_config
set -euo pipefail
# The programs of a sanitize-flavoured server (scripts/pg.sh) report leaks at
# exit, pg_config too: PostgreSQL frees by memory context and at exit.
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0}
cd "$(dirname "$0")/.."
pg_config=${1:?usage: scripts/build_extension.sh PG_CONFIG}
major=$("$pg_config" --version | grep -Eo '[0-9]+' | head -1)
# shellcheck source=ext_dir.sh
source scripts/ext_dir.sh
out=$(ext_dir "$pg_config")
werror=${ERROR_ON_WARNING:-1}
mkdir -p "$out"
log=$(mktemp)
trap 'rm -f "$log"' EXIT
if ! make -C "$out" -f ../../Makefile VPATH=../.. PG_CONFIG="$pg_config" ERROR_ON_WARNING="$werror" -j"$(nproc)" \
    >"$log" 2>&1; then
    cat "$log" >&2
    echo "pg_migrate: extension build for PostgreSQL $major failed" >&2
    exit 1
fi
if grep -q "warning:" "$log"; then
    grep -A3 "warning:" "$log" >&2
    echo "pg_migrate: extension build for PostgreSQL $major has warnings" >&2
    exit 1
fi
make -s -C "$out" -f ../../Makefile VPATH=../.. PG_CONFIG="$pg_config" install >/dev/null
