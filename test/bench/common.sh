# Shared by the benchmark scripts (sourced): how they reach the server.

# Connection string for database $1: DATABASE_URL with its database replaced,
# else a conninfo naming only the database (libpq takes the rest from PG*).
conn() {
	if [ -z "${DATABASE_URL:-}" ]; then
		printf 'dbname=%s' "$1"
	elif [[ $DATABASE_URL == postgres://* || $DATABASE_URL == postgresql://* ]]; then
		python3 - "$DATABASE_URL" "$1" <<'PY'
import sys, urllib.parse as u
p = u.urlsplit(sys.argv[1])
print(u.urlunsplit(p._replace(path="/" + u.quote(sys.argv[2]))), end="")
PY
	else
		printf '%s dbname=%s' "$DATABASE_URL" "$1"  # conninfo: the last dbname wins
	fi
}

# psql on the maintenance database (DATABASE_URL's, else libpq's default).
admin() {
	if [ -n "${DATABASE_URL:-}" ]; then psql -X -v ON_ERROR_STOP=1 -d "$DATABASE_URL" "$@"
	else psql -X -v ON_ERROR_STOP=1 "$@"; fi
}
