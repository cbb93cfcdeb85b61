/*
 * user_tests.hpp — the tests a team writes, run with PostgreSQL's own
 * programs so the files are ordinary pg_regress / isolation files:
 *
 *   TESTS/sql/NAME.sql + TESTS/expected/NAME.out     pg_regress --use-existing
 *   TESTS/specs/NAME.spec + TESTS/expected/NAME.out  pg_isolation_regress --use-existing
 *
 * Each runs in its own scratch database at its header's `before`
 * (test_header.hpp). In a .sql file the line after the `-- migrate:apply`
 * marker is the generated psql line
 *
 *   \! "$PG_MIGRATE_TEST_APPLY"
 *
 * which runs this program to apply the history up to `after` (waiting for the
 * background runner) and prints what it applied as psql prints a result, or
 * the migration's error as psql prints one — so both land in the expected
 * file like any query's output. In a spec, a line `-- migrate:step
 * STREAM:VERSION` inside a step is replaced by that migration's up section,
 * so the migration runs as one of the spec's sessions.
 *
 * Results go to TESTS/results/NAME.out and the differences to
 * TESTS/regression.diffs, as pg_regress leaves them; --accept copies the
 * results over the expected files.
 */
#pragma once

#include "history_plan.hpp"
#include "prefix_cache.hpp"
#include "report.hpp"

#include <string>
#include <vector>

namespace pgmigrate::client::testing {

struct UserTestOptions {
	std::string tests_dir;  /* --tests (default tests/migrations) */
	std::string pg_regress; /* --pg-regress; empty: looked up */
	bool accept = false;    /* --accept */
};

void RunUserTests(ScratchServer &server, PrefixCache &prefixes, const std::vector<PlannedMigration> &plan,
                  const UserTestOptions &options, Report &report);

/* `pg_migrate test --apply-through STREAM:VERSION|none`, run by the generated psql line in the scratch database. */
int RunApplyStep(Connection &conn, const std::string &through);

} // namespace pgmigrate::client::testing
