# Sourced by the scripts that build or test the extension: ext_dir PG_CONFIG
# prints its build directory, build/ext-MAJOR, or build/ext-MAJOR-sanitize
# for a server of scripts/pg.sh's sanitize flavour (built with -fsanitize).
ext_dir() {
    local major
    major=$("$1" --version | grep -Eo '[0-9]+' | head -1)
    if "$1" --configure | grep -q -- "-fsanitize="; then
        echo "build/ext-$major-sanitize"
    else
        echo "build/ext-$major"
    fi
}
