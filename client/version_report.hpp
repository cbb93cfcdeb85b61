/*
 * version_report.hpp — what `pg_migrate version` shows, from the versions
 * the server reported and the answers to --check: pure, so it is
 * unit-tested. commands/version.cpp asks the server and renders this.
 */
#pragma once

#include <nlohmann/json.hpp>

#include <optional>
#include <string>
#include <vector>

namespace pgmigrate::client {

struct VersionFacts {
	std::optional<std::string> db_version; /* migrate.db_version(); nullopt: none declared */
	std::string extension_version;         /* pg_extension.extversion: the SQL objects */
	std::string library_version;           /* migrate.version(): the loaded library */
	std::string client_version;            /* PG_MIGRATE_VERSION */
	std::string server_version;
	std::string applied; /* count of applied migrations, as the server wrote it */
};

/* One --check COMPONENT=VERSION and the server's answer. */
struct CheckOutcome {
	std::string component, version;
	bool compatible = false;
	std::string why; /* when not compatible: the matrix's reason */
};

/* Remarks for the human: the library and the SQL objects differ, the client and the library differ. */
std::vector<std::string> VersionNotes(const VersionFacts &facts);

/* The aligned "label  value" lines, one per fact and one per check. */
std::string VersionText(const VersionFacts &facts, const std::vector<CheckOutcome> &checks);

/* The JSON document's fields of the facts (db_version, extension_version, ..., applied). */
nlohmann::json VersionJson(const VersionFacts &facts);
/* Its "checks" field. */
nlohmann::json ChecksJson(const std::vector<CheckOutcome> &checks);

/* "api 2.0.0: why" of each incompatible check; empty when every check passed. */
std::vector<std::string> Incompatible(const std::vector<CheckOutcome> &checks);

/* The error message of exit 4 for incompatible (not empty). */
std::string IncompatibleMessage(const VersionFacts &facts, const std::vector<std::string> &incompatible);

} // namespace pgmigrate::client
