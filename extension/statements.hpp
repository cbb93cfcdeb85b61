/*
 * statements.hpp — splitting a section into statements with PostgreSQL's own
 * parser, and classifying what each statement needs from its transaction.
 */
#pragma once

#include <string>
#include <vector>

struct List; /* PostgreSQL's (nodes/pg_list.h), handed out opaque */

namespace pgmigrate {

/* How a statement relates to transactions. */
enum class TxKind {
	Ordinary,           /* runs anywhere */
	TransactionControl, /* BEGIN, COMMIT, ROLLBACK, SAVEPOINT, ... */
	NoTransaction,      /* cannot run inside a transaction block (CONCURRENTLY, VACUUM, ...) */
	ClientData,         /* COPY ... FROM STDIN: needs data only a client can send */
	ClientOutput,       /* COPY ... TO STDOUT: sends data only a client could take */
	SessionControl,     /* SET ROLE, SET SESSION AUTHORIZATION, DISCARD: changes who or what runs the rest */
};

struct Statement {
	int number = 0;         /* 1-based within its section */
	int line = 0;           /* file line where the statement's first token stands */
	std::string sql;        /* the statement without leading comments or trailing ';' */
	std::size_t offset = 0; /* where sql starts in the section's text */
	std::size_t gap_from =
	    0;           /* where the previous statement's text ends (its ';' and comments follow); 0 for the first */
	std::string tag; /* command tag, e.g. "CREATE INDEX" */
	TxKind kind = TxKind::Ordinary;
	/* BEGIN / START TRANSACTION, COMMIT / END without options: a file's own transaction (transaction_policy.hpp) */
	bool plain_begin = false, plain_commit = false;
	bool returns_rows = false;
	/* ALTER TYPE ... ADD VALUE: the new value is usable only once its transaction commits (55P04). */
	bool adds_enum_value = false;
	/* The existing relation whose lock the statement waits for (ALTER TABLE, CREATE INDEX, ...). */
	std::string target_schema, target_name;
	/* CREATE INDEX CONCURRENTLY: the index it builds, which a failure leaves INVALID. */
	std::string index_schema, index_name;
};

/* Where a section comes from, for error messages. */
struct SectionOrigin {
	std::string where; /* "schema/20260101120000_add_users (migrations/2026..._add_users.sql)" */
	const char *section = "up";
	int first_line = 1;
};

/* "stream/version_name", plus " (source)" when the file is known. */
std::string DescribeMigration(const std::string &label, const std::string &source);

/*
 * Splits sql into statements with raw_parser. A syntax error is raised with
 * its own SQLSTATE, a caret in the section text and the file line in its
 * context.
 */
std::vector<Statement> SplitStatements(const std::string &sql, const SectionOrigin &origin);
/* The same, also handing out raw_parser's List of RawStmt (one per statement), so lint walks it without parsing again.
 */
std::vector<Statement> SplitStatements(const std::string &sql, const SectionOrigin &origin, ::List **raw_statements);

/* Line of the character position pos (1-based) inside text that starts at first_line. */
int LineAtPosition(const std::string &text, int first_line, int pos);

} // namespace pgmigrate
