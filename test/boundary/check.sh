#!/usr/bin/env bash
# The engine/host boundary is the compiler's: a pure C++ file (one that
# includes extension/cpp_only.hpp, such as script.cpp, which the client
# compiles too) must fail to build when it sees PostgreSQL's server headers.
# Compiles each pure file as it is (must build) and with postgres.h forced in
# front (must fail with cpp_only.hpp's error).
set -uo pipefail
cd "$(dirname "$0")/../.."
pg_config=${PG_CONFIG:-/usr/lib/postgresql/15/bin/pg_config}
server_include=$("$pg_config" --includedir-server)
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
problems=0
mapfile -t pure < <(grep -l '#include "cpp_only.hpp"' extension/*.cpp | sort)
[ "${#pure[@]}" -gt 0 ] || { echo "no pure file includes cpp_only.hpp"; exit 1; }
for f in "${pure[@]}"; do
    if ! g++ -std=c++17 -fsyntax-only -Iextension "$f" 2>"$out/plain"; then
        echo "$f: does not build as pure C++:"; cat "$out/plain"; problems=$((problems + 1)); continue
    fi
    if g++ -std=c++17 -fsyntax-only -Iextension -I"$server_include" -include postgres.h "$f" 2>"$out/pg"; then
        echo "$f: built with postgres.h in front of it: the boundary check did not fire"; problems=$((problems + 1))
    elif ! grep -q "pure C++ file of pg_migrate includes PostgreSQL's server headers" "$out/pg"; then
        echo "$f: failed with postgres.h, but not by cpp_only.hpp:"; head -5 "$out/pg"; problems=$((problems + 1))
    fi
done
[ "$problems" -eq 0 ] && echo "ok: ${#pure[@]} pure files build without PostgreSQL and refuse its headers (${pure[*]})"
[ "$problems" -eq 0 ]
