/*
 * walk.hpp — the checks every history gets, migration by migration, in one
 * scratch database that walks the history from empty:
 *
 *   apply      its up section applies on the state before it (lint refusals
 *              included: apply() decides);
 *   verify     its verify section passes right after it (apply() runs it);
 *   roundtrip  with a down section: down, and the schema is described exactly
 *              as before the up; up again, and it is exactly as after the
 *              first up (what differs is shown object by object);
 *   rerun      no-transaction: marked rolled back without its down and applied
 *              again, over what it already did — a resumed step must be safe.
 *
 * After a failed roundtrip or rerun the walk goes on in a fresh database at
 * the same point (the failing one is kept with --keep); after a failed apply
 * the later migrations cannot be checked and are reported as skipped.
 */
#pragma once

#include "history_plan.hpp"
#include "lint_findings.hpp"
#include "prefix_cache.hpp"
#include "report.hpp"

#include <vector>

namespace pgmigrate::client::testing {

struct WalkOptions {
	bool roundtrip = true; /* --no-roundtrip: false */
};

/* Runs the walk; lint warnings apply() sent on the way are appended to lint_notices. */
void Walk(ScratchServer &server, PrefixCache &prefixes, const std::vector<PlannedMigration> &plan,
          const std::vector<MigrationFile> &files, const WalkOptions &options, Report &report,
          std::vector<LintFinding> *lint_notices);

} // namespace pgmigrate::client::testing
