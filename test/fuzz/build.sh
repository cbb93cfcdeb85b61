#!/usr/bin/env bash
# Builds the libFuzzer target of the pg_migrate script parser with Debian's
# clang 14 (packages clang-14 and libclang-rt-14-dev) into build/fuzz/.
# Exits 2 when clang or its libFuzzer runtime is missing.
set -euo pipefail
cd "$(dirname "$0")/../.."
CXX=${FUZZ_CXX:-clang++-14}
if ! command -v "$CXX" >/dev/null; then
    echo "test/fuzz/build.sh: $CXX not found (apt-get install clang-14 libclang-rt-14-dev)" >&2
    exit 2
fi
if [ ! -e "$("$CXX" -print-file-name="libclang_rt.fuzzer-$(uname -m).a")" ]; then
    echo "test/fuzz/build.sh: no libFuzzer runtime for $CXX (apt-get install libclang-rt-14-dev)" >&2
    exit 2
fi
mkdir -p build/fuzz
"$CXX" -std=c++17 -g -O1 -Wall -Wextra -Werror \
    -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
    -Iextension test/fuzz/script_fuzzer.cpp extension/script.cpp \
    -o build/fuzz/script_fuzzer
echo "test/fuzz/build.sh: built build/fuzz/script_fuzzer"
