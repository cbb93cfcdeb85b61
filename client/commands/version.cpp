/*
 * version.cpp — `pg_migrate version [--check COMPONENT=VERSION]...`: the
 * database's semantic version (migrate.db_version()), the extension's and
 * the client's versions, the server's, and how many migrations are applied.
 * With --check, asks migrate.check_compatibility() whether that software
 * version may run against this database (the migrate.compatibility matrix):
 * exit 4 when not. What is shown is built without a server
 * (version_report.hpp), then rendered as text or JSON.
 */
#include "commands.hpp"

#include "exit_codes.hpp"
#include "lifecycle.hpp"
#include "script.hpp"
#include "session.hpp"
#include "version_report.hpp"

#include <optional>

namespace pgmigrate::client {

namespace {

struct VersionOptions {
	std::vector<std::string> checks; /* COMPONENT=VERSION */
};

void
AddVersionOptions(CLI::App &command, VersionOptions &options)
{
	command.add_option("--check", options.checks, "COMPONENT=VERSION: exit 4 unless compatible (repeatable)")
	    ->take_all()
	    ->allow_extra_args(false);
}

} // namespace

namespace {

struct Check {
	std::string component, version;
};

Check
ParseCheck(const std::string &value)
{
	std::size_t eq = value.find('=');
	Check check;
	if (eq != std::string::npos) {
		check.component = value.substr(0, eq);
		check.version = value.substr(eq + 1);
	}
	bool ok = !check.component.empty();
	try {
		CheckVersion(check.version);
	} catch (const ScriptError &) {
		ok = false;
	}
	if (!ok)
		throw Failure(kExitUsage, "--check " + value + ": expected COMPONENT=VERSION, like api=2.3.0");
	return check;
}

/* Why component is incompatible, from the matrix (when the role may read it). */
std::string
Explain(Connection &conn, const std::string &component, const std::optional<std::string> &db_version, Output &out)
{
	if (!db_version)
		return "the database declares no version yet (no applied migration has -- migrate:db-version)";
	std::optional<Result> rows;
	try {
		rows.emplace(conn.Exec("SELECT db_version, min_version, max_version FROM migrate.compatibility "
		                       "WHERE component = $1",
		                       {component}));
	} catch (const SqlError &e) {
		out.Verbose("cannot read migrate.compatibility: " + std::string(e.what()));
		return "see migrate.compatibility";
	}
	for (int r = 0; r < rows->Rows(); r++) {
		try {
			if (SemanticVersionKey(rows->Get(r, 0)) == SemanticVersionKey(*db_version))
				return "migrate.compatibility allows " + component + " " + rows->Get(r, 1) + " to " + rows->Get(r, 2) +
				       " at database version " + *db_version;
		} catch (const ScriptError &) {
		}
	}
	return "migrate.compatibility has no row for " + component + " at database version " + *db_version;
}

} // namespace

int
RunVersion(const GlobalOptions &global, const VersionOptions &options, Output &out)
{
	std::vector<Check> checks;
	for (const std::string &value : options.checks)
		checks.push_back(ParseCheck(value));

	Connection conn = OpenSession(global, out);
	Result info = CallExtension(
	    conn, "SELECT migrate.db_version() AS db_version, "
	          "(SELECT extversion FROM pg_catalog.pg_extension WHERE extname = 'pg_migrate') AS extension_version, "
	          "migrate.version() AS library_version, "
	          "pg_catalog.current_setting('server_version') AS server_version, "
	          "(SELECT count(*) FROM migrate.status() WHERE state = 'applied') AS applied");
	VersionFacts facts{info.GetOptional(0, 0), info.Get(0, 1), info.Get(0, 2),
	                   PG_MIGRATE_VERSION,     info.Get(0, 3), info.Get(0, 4)};
	out.Doc().update(VersionJson(facts));
	for (const std::string &note : VersionNotes(facts))
		out.Note(note);

	std::vector<CheckOutcome> outcomes;
	for (const Check &check : checks) {
		Result result =
		    CallExtension(conn, "SELECT migrate.check_compatibility($1, $2)", {check.component, check.version});
		CheckOutcome outcome{check.component, check.version, result.Get(0, 0) == "t", ""};
		if (!outcome.compatible)
			outcome.why = Explain(conn, check.component, facts.db_version, out);
		outcomes.push_back(std::move(outcome));
	}

	out.Doc()["checks"] = ChecksJson(outcomes);
	out.Print(VersionText(facts, outcomes));
	std::vector<std::string> incompatible = Incompatible(outcomes);
	if (!incompatible.empty())
		throw Failure(kExitValidation, IncompatibleMessage(facts, incompatible), {{"incompatible", incompatible}});
	return kExitOk;
}

const Command kVersionCommand = {"version", "database version, extension, client and server versions, applied count",
                                 WithOptions<VersionOptions, AddVersionOptions, RunVersion>, ManyDatabases::kRefused};

} // namespace pgmigrate::client
