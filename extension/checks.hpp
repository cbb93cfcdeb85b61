/*
 * checks.hpp — verify(), validate(), db_version() and check_compatibility():
 * questions about the database's migration state that change nothing.
 */
#pragma once

#include "pg_api.hpp"

#include <string>
#include <vector>

namespace pgmigrate {

struct VerifyRow {
	std::string stream, version, name;
	bool ok = true;
	std::string message;
};

/* Runs the verify section of each applied migration, each rolled back. */
std::vector<VerifyRow> VerifyApplied(const Value &stream);

struct Problem {
	std::string severity, check, stream, version, message;
};

/* Every problem with the migration state; empty when healthy. */
std::vector<Problem> Validate();

/* Highest db-version declared by an applied migration; empty when none. */
std::string DatabaseVersion();

/* True when the compatibility matrix allows component at version for the current db_version(). */
bool CheckCompatibility(const std::string &component, const std::string &version);

} // namespace pgmigrate
