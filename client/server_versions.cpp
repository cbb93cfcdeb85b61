/* server_versions.cpp — the client/server version rule (see server_versions.hpp). */
#include "server_versions.hpp"

#include "script.hpp"

namespace pgmigrate::client {

bool
AtLeast(const std::string &version, const char *minimum)
{
	try {
		return CompareVersions(version, minimum) >= 0;
	} catch (const ScriptError &) {
		return false;
	}
}

std::optional<std::string>
VersionProblem(const ServerVersions &versions, bool needs_repeatable)
{
	bool newer_catalog = false;
	try {
		newer_catalog = CompareVersions(versions.catalog, versions.library) > 0;
	} catch (const ScriptError &) {
		newer_catalog = versions.catalog != versions.library;
	}
	if (newer_catalog)
		return "the pg_migrate catalog of this database (" + versions.catalog +
		       ") is newer than the pg_migrate library the server loaded (" + versions.library +
		       "); install the library of version " + versions.catalog +
		       " on the server (bash scripts/build_extension.sh $(pg_config)) and reconnect";
	if (needs_repeatable && !AtLeast(versions.library, kRepeatableLibrary))
		return std::string("the folders hold repeatable migrations (-- migrate:repeatable, Flyway's R__ files), which "
		                   "the pg_migrate library on the server (") +
		       versions.library + ") does not know; install pg_migrate " + kRepeatableLibrary +
		       " or newer on the server, then run pg_migrate install (ALTER EXTENSION pg_migrate UPDATE)";
	return std::nullopt;
}

} // namespace pgmigrate::client
