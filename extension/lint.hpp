/*
 * lint.hpp — migration lint with the server's own parser (ARCHITECTURE.md §8).
 *
 * Every statement is classified from its raw parse tree; the lock it takes
 * is the one PostgreSQL itself decides (AlterTableGetLockLevel for ALTER
 * TABLE). Findings name the safe alternative.
 */
#pragma once

#include "statements.hpp"

#include <string>
#include <vector>

namespace pgmigrate {

struct Finding {
	int statement = 0;
	int line = 0;
	std::string rule, severity, lock_mode, message;
};

struct LintScope {
	bool transactional = true; /* the migration runs in a transaction */
	bool fatal_only = false;   /* down sections: only rules that cannot work */
};

/* Lints one section. Syntax errors are raised as by SplitStatements. */
std::vector<Finding> LintSection(const std::string &sql, const SectionOrigin &origin, const LintScope &scope);

/* Lints a whole script in the native format (up as transactional unless marked). */
std::vector<Finding> LintScript(const std::string &script);

/* "rule (line N): message" lines of the findings, for errors and notices. */
std::string DescribeFindings(const std::vector<Finding> &findings);

} // namespace pgmigrate
