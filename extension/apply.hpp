/*
 * apply.hpp — migrate.apply(): plan pending migrations and run them.
 */
#pragma once

#include "pg_api.hpp"
#include "stream_selection.hpp"

#include <string>
#include <vector>

namespace pgmigrate {

struct ApplyRequest {
	/* apply(stream => S), or apply(streams => ..., skip_streams => ...): one batch in stream position order */
	StreamSelection streams;
	/* applies to every selected stream: each runs its pending migrations up to this version */
	Value target;
	bool dry_run = false;
	std::string on_error = "raise";
	/*
	 * "stream:version:checksum" of every file the caller read (a deploy): the
	 * plan must match them exactly, and the caller vouches for that content.
	 * Pending migrations in no file are refused unless include_unlisted.
	 * Given by apply_exact(); apply() leaves it empty.
	 */
	std::optional<std::vector<std::string>> expected;
	bool include_unlisted = false;
};

struct ApplyRow {
	std::string stream, version, name, outcome;
	double duration_ms = 0;
};

std::vector<ApplyRow> ApplyMigrations(const ApplyRequest &req);

} // namespace pgmigrate
