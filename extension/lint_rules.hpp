/*
 * lint_rules.hpp — the table of lint rules (ARCHITECTURE.md §8): every rule
 * id with what kind of problem it names, which decides its severity, whether
 * the database's contents decide it (lint_here.hpp), and what other linters
 * call it. Pure C++: the rule logic the walk (lint.cpp) and the client share.
 */
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace pgmigrate {

enum class RuleKind {
	kDataLoss,   /* loses data or breaks on a populated table: an error unless acknowledged */
	kCannotWork, /* the statement cannot run as written: an error, also in down sections, never suppressed */
	kLocking,    /* a lock or a rewrite: a warning, an error with pg_migrate.lint_strict */
	kAdvice      /* a warning only */
};

struct LintRule {
	const char *id;
	RuleKind kind;
	bool depends_on_data; /* blocks only against a table with rows (with the locking rules, lint_here.hpp) */
};

/* Every rule, in the README's order. */
const std::vector<LintRule> &LintRules();

/* The rule named id; nullptr for an unknown id. */
const LintRule *FindRule(std::string_view id);

/* "error" or "warning" for a finding of rule id (strict: pg_migrate.lint_strict is on). */
const char *RuleSeverity(std::string_view id, bool strict);

/* The rules that cannot work: reported in down sections too, never acknowledged by another linter's comment. */
bool CannotWork(std::string_view id);

/* Whether whether it blocks depends on the rows of the tables it names (lint_here.hpp). */
bool DependsOnDataRule(std::string_view id);

/*
 * The rules another linter's name stands for in its suppression comment
 * (squawk's rule names, atlas's analyzers and checks, lower-cased), or
 * pg_migrate's own id, but never a rule that cannot work.
 */
std::vector<std::string> RulesForForeignName(const std::string &name);

} // namespace pgmigrate
