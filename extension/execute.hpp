/*
 * execute.hpp — running a section's statements one at a time.
 */
#pragma once

#include "statements.hpp"
#include "guard.hpp"

#include <string>
#include <vector>

namespace pgmigrate {

class LintGate;

/* A statement of a migration failed: the server's error plus where it happened. */
class StatementError : public PgException {
public:
	StatementError(ErrorData *edata, std::string statement, int line)
	    : PgException(edata), statement(std::move(statement)), line(line)
	{}
	std::string statement;
	int line;
};

/*
 * Executes each statement through SPI in the caller's transaction, with an
 * error context naming migration, section, statement number and file line.
 * In a verify section a row whose first column is boolean false fails too.
 * With a gate, each statement's lint findings that depend on data are
 * decided right before it runs (lint_here.hpp). Throws StatementError.
 */
void RunStatements(const std::vector<Statement> &statements, const SectionOrigin &origin, bool is_verify,
                   LintGate *gate = nullptr);

/*
 * Runs one statement at top level (background runner), with the same error
 * context as RunStatements. Throws StatementError.
 */
void RunStatementTopLevel(const Statement &statement, const SectionOrigin &origin);

struct Migration;
enum class SectionKind { Up, Down, Verify };

/*
 * Runs one section of a migration at its own GUC nest level, with its
 * lock-timeout directive applied. Up also runs the verify section after it,
 * as one post-condition of the same migration; a gate decides the up
 * section's lint findings that depend on data (apply(), lint_here.hpp).
 */
void RunSection(const Migration &m, SectionKind section, LintGate *gate = nullptr);

/* A cancel or shutdown: never a migration failure to record or report as a row. */
bool IsInterrupt(const ErrorData *edata);

/* True while apply(), rollback() or verify() runs migration SQL in this backend. */
bool ExecutingMigrations();

/*
 * Refuses register(), resolve(), baseline(), repair() and retry() from inside
 * a migration (MG003): the catalog they write is the one the running
 * migration is being recorded in.
 */
void RefuseInsideMigration(const char *what);

/*
 * Refuses to run apply(), rollback() or verify() from inside a migration that
 * one of them is running.
 */
class ReentryGuard {
public:
	explicit ReentryGuard(const char *what);
	~ReentryGuard();
	ReentryGuard(const ReentryGuard &) = delete;
	ReentryGuard &operator=(const ReentryGuard &) = delete;
};

} // namespace pgmigrate
