/*
 * lint.hpp — migration lint with the server's own parser (ARCHITECTURE.md §8).
 *
 * Every statement is classified from its raw parse tree; the lock it takes
 * is the one PostgreSQL itself decides (AlterTableGetLockLevel for ALTER
 * TABLE). Findings name the safe alternative.
 *
 * Whether a finding about data (drop-column, update-without-where, the
 * locking rules, ...) matters depends on the rows of its table: each such
 * finding names the tables that decide it (targets), and lint_here.hpp asks
 * the database about them when the statement is about to run.
 */
#pragma once

#include "finding_text.hpp"
#include "lint_rules.hpp"
#include "statements.hpp"

#include <optional>
#include <set>
#include <string>
#include <vector>

namespace pgmigrate {

/* A table (or index) as the statement names it; schema empty when not qualified. */
struct RelationName {
	std::string schema, name;
};

struct Finding {
	int statement = 0;
	int line = 0;
	std::string rule, severity, lock_mode, message;
	int lock = 0; /* lock_mode as a LOCKMODE (0: none or not known) */
	/* The relations whose rows decide whether the finding matters; empty when none do. */
	std::vector<RelationName> targets;
	bool cascade = false; /* TRUNCATE ... CASCADE: the tables referencing the targets count too */
	/* An earlier statement of the script (or batch) created, dropped, renamed or truncated a target's name. */
	bool replaced_before = false;
	/* Acknowledged by another linter's comment: -- squawk-ignore, -- squawk-ignore-file, -- atlas:nolint. */
	bool suppressed = false;
	std::string suppressed_by; /* the comment's own words, e.g. "squawk-ignore ban-drop-column" */
};

struct LintScope {
	bool transactional = true; /* the migration runs in a transaction */
	bool fatal_only = false;   /* down sections: only rules that cannot work */
	/*
	 * Names (unqualified, as parsed) of tables that earlier statements of the
	 * batch created, dropped, renamed to or truncated; extended with this
	 * section's. When null, the section counts on its own.
	 */
	std::set<std::string> *replaced = nullptr;
};

/* Lints one section. Syntax errors are raised as by SplitStatements. */
std::vector<Finding> LintSection(const std::string &sql, const SectionOrigin &origin, const LintScope &scope);
/* The same, handing out the section's statements too (apply() runs them without splitting the text again). */
std::vector<Finding> LintSection(const std::string &sql, const SectionOrigin &origin, const LintScope &scope,
                                 std::vector<Statement> *statements_out);

/* A finding of migrate.lint(), with what the script and the database here say about it. */
struct ScriptFinding {
	Finding finding;
	bool allowed = false; /* -- migrate:allow RULE, or another linter's suppression comment */
	/* apply() would refuse it against this database now; unknown (nullopt) when a target is locked by another
	 * session */
	std::optional<bool> blocks_here;
};

/* Lints a whole script in the native format (up as transactional unless marked). */
std::vector<ScriptFinding> LintScript(const std::string &script);

/* "rule (line N): message" lines of the findings, for errors and notices. */
std::string DescribeFindings(const std::vector<Finding> &findings);
/* The findings as finding_text.hpp writes and reads them. */
std::vector<FindingLine> FindingLines(const std::vector<Finding> &findings);

/*
 * The rules whose findings depend on the rows of their tables: they do not
 * block on a table that is empty or was created in the same transaction
 * (lint_here.hpp).
 */
bool DependsOnData(const Finding &finding);

/*
 * Whether apply() would refuse the finding against this database now (the
 * blocks_here column of migrate.lint()); nullopt when a table is locked by
 * another session. Only for findings of the up section that are errors and
 * not acknowledged.
 */
std::optional<bool> BlocksHere(const Finding &finding);

} // namespace pgmigrate
