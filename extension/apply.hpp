/*
 * apply.hpp — migrate.apply(): plan pending migrations and run them.
 */
#pragma once

#include "pg_api.hpp"

#include <string>
#include <vector>

namespace pgmigrate {

struct ApplyRequest {
	Value stream, target;
	bool dry_run = false;
	std::string on_error = "raise";
};

struct ApplyRow {
	std::string stream, version, name, outcome;
	double duration_ms = 0;
};

std::vector<ApplyRow> ApplyMigrations(const ApplyRequest &req);

} // namespace pgmigrate
