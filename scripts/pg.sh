#!/usr/bin/env bash
# Builds one PostgreSQL major from Debian's source packages into a cache and
# prints the path of its pg_config:
#
#   bash scripts/pg.sh 18            # -> /var/cache/pg_migrate/pg-18.6-555610c24d53/bin/pg_config
#   bash scripts/pg.sh 15 sanitize   # -> /var/cache/pg_migrate/pg-15.18-…-sanitize/bin/pg_config
#
# The "sanitize" flavour is an assert-enabled server (--enable-cassert, so
# USE_ASSERT_CHECKING holds for the extension built against it) compiled with
# AddressSanitizer and UndefinedBehaviorSanitizer (-fno-sanitize-recover=all:
# a finding aborts the process); PGXS hands the same flags to the extension.
# Run it with ASAN_OPTIONS=detect_leaks=0 (PostgreSQL frees by memory context
# and at process exit). scripts/test.sh runs one major of it.
#
# Plain 15 is Debian 12's own package and is not built. Otherwise the upstream
# tarball (.orig.tar.bz2 of postgresql-MAJOR) is found in Debian's source
# indexes, read with a private apt configuration (nothing of the machine's own
# apt sources changes), and checked before it is unpacked:
#   * the version a suite's index lists: apt verifies the suite's signed
#     InRelease with debian-archive-keyring, and the tarball must match the
#     SHA-256 that index gives;
#   * when the mirror no longer holds that file (Debian keeps only the newest
#     upload of a suite in the pool), older point releases of the same
#     upload line are tried: their .dsc must carry a valid signature by a
#     Debian developer (debian-keyring), and the tarball the SHA-256 it gives.
# The build is keyed by version and tarball hash and reused when present.
# Exits 3 with a clear message when no source of the major can be had.
# Progress goes to stderr; stdout is only the pg_config path.
set -euo pipefail

major=${1:?usage: scripts/pg.sh MAJOR (16 to 19; 15 to 19 with a flavour) [sanitize]}
flavour=${2:-}
case $flavour in
    "") suffix="" ;;
    sanitize) suffix="-sanitize" ;;
    *)
        echo "pg.sh $major: unknown flavour '$flavour' (only: sanitize)" >&2
        exit 2
        ;;
esac
# PG_MIGRATE_PG_CACHE: another cache (a developer's own; CI uses the default).
cache_root=${PG_MIGRATE_PG_CACHE:-/var/cache/pg_migrate}
mirror=${PG_MIGRATE_DEBIAN_MIRROR:-http://deb.debian.org}
say() { echo "pg.sh $major: $*" >&2; }
fail() {
    say "$*"
    exit 3
}

if [ "$major" = 15 ] && [ -z "$flavour" ]; then
    echo /usr/lib/postgresql/15/bin/pg_config
    exit 0
fi
[[ $major =~ ^1[5-9]$ ]] || fail "unsupported major '$major' (16 to 19 are built from source, 15 for a flavour)"

# A finished build for this major and flavour, whatever its point release:
# reused without touching the network (the cache key is in the directory name).
for done_mark in "$cache_root"/pg-"$major".*/.built "$cache_root"/pg-"$major"~*/.built; do
    [[ $done_mark == *-sanitize/.built ]] && built_suffix=-sanitize || built_suffix=""
    [ "$built_suffix" = "$suffix" ] || continue
    if [ -e "$done_mark" ] && [ -z "${PG_MIGRATE_PG_REFRESH:-}" ]; then
        echo "$(dirname "$done_mark")/bin/pg_config"
        exit 0
    fi
done

# shellcheck source=packages.sh
source "$(dirname "$0")/packages.sh"
ensure_packages "pg.sh $major" build-essential bison flex libssl-dev zlib1g-dev pkg-config curl lz4 \
    debian-archive-keyring debian-keyring gpgv

# Private apt state: deb-src lines for the suites that carry newer majors.
apt_dir="$cache_root/apt"
mkdir -p "$apt_dir/lists/partial" "$apt_dir/cache/archives/partial"
keyring=/usr/share/keyrings/debian-archive-keyring.gpg
cat >"$apt_dir/sources.list" <<EOF
deb-src [signed-by=$keyring] $mirror/debian experimental main
deb-src [signed-by=$keyring] $mirror/debian unstable main
deb-src [signed-by=$keyring] $mirror/debian-security trixie-security main
deb-src [signed-by=$keyring] $mirror/debian trixie main
deb-src [signed-by=$keyring] $mirror/debian trixie-backports main
deb-src [signed-by=$keyring] $mirror/debian bookworm-backports main
EOF
# 15 (built only for a flavour) is Debian 12's own: its suites.
if [ "$major" = 15 ]; then
    cat >>"$apt_dir/sources.list" <<EOF
deb-src [signed-by=$keyring] $mirror/debian-security bookworm-security main
deb-src [signed-by=$keyring] $mirror/debian bookworm-updates main
deb-src [signed-by=$keyring] $mirror/debian bookworm main
EOF
fi
apt_opts=(-o Dir::Etc::SourceList="$apt_dir/sources.list" -o Dir::Etc::SourceParts=/dev/null
          -o Dir::State::Lists="$apt_dir/lists" -o Dir::Cache="$apt_dir/cache"
          -o Acquire::http::Timeout=30 -o Acquire::Retries=2)
say "reading Debian's source indexes"
timeout 300 apt-get "${apt_opts[@]}" update -qq 2>&1 | grep -v "^W: " >&2 || true

# "version sha256 tarball" for postgresql-MAJOR in every verified index, newest first.
indexed=$(for f in "$apt_dir"/lists/*_source_Sources*; do
    [ -e "$f" ] || continue
    case $f in
        *.lz4) lz4cat "$f" ;;
        *.xz) xzcat "$f" ;;
        *.gz) zcat "$f" ;;
        *) cat "$f" ;;
    esac
done | awk -v pkg="postgresql-$major" '
    /^Package: / { p = $2; v = "" }
    /^Version: / { v = $2 }
    /^Checksums-Sha256:/ { inside = (p == pkg) ; next }
    /^[^ ]/ { inside = 0 }
    inside && $3 ~ /\.orig\.tar\.bz2$/ { print v, $1, $3 }' | sort -u -V -r)
[ -n "$indexed" ] || fail "no postgresql-$major source package is listed in Debian's indexes ($mirror); this major cannot be built here"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
fetch() { curl --fail --silent --show-error --location --max-time 600 --connect-timeout 30 -o "$2" "$1"; }
pool() { echo "$mirror/debian/pool/main/p/postgresql-$major/$1"; }
urlenc() { sed -e 's/+/%2b/g' -e 's/~/%7e/g' <<<"$1"; }

tarball=""
upstream=""
sha=""
# 1. What the signed indexes list.
while read -r version want file; do
    say "trying $file (listed in a signed index)"
    if fetch "$(pool "$(urlenc "$file")")" "$work/$file" 2>/dev/null; then
        got=$(sha256sum "$work/$file" | cut -d' ' -f1)
        [ "$got" = "$want" ] || fail "$file: SHA-256 $got differs from the signed index ($want); refusing it"
        tarball="$work/$file"
        upstream=${version%-*}
        sha=$got
        break
    fi
    say "$file: not on the mirror"
done <<<"$indexed"

# 2. Older point releases of the newest listed upload line, checked by the
#    signature of their .dsc.
if [ -z "$tarball" ]; then
    read -r version _ _ <<<"$(head -1 <<<"$indexed")"
    upstream_listed=${version%-*}
    revision=${version##*-}
    if [[ $upstream_listed =~ ^([0-9]+)\.([0-9]+)$ ]]; then
        minor=${BASH_REMATCH[2]}
        for ((m = minor - 1; m >= 0 && m >= minor - 6; m--)); do
            candidate="$major.$m"
            dsc="postgresql-${major}_${candidate}-${revision}.dsc"
            say "trying $candidate (signed .dsc $dsc)"
            fetch "$(pool "$(urlenc "$dsc")")" "$work/$dsc" 2>/dev/null || continue
            gpgv --keyring /usr/share/keyrings/debian-keyring.gpg "$work/$dsc" 2>/dev/null ||
                fail "$dsc: signature does not verify against debian-keyring; refusing it"
            file="postgresql-${major}_${candidate}.orig.tar.bz2"
            want=$(awk -v f="$file" '/^Checksums-Sha256:/ {s = 1; next} /^[^ ]/ {s = 0} s && $3 == f {print $1}' "$work/$dsc")
            [ -n "$want" ] || continue
            fetch "$(pool "$(urlenc "$file")")" "$work/$file" 2>/dev/null || continue
            got=$(sha256sum "$work/$file" | cut -d' ' -f1)
            [ "$got" = "$want" ] || fail "$file: SHA-256 $got differs from its signed .dsc ($want); refusing it"
            tarball="$work/$file"
            upstream=$candidate
            sha=$got
            break
        done
    fi
fi
[ -n "$tarball" ] || fail "the indexes list $(head -1 <<<"$indexed" | cut -d' ' -f1) but no tarball of postgresql-$major could be downloaded from $mirror; this major cannot be built here"

prefix="$cache_root/pg-$upstream-${sha:0:12}$suffix"
if [ -e "$prefix/.built" ]; then
    echo "$prefix/bin/pg_config"
    exit 0
fi
say "building PostgreSQL $upstream${flavour:+ ($flavour)} into $prefix (a few minutes)"
configure_flags=(CFLAGS="-O2")
if [ "$flavour" = sanitize ]; then
    # -O1: ASan's own cost dominates at run time, and -O1 compiles faster.
    sanitizers="-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer"
    configure_flags=(--enable-cassert CFLAGS="-O1 -g $sanitizers" CXXFLAGS="-O1 -g $sanitizers"
        LDFLAGS="-fsanitize=address,undefined")
    # Leak reports at exit would fail every program the build runs (zic, initdb).
    export ASAN_OPTIONS=detect_leaks=0
fi
tar -xjf "$tarball" -C "$work"
src=$(find "$work" -maxdepth 1 -mindepth 1 -type d -name 'postgresql-*' | head -1)
log="$work/build.log"
(
    cd "$src"
    # Only what the suites need: OpenSSL for pgcrypto, zlib for pg_dump.
    ./configure --prefix="$prefix" --with-openssl --without-icu --without-readline --without-llvm \
        --disable-nls "${configure_flags[@]}" >"$log" 2>&1
    make -s -j"$(nproc)" >>"$log" 2>&1
    make -s install >>"$log" 2>&1
    for dir in contrib/citext contrib/pgcrypto src/test/isolation; do
        make -s -C "$dir" -j"$(nproc)" >>"$log" 2>&1
        make -s -C "$dir" install >>"$log" 2>&1
    done
) || {
    tail -30 "$log" >&2
    rm -rf "$prefix"
    fail "build of PostgreSQL $upstream failed"
}
touch "$prefix/.built"
say "built PostgreSQL $upstream"
echo "$prefix/bin/pg_config"
