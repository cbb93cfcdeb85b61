/*
 * server_versions.hpp — which pg_migrate the server runs, read in the
 * client's first statement (no extra round trip), and the rule for what
 * this client refuses to work with.
 *
 * Two versions matter: the library the server loaded (migrate.version())
 * and the installed catalog (pg_extension.extversion; migrate.version_sql()
 * is missing before 0.1.1). A catalog older than the library is fine — the
 * client falls back to the calls that catalog has, and pg_migrate install
 * updates it. What cannot work is refused with exit 3 and what to do:
 *  - a catalog newer than the library: it declares functions the loaded
 *    library does not have;
 *  - a folder that needs the file format of a newer library (Flyway's R__
 *    files are translated with -- migrate:repeatable, which register()
 *    understands from 0.1.6 on).
 */
#pragma once

#include <optional>
#include <string>

namespace pgmigrate::client {

struct ServerVersions {
	std::string library; /* migrate.version() */
	std::string catalog; /* extversion of pg_migrate */
};

/* What the client's features need of the server. */
inline constexpr const char *kRepeatableLibrary = "0.1.6";   /* -- migrate:repeatable */
inline constexpr const char *kStreamListsCatalog = "0.1.6";  /* apply(streams => ...), rollback(all_streams => true) */
inline constexpr const char *kRegisterManyCatalog = "0.1.7"; /* register_many(): an upload in one call */

/* True when version is at least minimum (versions compared group by group); an unreadable one is not. */
bool AtLeast(const std::string &version, const char *minimum);

/* Why this client cannot work with these versions (exit 3), with what to do; nullopt when it can. */
std::optional<std::string> VersionProblem(const ServerVersions &versions, bool needs_repeatable);

} // namespace pgmigrate::client
