/*
 * execute.hpp — running a section's statements one at a time.
 */
#pragma once

#include "statements.hpp"
#include "guard.hpp"

#include <string>
#include <vector>

namespace pgmigrate {

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
 * Throws StatementError.
 */
void RunStatements(const std::vector<Statement> &statements, const SectionOrigin &origin, bool is_verify);

} // namespace pgmigrate
