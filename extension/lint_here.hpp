/*
 * lint_here.hpp — lint findings judged against the database they run on.
 *
 * A migration history deployed into an empty database (a new environment,
 * CI, a laptop) loses nothing by DROP COLUMN or UPDATE without WHERE, and
 * ADD COLUMN ... NOT NULL without a default works there. So the findings of
 * the rules that depend on data (DependsOnData: drop-table, drop-column,
 * truncate, truncate-cascade, delete-without-where, update-without-where,
 * add-not-null-without-default, set-not-null, and the locking rules when
 * pg_migrate.lint_strict makes them errors) block only when a table they
 * name holds rows:
 *
 *  - apply() plans the batch (LintPlan): an error whose tables hold rows now,
 *    and that no earlier statement of the batch may have emptied or replaced
 *    (TRUNCATE, DROP TABLE, CREATE TABLE, RENAME TO, SET SCHEMA of the name),
 *    refuses the whole plan before anything runs (MG004), as it always did;
 *    every other error is kept with its migration (Migration::lint_at_run);
 *  - right before its statement runs (LintGate::Before, which RunStatements
 *    calls in execute.cpp), such an error is decided: it blocks (MG004, the batch is
 *    rolled back) when a table holds rows; otherwise it is a NOTICE, "not
 *    blocking here", and is kept in the migration's history row;
 *  - for a migration the background runner will run after the caller commits
 *    (no-transaction, or queued behind one), it is decided when apply()
 *    queues it (CheckQueuedLint), after the batch's inline part ran.
 *
 * "Holds rows" is decided cheaply and from what is stored, never from what
 * the caller may see (row-level security cannot hide rows from it): a table
 * created in the current transaction (the relcache's rd_createSubid) is new,
 * whatever this transaction put in it; otherwise a table whose main fork has
 * no block is empty, and one with blocks holds rows — a table whose rows were
 * all deleted but that was not vacuumed counts as holding rows. Partitions
 * and inheritance children count with their parent (TRUNCATE ... CASCADE:
 * the tables referencing it too); a foreign table or a view counts as holding
 * rows. An index is judged by its table.
 *
 * Before a statement runs, LintGate takes the lock the statement itself will
 * take on each table, then looks: no other session can add rows between the
 * look and the statement. It does so only when the caller could LOCK TABLE
 * the table in that mode (the privileges lockcmds.c asks for); otherwise the
 * finding blocks. apply()'s plan and migrate.lint() only peek: ACCESS SHARE,
 * taken only when free at once and released right after, as
 * pg_relation_size() takes it; a table another session holds locked is
 * decided later (plan) or not known (lint()).
 */
#pragma once

#include "catalog.hpp"
#include "lint.hpp"

#include <optional>
#include <set>
#include <string>
#include <vector>

namespace pgmigrate {

/* What the database holds for a finding's tables. */
struct HereState {
	enum Kind { kRows, kNoRows, kUnknown };
	Kind kind = kRows;
	/* kNoRows: "accounts is empty", "accounts was created in this transaction", "accounts does not exist" */
	std::string reason;
};

/* Looks at the finding's tables without waiting for a lock (see above). */
HereState PeekTargets(const Finding &finding);

/*
 * Lints the plan before anything runs: refuses errors that block here now
 * (MG004), sends warnings as NOTICEs (kept in lint_warnings), and keeps the
 * errors that depend on data in lint_at_run.
 */
void LintPlan(std::vector<Migration> &plan);

/* Decides a migration's lint_at_run findings as its statements are about to run. */
class LintGate {
public:
	explicit LintGate(const Migration &m) : m_(m) {}
	LintGate(const LintGate &) = delete;
	LintGate &operator=(const LintGate &) = delete;

	/* Before st runs: NOTICE for what does not block, MG004 (as a PgException) for what does. */
	void Before(const Statement &st);

	/* "lint, not blocking here: ..." lines for the history row; empty when none. */
	std::string Passed() const;

private:
	const Migration &m_;
	std::vector<Finding> passed_;
	std::set<std::size_t> decided_;
};

/* A migration apply() hands to the background runner: its lint_at_run findings decided now. */
void CheckQueuedLint(const Migration &m);

/* m.lint_warnings, with what LintGate let pass: the history row's message. */
std::string LintMessage(const Migration &m, const LintGate &gate);

} // namespace pgmigrate
