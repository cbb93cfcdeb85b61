/*
 * server_fuzz.cpp — randomized driver that sends mutated migration scripts to
 * migrate.lint() and migrate.register() on a live server and checks that no
 * backend ever crashes (ARCHITECTURE.md §3: the backend must never crash).
 *
 * It creates two throwaway databases with CREATE EXTENSION pg_migrate, one
 * UTF8 and one SQL_ASCII (where text may hold bytes that are not UTF-8), and
 * sends the scripts in pipelined batches, each call in its own implicit
 * transaction (a Sync after each), so errors, which are expected, do not
 * affect the other calls. register() gets a fresh version per call. After
 * each batch both sessions must still be the same backends of the same
 * postmaster: a crashed backend makes the postmaster kill every session (a
 * crash restart leaves pg_postmaster_start_time() unchanged, so it alone does
 * not show a crash). On a crash the batch is saved, and its inputs are
 * replayed one by one to name the one that crashes the server.
 *
 * Inputs are derived from --seed and their number alone, so `--dump N` writes
 * input N again without a server. The server comes from the PG* environment.
 */
#include <libpq-fe.h>

#include <poll.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace {

struct Options {
	long iterations = 20000;
	std::uint64_t seed = 1;
	int batch = 200;
	std::string db = "pg_migrate_fuzz";
	bool keep = false;
	std::string save_dir;
	int timeout_ms = 10000;
	long dump = -1;
	bool verbose = false;
	std::vector<std::string> replay;
};

/* ---------- deterministic random numbers ---------- */

std::uint64_t
SplitMix(std::uint64_t x)
{
	x += 0x9E3779B97F4A7C15ULL;
	x = (x ^ (x >> 30)) * 0xBF58476D1CE4E5B9ULL;
	x = (x ^ (x >> 27)) * 0x94D049BB133111EBULL;
	return x ^ (x >> 31);
}

class Rng {
public:
	explicit Rng(std::uint64_t seed) : state_(SplitMix(seed)) {}
	std::uint64_t
	Next()
	{
		state_ = SplitMix(state_);
		return state_;
	}
	/* uniform in [0, n) */
	std::size_t
	Below(std::size_t n)
	{
		return n == 0 ? 0 : static_cast<std::size_t>(Next() % n);
	}
	/* uniform in [lo, hi] */
	std::size_t
	Range(std::size_t lo, std::size_t hi)
	{
		return lo + Below(hi - lo + 1);
	}
	bool
	Chance(int percent)
	{
		return static_cast<int>(Below(100)) < percent;
	}
	/* log-uniform in [lo, hi]: small sizes often, huge ones now and then */
	std::size_t
	LogRange(std::size_t lo, std::size_t hi)
	{
		int bits_lo = 0, bits_hi = 0;
		while ((std::size_t{1} << bits_lo) < lo)
			bits_lo++;
		while ((std::size_t{1} << bits_hi) < hi)
			bits_hi++;
		int bits = static_cast<int>(Range(bits_lo, bits_hi));
		return std::clamp(Range(std::size_t{1} << (bits > 0 ? bits - 1 : 0), std::size_t{1} << bits), lo, hi);
	}
	/* a size: usually log-uniform in [lo, common], one time in ten in [common, rare] */
	std::size_t
	Size(std::size_t lo, std::size_t common, std::size_t rare)
	{
		return Chance(90) ? LogRange(lo, common) : LogRange(common, rare);
	}
	template <typename T>
	const T &
	Pick(const std::vector<T> &v)
	{
		return v[Below(v.size())];
	}

private:
	std::uint64_t state_;
};

/* ---------- inputs ---------- */

/* Realistic migrations, touching every lint rule; the fuzz databases hold accounts, projects and mood. */
const std::vector<std::string> kTemplates = {
    "-- migrate:up\nCREATE TABLE invoices (\n  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,\n"
    "  account_id bigint NOT NULL REFERENCES accounts (id),\n  total numeric(12,2) NOT NULL DEFAULT 0,\n"
    "  created_at timestamptz NOT NULL DEFAULT now()\n);\nCREATE INDEX invoices_account ON invoices (account_id);\n"
    "-- migrate:down\nDROP TABLE invoices;\n",
    "-- migrate:up\nALTER TABLE accounts ADD COLUMN token uuid DEFAULT gen_random_uuid();\n"
    "ALTER TABLE accounts ADD COLUMN score double precision DEFAULT random() * 100;\n"
    "ALTER TABLE accounts ADD COLUMN seen timestamptz DEFAULT now();\n"
    "-- migrate:down\nALTER TABLE accounts DROP COLUMN token, DROP COLUMN score, DROP COLUMN seen;\n",
    "ALTER TABLE accounts ADD COLUMN tier text NOT NULL;\nALTER TABLE accounts ADD COLUMN kind text NOT NULL "
    "DEFAULT 'basic';\n",
    "-- migrate:up\nALTER TABLE accounts ALTER COLUMN plan TYPE varchar(40);\nALTER TABLE accounts ALTER COLUMN "
    "email TYPE varchar(10);\nALTER TABLE projects ALTER COLUMN account_id TYPE bigint USING account_id::bigint;\n"
    "ALTER TABLE accounts ALTER COLUMN plan TYPE text COLLATE \"C\";\n",
    "ALTER TABLE accounts ADD CONSTRAINT email_present CHECK (email IS NOT NULL) NOT VALID;\n"
    "ALTER TABLE accounts VALIDATE CONSTRAINT email_present;\nALTER TABLE accounts ALTER COLUMN email SET NOT "
    "NULL;\nALTER TABLE accounts ALTER COLUMN plan SET NOT NULL, ALTER COLUMN id DROP NOT NULL;\n",
    "-- migrate:up\nALTER TABLE projects ADD CONSTRAINT projects_account_fk FOREIGN KEY (account_id) REFERENCES "
    "accounts (id) NOT VALID;\nALTER TABLE projects ADD CONSTRAINT title_len CHECK (length(title) < 200);\n"
    "ALTER TABLE projects VALIDATE CONSTRAINT projects_account_fk;\n-- migrate:down\nALTER TABLE projects DROP "
    "CONSTRAINT projects_account_fk, DROP CONSTRAINT title_len;\n",
    "-- migrate:no-transaction\n-- migrate:up\nCREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS accounts_email_key ON "
    "accounts (lower(email)) WHERE email IS NOT NULL;\nALTER TABLE accounts ADD CONSTRAINT email_unique UNIQUE "
    "USING INDEX accounts_email_key;\nREINDEX INDEX CONCURRENTLY accounts_email_key;\n-- migrate:down\nDROP INDEX "
    "CONCURRENTLY IF EXISTS accounts_email_key;\n",
    "-- migrate:allow drop-column, drop-table, truncate, delete-without-where, update-without-where\n-- migrate:up\n"
    "ALTER TABLE accounts DROP COLUMN IF EXISTS legacy;\nDROP TABLE IF EXISTS old_things CASCADE;\nTRUNCATE "
    "projects, accounts RESTART IDENTITY CASCADE;\nDELETE FROM accounts;\nUPDATE accounts SET plan = 'free';\n",
    "-- migrate:up\nCREATE FUNCTION touch_updated() RETURNS trigger LANGUAGE plpgsql AS $fn$\nBEGIN\n"
    "  NEW.updated_at := now();\n  EXECUTE $q$SELECT 'it''s ; $$ not the end'$q$;\n  RETURN NEW;\nEND\n$fn$;\n"
    "CREATE TRIGGER accounts_touch BEFORE UPDATE ON accounts FOR EACH ROW EXECUTE FUNCTION touch_updated();\n"
    "-- migrate:down\nDROP TRIGGER accounts_touch ON accounts;\nDROP FUNCTION touch_updated();\n",
    "DO $$\nDECLARE r record;\nBEGIN\n  FOR r IN SELECT id FROM accounts LOOP\n    RAISE NOTICE 'id % /* not a "
    "comment */', r.id;\n  END LOOP;\nEND $$;\nSELECT E'tab\\there\\nnewline \\x41 \\u00e9', U&\"d\\0061t\\+000061\" "
    "FROM (SELECT 1 AS \"data\") s; /* outer /* nested */ comment */\n",
    "-- migrate:up\nALTER TYPE mood ADD VALUE IF NOT EXISTS 'meh' BEFORE 'sad';\nALTER TABLE accounts RENAME COLUMN "
    "plan TO tier;\nALTER TABLE projects RENAME TO workspaces;\nALTER INDEX accounts_pkey RENAME TO accounts_id;\n",
    "-- migrate:no-transaction\nVACUUM (FULL, ANALYZE) accounts;\nCLUSTER accounts USING accounts_pkey;\nREINDEX "
    "TABLE accounts;\nANALYZE projects;\n",
    "BEGIN;\nCREATE TABLE t1 (id int);\nSAVEPOINT a;\nCOMMIT;\nCOPY accounts (id, email) FROM STDIN;\n",
    "-- migrate:up\nCREATE VIEW account_stats AS\nWITH RECURSIVE r(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM r "
    "WHERE n < 10)\nSELECT a.id, CASE WHEN a.plan = 'pro' THEN 1 WHEN a.plan IS NULL THEN 0 ELSE -1 END AS rank,\n"
    "  count(*) OVER (PARTITION BY a.plan ORDER BY a.id ROWS BETWEEN 1 PRECEDING AND CURRENT ROW) AS w,\n"
    "  ARRAY[[1,2],[3,4]] AS m, '{\"a\": [1, {\"b\": null}]}'::jsonb #>> '{a,1}' AS j\nFROM accounts a JOIN r ON "
    "r.n = a.id LEFT JOIN LATERAL (SELECT * FROM projects p WHERE p.account_id = a.id LIMIT 1) p ON true;\n"
    "-- migrate:verify\nSELECT * FROM account_stats LIMIT 0;\n-- migrate:down\nDROP VIEW account_stats;\n",
    "ALTER TABLE accounts ENABLE ROW LEVEL SECURITY;\nCREATE POLICY own ON accounts USING (id = "
    "current_setting('app.account')::bigint);\nGRANT SELECT, UPDATE (email) ON accounts TO PUBLIC;\nCOMMENT ON "
    "TABLE accounts IS 'who pays';\nCREATE SEQUENCE s;\nALTER TABLE accounts ADD COLUMN n bigint DEFAULT "
    "nextval('s');\n",
    "-- migrate:up transaction:false\n-- migrate:stream fuzz\n-- migrate:requires fuzz:1, schema:20260101_1200\n"
    "-- migrate:db-version 1.2.0\n-- migrate:lock-timeout 2s\n-- migrate:out-of-order\nCREATE INDEX CONCURRENTLY "
    "IF NOT EXISTS projects_title ON projects USING gin (to_tsvector('simple', title));\n-- migrate:down "
    "transaction:false\nDROP INDEX CONCURRENTLY IF EXISTS projects_title;\n",
    "CREATE TABLE e (a timestamp, b varchar(50), c json, d serial PRIMARY KEY, e integer, "
    "f character varying, g timestamp without time zone[]);\nCREATE TABLE "
    "this_table_name_is_much_longer_than_sixty_three_bytes_which_postgres_keeps (id bigint);\n"
    "CREATE TABLE part (id bigint, at date) PARTITION BY RANGE (at);\nCREATE TABLE part_2026 PARTITION OF part FOR "
    "VALUES FROM ('2026-01-01') TO ('2027-01-01');\nALTER TABLE accounts ADD PRIMARY KEY (id), ADD UNIQUE (email);\n",
    "INSERT INTO accounts (id, email) VALUES (1, 'a'), (2, $$b$$) ON CONFLICT (id) DO UPDATE SET email = "
    "EXCLUDED.email RETURNING *;\nMERGE INTO accounts a USING projects p ON a.id = p.account_id WHEN MATCHED THEN "
    "UPDATE SET plan = 'x' WHEN NOT MATCHED THEN DO NOTHING;\nPREPARE q(int) AS SELECT $1;\nEXECUTE q(1);\n"
    "CREATE DATABASE nope;\nDROP DATABASE nope;\nALTER SYSTEM SET work_mem = '1MB';\nLOCK TABLE accounts IN "
    "ACCESS EXCLUSIVE MODE;\n",
};

const std::vector<std::string> kTokens = {
    "'",
    "\"",
    "$$",
    "$a$",
    "$fn$",
    "$1",
    "E'\\",
    "E'\\x",
    "U&'\\",
    "U&\"",
    "/*",
    "*/",
    "--",
    ";",
    "(",
    ")",
    "[",
    "]",
    "::",
    "\\",
    "\n",
    "\r\n",
    "\r",
    "\t",
    ",",
    " CASE WHEN ",
    " END ",
    " SELECT ",
    " FROM ",
    "ALTER TABLE accounts ",
    " ADD COLUMN ",
    " DROP ",
    " CONCURRENTLY ",
    " NOT VALID ",
    " USING ",
    " DEFAULT ",
    "random()",
    "nextval('s')",
    "\n-- migrate:up\n",
    "\n-- migrate:down\n",
    "\n-- migrate:verify\n",
    "\n-- migrate:no-transaction\n",
    "BEGIN;",
    "COMMIT;",
    "ROLLBACK;",
    "COPY accounts FROM STDIN;\n1\tx\n\\.\n",
    "VACUUM FULL ",
    "CREATE INDEX ",
    "E'\\000'",
    "'\\0'",
    "B'102'",
    "X'zz'",
    "1e999999",
    "99999999999999999999999999999",
    "NaN",
    "$0",
    "$99999999999",
    "@@",
    "#>>",
    "=>",
    "%",
    "CALL ",
    " LANGUAGE sql ",
    " RETURNS ",
    "\xC3\xA9",
    "\xE2\x80\xAE",
    "\xF0\x9F\x90\x98",
    "\xEF\xBB\xBF",
    " ALTER COLUMN email TYPE ",
    " SET NOT NULL",
    " REFERENCES accounts (id)",
    " PRIMARY KEY",
    " UNIQUE ",
    " RENAME TO ",
    " TRUNCATE ",
    " WITH (",
    " COLLATE \"C\"",
    "ARRAY[",
    "ROW(",
    "'{\"a\":[",
    "::jsonb",
    "\\.",
};

const std::vector<std::string> kDirectiveNames = {"up",
                                                  "down",
                                                  "verify",
                                                  "no-transaction",
                                                  "out-of-order",
                                                  "stream",
                                                  "requires",
                                                  "db-version",
                                                  "allow",
                                                  "lock-timeout",
                                                  "Up",
                                                  "upp",
                                                  "",
                                                  "transaction:false",
                                                  "up transaction:false",
                                                  "down transaction:true"};

const std::vector<std::string> kDirectiveArgs = {"",
                                                 "1.2.0",
                                                 "99999999999999999999999.1",
                                                 "1..2",
                                                 "schema:1, fuzz:2_3",
                                                 "schema:",
                                                 ":1",
                                                 "a:b:c",
                                                 "drop-column, set-not-null",
                                                 "DROP-COLUMN",
                                                 "2s",
                                                 "1min",
                                                 "-1s",
                                                 "1.5s",
                                                 "99999999999999999999999999h",
                                                 "transaction:false",
                                                 "transaction:true",
                                                 "fuzz",
                                                 "Bad Stream",
                                                 ",,,,",
                                                 "\t \t"};

std::string
Repeat(const std::string &s, std::size_t n)
{
	std::string out;
	out.reserve(s.size() * n);
	for (std::size_t i = 0; i < n; i++)
		out += s;
	return out;
}

std::string
Nested(const std::string &open, const std::string &middle, const std::string &close, std::size_t n)
{
	return Repeat(open, n) + middle + Repeat(close, n);
}

/* A statement nested n deep, in one of the shapes that stress recursive code. */
std::string
DeepStatement(Rng &rng)
{
	std::size_t n = rng.Size(8, 2000, 200000);
	switch (rng.Below(16)) {
	case 0:
		return "SELECT " + Nested("(", "1", ")", n) + ";\n";
	case 1:
		return "SELECT " + Nested("CASE WHEN true THEN ", "1", " END", n) + ";\n";
	case 2:
		return "SELECT " + Nested("ARRAY[", "1", "]", n) + ";\n";
	case 3:
		return "SELECT 1" + Repeat("+1", n) + ";\n";
	case 4:
		return "ALTER TABLE accounts ADD COLUMN deep bigint DEFAULT 1" + Repeat(" + 1", n) + ";\n";
	case 5:
		return "ALTER TABLE accounts ADD COLUMN deep bigint DEFAULT " + Nested("abs(", "random()::int", ")", n) + ";\n";
	case 6:
		return "ALTER TABLE accounts ADD COLUMN deep text DEFAULT 'x'" + Repeat("::text", n) + ";\n";
	case 7:
		return "SELECT " + Repeat("NOT ", n) + "true;\n";
	case 8:
		return "SELECT " + Repeat("- ", n) + "1;\n";
	case 9:
		return Nested("/* ", "x", " */", n) + "\nSELECT 1;\n";
	case 10:
		return "SELECT " + Nested("(SELECT ", "1", ")", n) + ";\n";
	case 11:
		return "SELECT 1" + Repeat(" UNION SELECT 1", n) + ";\n";
	case 12:
		return "SELECT * FROM accounts a0" + Repeat(" JOIN accounts ON true", n) + ";\n";
	case 13:
		return "ALTER TABLE accounts ADD CONSTRAINT deep CHECK (id > 0" + Repeat(" AND id > 0", n) + ");\n";
	case 14:
		return "ALTER TABLE accounts ADD COLUMN deep text DEFAULT " + Nested("coalesce(", "'x'", ", 'y')", n) + ";\n";
	default:
		return "SELECT '" + Nested("[", "1", "]", n) + "'::jsonb, '" + Nested("{", "", "}", n) + "'::int[];\n";
	}
}

/* An identifier of n bytes (ASCII or multibyte, quoted or not). */
std::string
HugeIdentifier(Rng &rng)
{
	std::size_t n = rng.Size(60, 1000, 300000);
	switch (rng.Below(4)) {
	case 0:
		return std::string(n, 'x');
	case 1:
		return "\"" + std::string(n, 'Q') + "\"";
	case 2:
		return Repeat("\xC3\xA9", n / 2);
	default:
		return "\"" + Repeat("a\"\"", n / 3) + "\"";
	}
}

std::string
RandomDirective(Rng &rng)
{
	std::string line = "-- migrate:" + rng.Pick(kDirectiveNames);
	if (rng.Chance(70))
		line += " " + rng.Pick(kDirectiveArgs);
	if (rng.Chance(10))
		line += std::string(rng.Size(1, 100, 5000), 'a');
	return line + (rng.Chance(90) ? "\n" : "\r\n");
}

std::string
RandomBytes(Rng &rng, std::size_t n)
{
	std::string out(n, '\0');
	for (char &c : out)
		c = static_cast<char>(rng.Below(256));
	return out;
}

/* A place where a new statement may start: after a ";\n", after a directive line, or at the end. */
std::size_t
StatementStart(Rng &rng, const std::string &s)
{
	std::vector<std::size_t> starts{0, s.size()};
	for (std::size_t p = s.find(";\n"); p != std::string::npos; p = s.find(";\n", p + 1))
		starts.push_back(p + 2);
	for (std::size_t p = s.find("-- migrate:"); p != std::string::npos; p = s.find("-- migrate:", p + 1)) {
		std::size_t nl = s.find('\n', p);
		if (nl != std::string::npos)
			starts.push_back(nl + 1);
	}
	return rng.Pick(starts);
}

/* Replaces one (or every) occurrence of a name the templates use with a huge identifier. */
void
ReplaceName(Rng &rng, std::string &s)
{
	static const std::vector<std::string> names = {"accounts", "email", "plan", "projects", "account_id", "id", "t1"};
	const std::string &name = rng.Pick(names);
	std::string huge = HugeIdentifier(rng);
	bool all = rng.Chance(30);
	for (std::size_t p = s.find(name); p != std::string::npos; p = s.find(name, p + huge.size())) {
		s.replace(p, name.size(), huge);
		if (!all)
			break;
	}
}

/* A mutation that keeps the script valid SQL, mostly: stresses sizes, not syntax errors. */
void
GentleMutate(Rng &rng, std::string &s)
{
	switch (rng.Below(4)) {
	case 0: /* deep nesting */
		s.insert(StatementStart(rng, s), DeepStatement(rng));
		break;
	case 1: /* huge identifier */
		ReplaceName(rng, s);
		break;
	case 2: { /* long line */
		std::size_t n = rng.Size(1000, 10000, 1000000);
		std::string line;
		switch (rng.Below(4)) {
		case 0:
			line = "SELECT " + Repeat("1, ", n / 3) + "1;\n";
			break;
		case 1:
			line = "SELECT '" + std::string(n, 'a') + "';\n";
			break;
		case 2:
			line = "-- " + std::string(n, '-') + "\n";
			break;
		default:
			line = "SELECT 1" + Repeat(" ", n) + ";\n";
			break;
		}
		s.insert(StatementStart(rng, s), line);
		break;
	}
	default: { /* many statements */
		std::size_t at = StatementStart(rng, s), semi = s.find(";\n", at);
		std::string stmt = semi == std::string::npos ? "SELECT 1;\n" : s.substr(at, semi + 2 - at);
		s.insert(at, Repeat(stmt, rng.Size(2, 100, 3000 / (stmt.size() / 64 + 1) + 100)));
		break;
	}
	}
}

/* Applies one mutation to s. */
void
Mutate(Rng &rng, std::string &s)
{
	std::size_t pos = rng.Below(s.size() + 1);
	switch (rng.Below(20)) {
	case 0:
	case 1: /* truncated statement */
		s.resize(pos);
		break;
	case 2: { /* delete a span */
		std::size_t len = rng.LogRange(1, 200);
		s.erase(pos, std::min(len, s.size() - pos));
		break;
	}
	case 3: { /* duplicate a span */
		std::size_t len = std::min(rng.LogRange(1, 400), s.size() - pos);
		std::string span = s.substr(pos, len);
		s.insert(rng.Below(s.size() + 1), Repeat(span, rng.Size(1, 8, 50)));
		break;
	}
	case 4: { /* splice in a piece of another template */
		const std::string &other = rng.Pick(kTemplates);
		std::size_t from = rng.Below(other.size());
		s.insert(pos, other.substr(from, rng.LogRange(1, other.size() - from)));
		break;
	}
	case 5:
	case 6:
	case 7: /* unbalanced quotes, dollar quotes, comments, keywords */
		s.insert(pos, rng.Pick(kTokens));
		break;
	case 8: /* huge identifier anywhere */
		s.insert(pos, " " + HugeIdentifier(rng) + " ");
		break;
	case 9: /* deep nesting anywhere */
		s.insert(pos, DeepStatement(rng));
		break;
	case 10:
	case 11: { /* a directive line */
		std::size_t nl = s.rfind('\n', pos);
		s.insert(nl == std::string::npos ? 0 : nl + 1, RandomDirective(rng));
		break;
	}
	case 12: { /* long line anywhere */
		std::size_t n = rng.Size(1000, 10000, 1000000);
		const char *shapes[] = {"a", "x, ", "'aaaa' || ", "-- ", " ", "1,", ";", "(", "$$"};
		std::string piece = shapes[rng.Below(std::size(shapes))];
		s.insert(pos, Repeat(piece, n / piece.size()));
		break;
	}
	case 13: /* random bytes, NUL and invalid UTF-8 included */
		s.insert(pos, RandomBytes(rng, rng.LogRange(1, 64)));
		break;
	case 14: /* flip bytes */
		for (std::size_t k = rng.Range(1, 8); k > 0 && !s.empty(); k--)
			s[rng.Below(s.size())] = static_cast<char>(rng.Below(256));
		break;
	case 15: /* NUL or a lone continuation byte */
		s.insert(pos, 1, rng.Chance(50) ? '\0' : static_cast<char>(0x80 + rng.Below(64)));
		break;
	case 16: { /* swap lines around: directives after SQL, sections out of order */
		std::size_t a = s.rfind('\n', pos), b = s.find('\n', pos);
		if (a != std::string::npos && b != std::string::npos && a < b) {
			std::string line = s.substr(a + 1, b - a);
			s.erase(a + 1, b - a);
			s.insert(rng.Below(s.size() + 1), line);
		}
		break;
	}
	default:
		GentleMutate(rng, s);
		break;
	}
}

/* Input number i of the run: the same for a given seed whatever the batch size. */
std::string
MakeInput(std::uint64_t seed, long i)
{
	Rng rng(seed * 0x100000001B3ULL ^ static_cast<std::uint64_t>(i));
	std::string s;
	int kind = static_cast<int>(rng.Below(100));
	if (kind < 40) { /* a realistic script made big or deep, still valid */
		s = rng.Pick(kTemplates);
		for (std::size_t m = rng.Range(1, 3); m > 0; m--)
			GentleMutate(rng, s);
	} else if (kind < 86) { /* a realistic script broken in a few places */
		s = rng.Pick(kTemplates);
		for (std::size_t m = rng.Range(1, 4); m > 0; m--)
			Mutate(rng, s);
	} else if (kind < 96) { /* one deep statement */
		s = (rng.Chance(50) ? "-- migrate:up\n" : "") + DeepStatement(rng);
		for (std::size_t m = rng.Range(0, 2); m > 0; m--)
			Mutate(rng, s);
	} else {
		s = RandomBytes(rng, rng.LogRange(1, 8192));
	}
	constexpr std::size_t kMaxInput = 4u << 20;
	if (s.size() > kMaxInput)
		s.resize(kMaxInput);
	return s;
}

/* ---------- the server ---------- */

using Conn = std::unique_ptr<PGconn, decltype(&PQfinish)>;
using Result = std::unique_ptr<PGresult, decltype(&PQclear)>;

void
IgnoreNotice(void *, const PGresult *)
{}

Conn
Connect(const std::string &db)
{
	const char *keys[] = {"dbname", "application_name", nullptr};
	const char *values[] = {db.empty() ? nullptr : db.c_str(), "pg_migrate server_fuzz", nullptr};
	Conn conn(PQconnectdbParams(keys, values, 0), PQfinish);
	if (PQstatus(conn.get()) == CONNECTION_OK)
		PQsetNoticeReceiver(conn.get(), IgnoreNotice, nullptr);
	return conn;
}

bool
Exec(PGconn *conn, const std::string &sql, std::string *value = nullptr)
{
	Result r(PQexec(conn, sql.c_str()), PQclear);
	ExecStatusType st = PQresultStatus(r.get());
	if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
		std::fprintf(stderr, "server_fuzz: %s: %s", sql.c_str(), PQerrorMessage(conn));
		return false;
	}
	if (value != nullptr)
		*value = st == PGRES_TUPLES_OK && PQntuples(r.get()) > 0 ? PQgetvalue(r.get(), 0, 0) : "";
	return true;
}

/* One fuzz database and its session; ident is "backend pid / postmaster start" of the session. */
struct Target {
	std::string db, encoding;
	Conn conn{nullptr, PQfinish};
	std::string ident;
	long next_version = 1;
};

const char *kIdentQuery = "SELECT pg_backend_pid() || ' / ' || pg_postmaster_start_time()";

bool
OpenSession(Target &t, int timeout_ms)
{
	t.conn = Connect(t.db);
	if (PQstatus(t.conn.get()) != CONNECTION_OK) {
		std::fprintf(stderr, "server_fuzz: cannot connect to %s: %s", t.db.c_str(), PQerrorMessage(t.conn.get()));
		return false;
	}
	/* Keep tens of thousands of expected errors, some with megabytes of query, out of the server log
	 * (superuser only; a crash is still logged by the postmaster). */
	for (const char *quiet : {"SET log_min_messages = fatal", "SET log_min_error_statement = panic"})
		Result(PQexec(t.conn.get(), quiet), PQclear);
	return Exec(t.conn.get(), "SET synchronous_commit = off") &&
	       Exec(t.conn.get(), "SET statement_timeout = " + std::to_string(timeout_ms)) &&
	       Exec(t.conn.get(), "SET client_min_messages = error") && Exec(t.conn.get(), kIdentQuery, &t.ident);
}

/* Creates the database with the extension and a few objects the templates name, then opens the session. */
bool
CreateTarget(PGconn *admin, Target &t, int timeout_ms)
{
	if (!Exec(admin, "DROP DATABASE IF EXISTS " + t.db) ||
	    !Exec(admin, "CREATE DATABASE " + t.db + " TEMPLATE template0 ENCODING '" + t.encoding +
	                     "' LC_COLLATE 'C' LC_CTYPE 'C'"))
		return false;
	Conn setup = Connect(t.db);
	if (PQstatus(setup.get()) != CONNECTION_OK) {
		std::fprintf(stderr, "server_fuzz: cannot connect to %s: %s", t.db.c_str(), PQerrorMessage(setup.get()));
		return false;
	}
	const char *objects = "CREATE EXTENSION pg_migrate;"
	                      "CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');"
	                      "CREATE TABLE accounts (id bigint PRIMARY KEY, email text, plan varchar(20), "
	                      "  created timestamptz, mood mood);"
	                      "ALTER TABLE accounts ADD CONSTRAINT accounts_email_nn CHECK (email IS NOT NULL);"
	                      "CREATE TABLE projects (id uuid PRIMARY KEY, account_id integer, title text);"
	                      "CREATE INDEX projects_account ON projects (account_id);";
	return Exec(setup.get(), objects) && OpenSession(t, timeout_ms);
}

/* One call: which function, how the script travels, and the script. */
struct Call {
	long number;
	bool lint;
	bool as_bytea;
	std::string script;
};

struct Stats {
	long sent = 0, ok = 0, lint = 0, reg = 0, bytea = 0;
	std::size_t bytes = 0, largest = 0;
	std::map<std::string, long> codes;
	std::map<std::string, std::string> samples;          /* first message per SQLSTATE */
	std::vector<std::pair<double, std::string>> slowest; /* seconds between results, and which input */
};

bool
NeedsBytea(const std::string &s)
{
	return s.find('\0') != std::string::npos;
}

/* Queues one call on t's pipeline, with a Sync so it is its own transaction. */
bool
SendCall(Target &t, const Call &c)
{
	const char *sql;
	std::string version = std::to_string(t.next_version++);
	const char *stream = "fuzz", *name = "fuzz";
	if (c.lint)
		sql = c.as_bytea
		          ? "SELECT count(*) FROM migrate.lint(convert_from($1::bytea, pg_catalog.getdatabaseencoding()))"
		          : "SELECT count(*) FROM migrate.lint($1)";
	else
		sql = c.as_bytea ? "SELECT migrate.register($2, $3, $4, convert_from($1::bytea, "
		                   "pg_catalog.getdatabaseencoding()))"
		                 : "SELECT migrate.register($2, $3, $4, $1)";
	const char *values[] = {c.script.c_str(), stream, version.c_str(), name};
	int lengths[] = {static_cast<int>(c.script.size()), 0, 0, 0};
	int formats[] = {c.as_bytea ? 1 : 0, 0, 0, 0};
	int n = c.lint ? 1 : 4;
	return PQsendQueryParams(t.conn.get(), sql, n, nullptr, values, lengths, formats, 0) == 1 &&
	       PQpipelineSync(t.conn.get()) == 1;
}

/*
 * Sends calls as one pipeline and reads every result. Returns false when the
 * session was lost; *in_flight is then the index of the first call without a result.
 */
bool
RunBatch(Target &t, const std::vector<Call> &calls, Stats &stats, std::size_t *in_flight)
{
	PGconn *conn = t.conn.get();
	*in_flight = 0;
	if (PQenterPipelineMode(conn) != 1 || PQsetnonblocking(conn, 1) != 0)
		return false;
	for (const Call &c : calls)
		if (!SendCall(t, c))
			return false;
	std::size_t syncs = 0, answered = 0;
	bool lost = false;
	auto last = std::chrono::steady_clock::now();
	while (syncs < calls.size() && !lost) {
		int flush = PQflush(conn);
		if (flush < 0)
			break;
		pollfd pfd{PQsocket(conn), static_cast<short>(POLLIN | (flush == 1 ? POLLOUT : 0)), 0};
		if (poll(&pfd, 1, 1000) < 0)
			continue;
		if ((pfd.revents & (POLLIN | POLLERR | POLLHUP)) != 0 && PQconsumeInput(conn) != 1)
			lost = true;
		bool last_null = false;
		while (syncs < calls.size() && PQisBusy(conn) == 0) {
			Result r(PQgetResult(conn), PQclear);
			if (r == nullptr) {
				if (last_null)
					break;
				last_null = true;
				continue;
			}
			last_null = false;
			ExecStatusType st = PQresultStatus(r.get());
			if (st == PGRES_PIPELINE_SYNC) {
				syncs++;
				continue;
			}
			if (answered >= calls.size())
				continue;
			const Call &c = calls[answered++];
			auto now = std::chrono::steady_clock::now();
			double took = std::chrono::duration<double>(now - last).count();
			last = now;
			if (stats.slowest.size() < 5 || took > stats.slowest.back().first) {
				stats.slowest.emplace_back(took, "input " + std::to_string(c.number) + " (" +
				                                     (c.lint ? "lint" : "register") + ", " +
				                                     std::to_string(c.script.size()) + " bytes)");
				std::sort(stats.slowest.rbegin(), stats.slowest.rend());
				if (stats.slowest.size() > 5)
					stats.slowest.pop_back();
			}
			stats.sent++;
			(c.lint ? stats.lint : stats.reg)++;
			stats.bytea += c.as_bytea ? 1 : 0;
			stats.bytes += c.script.size();
			stats.largest = std::max(stats.largest, c.script.size());
			if (st == PGRES_TUPLES_OK || st == PGRES_COMMAND_OK) {
				stats.ok++;
				continue;
			}
			const char *code = PQresultErrorField(r.get(), PG_DIAG_SQLSTATE);
			std::string sqlstate = code != nullptr ? code : "lost";
			stats.codes[sqlstate]++;
			if (stats.samples.count(sqlstate) == 0) {
				std::string message = PQresultErrorMessage(r.get());
				stats.samples[sqlstate] = message.substr(0, 300) + " [input " + std::to_string(c.number) + "]";
			}
			if (code == nullptr || sqlstate.compare(0, 2, "57") == 0 || sqlstate.compare(0, 2, "08") == 0) {
				if (sqlstate != "57014") /* a statement timeout is an answer, not a lost session */
					lost = true;
			}
		}
		if (PQstatus(conn) == CONNECTION_BAD)
			lost = true;
	}
	*in_flight = answered;
	if (lost || syncs < calls.size())
		return false;
	PQsetnonblocking(conn, 0);
	if (PQexitPipelineMode(conn) != 1)
		return false;
	std::string ident;
	if (!Exec(conn, kIdentQuery, &ident))
		return false;
	if (ident != t.ident) {
		std::fprintf(stderr, "server_fuzz: session changed: was %s, now %s\n", t.ident.c_str(), ident.c_str());
		return false;
	}
	return true;
}

std::string
Printable(const std::string &s, std::size_t max)
{
	std::string out;
	for (std::size_t i = 0; i < s.size() && i < max; i++) {
		auto c = static_cast<unsigned char>(s[i]);
		if (c == '\n')
			out += "\\n";
		else if (c < 0x20 || c >= 0x7f) {
			char buf[8];
			std::snprintf(buf, sizeof buf, "\\x%02x", c);
			out += buf;
		} else
			out += static_cast<char>(c);
	}
	if (s.size() > max)
		out += "... (" + std::to_string(s.size()) + " bytes)";
	return out;
}

/* Waits until the server takes connections again (after a crash restart). */
bool
WaitForServer(const std::string &db)
{
	for (int i = 0; i < 120; i++) {
		Conn c = Connect(db);
		if (PQstatus(c.get()) == CONNECTION_OK &&
		    PQresultStatus(Result(PQexec(c.get(), "SELECT 1"), PQclear).get()) == PGRES_TUPLES_OK)
			return true;
		std::this_thread::sleep_for(std::chrono::milliseconds(500));
	}
	return false;
}

/* Sends one call on a fresh session; false when the session is lost (the server crashed). */
bool
SurvivesAlone(Target &t, const Call &c, int timeout_ms)
{
	/* a connection made just before the postmaster noticed a crash ends at once: try again */
	bool open = false;
	for (int attempt = 0; attempt < 5 && !open; attempt++) {
		if (attempt > 0)
			std::this_thread::sleep_for(std::chrono::seconds(1));
		open = WaitForServer(t.db) && OpenSession(t, timeout_ms);
	}
	if (!open)
		return true; /* cannot tell */
	Stats scratch;
	std::size_t in_flight = 0;
	return RunBatch(t, {c}, scratch, &in_flight);
}

void
WriteFile(const std::filesystem::path &path, const std::string &data)
{
	std::ofstream out(path, std::ios::binary);
	out.write(data.data(), static_cast<std::streamsize>(data.size()));
}

/* After a lost session: saves the batch, then replays it call by call to find the input that crashes. */
void
ReportCrash(const Options &opt, Target &t, const std::vector<Call> &calls, std::size_t in_flight)
{
	std::filesystem::path dir = opt.save_dir.empty() ? std::filesystem::temp_directory_path() /
	                                                       ("pg_migrate_server_fuzz-" + std::to_string(opt.seed) + "-" +
	                                                        std::to_string(calls.empty() ? 0 : calls.front().number))
	                                                 : std::filesystem::path(opt.save_dir);
	std::filesystem::create_directories(dir);
	for (const Call &c : calls)
		WriteFile(dir / ("input-" + std::to_string(c.number) + ".sql"), c.script);
	std::string when = in_flight < calls.size() ? "while input " + std::to_string(calls[in_flight].number) +
	                                                  " was in flight in database " + t.db
	                                            : "during a batch sent to database " + t.db;
	std::fprintf(stderr, "server_fuzz: SESSION LOST (a backend crashed?) %s; batch saved in %s\n", when.c_str(),
	             dir.c_str());
	std::vector<std::size_t> order;
	if (in_flight < calls.size())
		order.push_back(in_flight);
	for (std::size_t i = 0; i < calls.size(); i++)
		if (i != in_flight)
			order.push_back(i);
	for (std::size_t i : order) {
		const Call &c = calls[i];
		if (SurvivesAlone(t, c, opt.timeout_ms))
			continue;
		std::filesystem::path file = dir / ("crash-" + std::to_string(c.number) + ".sql");
		WriteFile(file, c.script);
		std::fprintf(stderr,
		             "server_fuzz: input %ld alone loses the session: migrate.%s() in %s, script %s, %zu bytes, "
		             "saved as %s\n  reproduce: server_fuzz --replay %s\n  starts: %s\n",
		             c.number, c.lint ? "lint" : "register", t.db.c_str(), c.as_bytea ? "as bytea" : "as text",
		             c.script.size(), file.c_str(), file.c_str(), Printable(c.script, 400).c_str());
		return;
	}
	std::fprintf(stderr, "server_fuzz: no single input of the batch loses the session on its own\n");
}

void
PrintStats(const Stats &stats, double seconds, bool verbose)
{
	std::printf("server_fuzz: %ld scripts sent (%ld lint, %ld register, %ld as bytea; %.1f MB, largest %zu bytes) "
	            "in %.1f s\n",
	            stats.sent, stats.lint, stats.reg, stats.bytea, static_cast<double>(stats.bytes) / (1 << 20),
	            stats.largest, seconds);
	std::map<std::string, std::pair<long, std::string>> classes;
	for (const auto &[code, count] : stats.codes) {
		auto &cls = classes[code == "lost" ? code : code.substr(0, 2)];
		cls.first += count;
		cls.second += (cls.second.empty() ? "" : " ") + code + ":" + std::to_string(count);
	}
	std::printf("  ok: %ld\n", stats.ok);
	for (const auto &[cls, entry] : classes)
		std::printf("  errors of class %s: %ld (%s)\n", cls.c_str(), entry.first, entry.second.c_str());
	if (verbose)
		for (const auto &[took, which] : stats.slowest)
			std::printf("  slow: %.3f s %s\n", took, which.c_str());
	for (const auto &[code, message] : stats.samples)
		/* the server's own failures, program limits and timeouts deserve a look */
		if (verbose || code.compare(0, 2, "XX") == 0 || code.compare(0, 2, "54") == 0 || code == "57014" ||
		    code.compare(0, 2, "53") == 0)
			std::printf("  first %s: %s\n", code.c_str(), Printable(message, 400).c_str());
}

[[noreturn]] void
Usage(const char *prog, int code)
{
	std::fprintf(code == 0 ? stdout : stderr,
	             "usage: %s [--iterations N] [--seed N] [--batch N] [--db NAME] [--timeout-ms N] [--keep]\n"
	             "          [--verbose] [--save-dir DIR] [--dump N] [--replay FILE...]\n"
	             "Sends N (default 20000) mutated migration scripts to migrate.lint() and migrate.register()\n"
	             "on the server named by PG* and fails when a backend crashes. --dump N writes input N of\n"
	             "the seed to stdout; --replay sends the given files instead of generated inputs.\n",
	             prog);
	std::exit(code);
}

Options
ParseOptions(int argc, char **argv)
{
	Options opt;
	for (int i = 1; i < argc; i++) {
		std::string a = argv[i];
		auto value = [&]() -> std::string {
			if (i + 1 >= argc)
				Usage(argv[0], 2);
			return argv[++i];
		};
		try {
			if (a == "--iterations")
				opt.iterations = std::stol(value());
			else if (a == "--seed")
				opt.seed = std::stoull(value());
			else if (a == "--batch")
				opt.batch = std::max(1, std::stoi(value()));
			else if (a == "--db")
				opt.db = value();
			else if (a == "--timeout-ms")
				opt.timeout_ms = std::stoi(value());
			else if (a == "--verbose" || a == "-v")
				opt.verbose = true;
			else if (a == "--keep")
				opt.keep = true;
			else if (a == "--save-dir")
				opt.save_dir = value();
			else if (a == "--dump")
				opt.dump = std::stol(value());
			else if (a == "--replay")
				while (i + 1 < argc && argv[i + 1][0] != '-')
					opt.replay.push_back(argv[++i]);
			else if (a == "--help" || a == "-h")
				Usage(argv[0], 0);
			else
				Usage(argv[0], 2);
		} catch (const std::logic_error &) {
			Usage(argv[0], 2);
		}
	}
	bool db_ok = !opt.db.empty() && std::all_of(opt.db.begin(), opt.db.end(), [](char c) {
		return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_';
	});
	if (!db_ok) {
		std::fprintf(stderr, "server_fuzz: --db must be lower-case letters, digits and '_'\n");
		std::exit(2);
	}
	return opt;
}

} // namespace

int
main(int argc, char **argv)
{
	Options opt = ParseOptions(argc, argv);
	if (opt.dump >= 0) {
		std::string s = MakeInput(opt.seed, opt.dump);
		std::fwrite(s.data(), 1, s.size(), stdout);
		return 0;
	}

	Conn admin = Connect("");
	if (PQstatus(admin.get()) != CONNECTION_OK) {
		std::fprintf(stderr, "server_fuzz: cannot connect (PG* environment): %s", PQerrorMessage(admin.get()));
		return 2;
	}
	PQsetNoticeReceiver(admin.get(), IgnoreNotice, nullptr);
	std::vector<Target> targets(2);
	targets[0].db = opt.db;
	targets[0].encoding = "UTF8";
	targets[1].db = opt.db + "_ascii";
	targets[1].encoding = "SQL_ASCII";
	for (Target &t : targets)
		if (!CreateTarget(admin.get(), t, opt.timeout_ms))
			return 2;

	/* the calls of the run: generated from the seed, or the files to replay (each to lint and register) */
	std::vector<Call> all;
	if (!opt.replay.empty()) {
		long n = 0;
		for (const std::string &file : opt.replay) {
			std::ifstream in(file, std::ios::binary);
			if (!in) {
				std::fprintf(stderr, "server_fuzz: cannot read %s\n", file.c_str());
				return 2;
			}
			std::string script((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
			for (bool lint : {true, false})
				for (bool bytea : {false, true})
					if (bytea || !NeedsBytea(script))
						all.push_back({n++, lint, bytea, script});
		}
	}

	auto start = std::chrono::steady_clock::now();
	Stats stats;
	int exit_code = 0;
	long total = opt.replay.empty() ? opt.iterations : static_cast<long>(all.size());
	for (long first = 0, batch_no = 0; first < total; first += opt.batch, batch_no++) {
		std::vector<Call> calls;
		for (long i = first; i < std::min(total, first + opt.batch); i++) {
			if (!opt.replay.empty()) {
				calls.push_back(all[static_cast<std::size_t>(i)]);
				continue;
			}
			std::string script = MakeInput(opt.seed, i);
			Rng pick(opt.seed ^ SplitMix(static_cast<std::uint64_t>(i)));
			bool lint = pick.Chance(50);
			bool bytea = NeedsBytea(script) || pick.Chance(25);
			calls.push_back({i, lint, bytea, std::move(script)});
		}
		Target &t = targets[static_cast<std::size_t>(batch_no) % targets.size()];
		std::size_t in_flight = 0;
		if (!RunBatch(t, calls, stats, &in_flight)) {
			ReportCrash(opt, t, calls, in_flight);
			exit_code = 1;
			break;
		}
		/* the other session must have survived the batch too (a crash ends every session) */
		for (Target &other : targets) {
			std::string ident;
			if (!Exec(other.conn.get(), kIdentQuery, &ident) || ident != other.ident) {
				std::fprintf(stderr, "server_fuzz: session of %s lost during batch %ld: server restarted\n",
				             other.db.c_str(), batch_no);
				ReportCrash(opt, t, calls, in_flight);
				exit_code = 1;
				break;
			}
		}
		if (exit_code != 0)
			break;
	}
	double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
	PrintStats(stats, seconds, opt.verbose);
	if (exit_code == 0) {
		std::printf("server_fuzz: seed %llu: no backend crashed (postmaster %s)\n",
		            static_cast<unsigned long long>(opt.seed),
		            targets[0].ident.substr(targets[0].ident.find('/') + 2).c_str());
		if (!opt.keep) {
			for (Target &t : targets) {
				t.conn.reset();
				Exec(admin.get(), "DROP DATABASE IF EXISTS " + t.db);
			}
		}
	} else {
		std::printf("server_fuzz: seed %llu: FAILED, a backend crashed (see above)\n",
		            static_cast<unsigned long long>(opt.seed));
	}
	return exit_code;
}
