/*
 * script.hpp — the pg_migrate file format: versions, sections and directives.
 *
 * Pure C++ with no PostgreSQL or libpq headers. The extension and the client
 * compile this same code, so a file the client refuses (exit 2) is exactly a
 * file the server would refuse (MG002), and both parse it the same way. It is
 * also the target of the libFuzzer harness, so it must never crash on any
 * input: every problem is reported by throwing ScriptError.
 */
#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace pgmigrate {

/* A problem in a migration script or name; line is 1-based, 0 when none applies. */
class ScriptError : public std::runtime_error {
public:
	ScriptError(int line, const std::string &message) : std::runtime_error(message), line(line) {}
	int line;
};

/* One section of a script (up, down or verify) as it appears in the file. */
struct Section {
	bool present = false;
	std::string sql;    /* the section's text, directive lines excluded */
	int first_line = 0; /* file line of the first line of sql */
};

/*
 * "-- migrate:no-transaction if-needed[-between-breakpoints]": the translation
 * of a Prisma, Flyway or Drizzle file says that the migration runs without a
 * transaction exactly when one of its statements cannot run in one, as that
 * tool would run it. Which statements those are is the server's decision
 * (statements.cpp); see transaction_policy.hpp.
 */
enum class NoTransactionIf {
	kNever,                   /* the native format: a directive is the contract */
	kNeeded,                  /* prisma, flyway */
	kNeededBetweenBreakpoints /* drizzle: such a statement must be alone between --> statement-breakpoint lines */
};

/*
 * The directives a migration keeps as they were parsed: register() stores
 * them in migrate.migrations (catalog.hpp's MigrationRecord holds the same
 * struct) and apply() reads them back.
 */
struct StoredDirectives {
	bool transactional = true; /* false: -- migrate:no-transaction or -- migrate:up transaction:false */
	bool out_of_order = false;
	std::vector<std::string> requires_; /* "stream:version" (stream filled in when omitted) */
	std::string db_version;             /* empty when none */
	std::vector<std::string> allow;     /* lint rule ids acknowledged */
	std::string lock_timeout;           /* e.g. "2s"; empty when none */
};

struct Script : StoredDirectives {
	Section up, down, verify;
	NoTransactionIf no_transaction_if = NoTransactionIf::kNever;
	/*
	 * "-- migrate:transaction-blocks": BEGIN ... COMMIT blocks anywhere in a
	 * section group statements inside the migration's own transaction, as
	 * the translation of a Prisma file says (Prisma writes its enum rewrite
	 * as such a block in the middle of a migration). Without it only a pair
	 * around the whole section is taken (transaction_policy.hpp).
	 */
	bool transaction_blocks = false;
	/*
	 * "-- migrate:repeatable": when the content changes after it was
	 * applied, register() makes the migration pending again (it runs again
	 * on the next apply) instead of refusing the change (MG001). Implies
	 * out-of-order: it runs again below newer versions of its stream.
	 */
	bool repeatable = false; /* not stored: register() stores it as out_of_order */
	std::string stream;      /* empty when the file names none */
};

/*
 * Parses a whole migration script. default_stream is used to complete a bare
 * version in `requires`. Throws ScriptError naming the line on any problem:
 * unknown or repeated directive, bad directive value, SQL before the first
 * section marker, an up section with nothing in it, a NUL byte, invalid UTF-8.
 */
Script ParseScript(std::string_view text, const std::string &default_stream);

/* A migration file name split into its version and name: "20260101_1200_add_users.sql". */
struct FileName {
	std::string version;
	std::string name;
};

/*
 * Splits "<version>_<name>.sql". The version is the leading run of digit
 * groups joined by '_' or '.', up to the first '_' followed by a non-digit.
 * Throws ScriptError (line 0) when there is no version.
 */
FileName ParseFileName(std::string_view file_name);

/* Throws ScriptError unless version is digit groups joined by '_' or '.'. */
void CheckVersion(std::string_view version);

/*
 * A sort key for a version: each group without leading zeros, left-padded to
 * a fixed width, joined by '.'. Keys compare bytewise in version order, and
 * two versions with the same key ("0010", "10") are the same version.
 */
std::string VersionKey(std::string_view version);

/*
 * VersionKey for semantic versions (db-version, compatibility matrix):
 * trailing zero groups do not count, so 1.2 and 1.2.0 are the same version.
 */
std::string SemanticVersionKey(std::string_view version);

/* Compares two versions group by group as numbers: <0, 0, >0. */
int CompareVersions(std::string_view a, std::string_view b);

/* Throws ScriptError unless name is a valid stream name ([a-z0-9_-], 1..63). */
void CheckStreamName(std::string_view name);

/* True when text is well-formed UTF-8 with no NUL byte; else sets *bad_offset. */
bool IsCleanUtf8(std::string_view text, std::size_t *bad_offset);

/*
 * True when the text has something besides blank lines and "--" comment
 * lines (blanks: space, tab, CR). The up section must (ParseScript); a
 * layout's file without it gets a statement added (TranslateScript).
 */
bool HasSql(std::string_view sql);

} // namespace pgmigrate
