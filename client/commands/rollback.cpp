/*
 * rollback.cpp — `pg_migrate rollback [--stream S] [--to V | --steps N |
 * --to-db-version X | --all]`: migrate.rollback(), which runs down sections
 * newest first in one transaction, then the database version it left.
 *
 * Refusals (MG005 no down section, MG007 still required, MG009 unknown stream
 * or version, MG003 a no-transaction migration) change nothing and exit 4
 * with the server's message, DETAIL and HINT; a failing down section exits 1.
 */
#include "commands.hpp"

#include "exit_codes.hpp"
#include "lifecycle.hpp"
#include "rows.hpp"
#include "session.hpp"
#include "stored_content.hpp"
#include "upload.hpp"

#include <map>

namespace pgmigrate::client {

namespace {

/* rollback: at most one of to_version, steps, to_db_version, all (none: one step) */
struct RollbackOptions {
	std::string stream; /* empty: schema (ignored with --to-db-version) */
	std::string to_version;
	int steps = 0; /* 0: not given */
	std::string to_db_version;
	bool all = false;
};

void
AddRollbackOptions(CLI::App &command, RollbackOptions &options)
{
	command.add_option("--stream", options.stream, "stream to roll back (default schema)");
	CLI::Option *to = command.add_option("--to", options.to_version, "keep version V, undo the newer ones");
	CLI::Option *steps =
	    command.add_option("--steps", options.steps, "undo N migrations (default 1)")->check(CLI::PositiveNumber);
	CLI::Option *to_db = command.add_option("--to-db-version", options.to_db_version,
	                                        "undo, in every stream, what was applied after database version X");
	CLI::Option *all = command.add_flag("--all", options.all, "undo every applied migration of the stream");
	to->excludes(steps)->excludes(to_db)->excludes(all);
	steps->excludes(to_db)->excludes(all);
	to_db->excludes(all);
}

} // namespace

namespace {

/* What the user asked for, for the messages. */
std::string
Describe(const RollbackOptions &options, const std::string &stream)
{
	if (!options.to_db_version.empty())
		return "everything applied after database version " + options.to_db_version;
	if (!options.to_version.empty())
		return "stream " + stream + " down to version " + options.to_version;
	if (options.all)
		return "every applied migration of stream " + stream;
	int steps = options.steps > 0 ? options.steps : 1;
	return std::to_string(steps) + (steps == 1 ? " step" : " steps") + " of stream " + stream;
}

} // namespace

int
RunRollback(const GlobalOptions &global, const RollbackOptions &options, Output &out)
{
	std::string stream = options.stream.empty() ? "schema" : options.stream;
	Param to_version = options.to_version.empty() ? Param() : Param(CheckedVersion("--to", options.to_version));
	Param to_db_version =
	    options.to_db_version.empty() ? Param() : Param(CheckedVersion("--to-db-version", options.to_db_version));
	Param steps = options.steps > 0 ? Param(std::to_string(options.steps)) : Param();
	out.Doc()["rolled_back"] = nlohmann::json::array();

	std::vector<MigrationFile> files;
	bool with_files = HasFolders(global);
	Connection conn = with_files ? ConnectWhileLoading(global, out, &files, kRemoteStateSql) : OpenSession(global, out);
	/* Down sections whose stored text is not the file's: the rollback is undone before it commits. */
	std::map<std::pair<std::string, std::string>, std::string> changed;
	if (with_files)
		changed = ChangedAppliedFiles(ReadRemote(conn), files);
	std::optional<Result> result;
	try {
		if (!changed.empty())
			conn.Exec("BEGIN");
		result.emplace(CallExtension(conn,
		                             "SELECT stream, version, name, outcome, duration_ms FROM migrate.rollback("
		                             "stream => $1, to_version => $2, steps => $3::integer, to_db_version => $4, "
		                             "all_applied => $5::boolean)",
		                             {stream, to_version, steps, to_db_version, std::string(options.all ? "t" : "f")}));
		if (!changed.empty()) {
			std::string differing;
			for (int r = 0; r < result->Rows(); r++) {
				auto it = changed.find({result->Get(r, 0), result->Get(r, 1)});
				if (it != changed.end())
					differing += (differing.empty() ? "" : ", ") + it->second;
			}
			if (!differing.empty()) {
				conn.Exec("ROLLBACK");
				throw Failure(kExitValidation,
				              "nothing was rolled back: the server's copy of " + differing +
				                  " differs from the file, so its down section is not the one in the folder (MG001); "
				                  "pg_migrate repair VERSION records the file's content if the change is meant",
				              {{"sqlstate", "MG001"}});
			}
			conn.Exec("COMMIT");
		}
	} catch (const SqlError &e) {
		if (!changed.empty() && !e.connection_lost) {
			try {
				conn.Exec("ROLLBACK");
			} catch (const SqlError &) {
			}
		}
		/* A refusal, before anything ran. MG003 here refuses a no-transaction migration, not a bad file. */
		if (e.sqlstate == "MG003" || ExitCodeForSqlState(e.sqlstate) == kExitValidation) {
			out.Error("error: " + SqlErrorText(e));
			throw Failure(kExitValidation, "nothing was rolled back", SqlErrorJson(e));
		}
		throw;
	}
	out.Doc()["rolled_back"] = out.Raw(RowsJsonText(*result));

	Result version = CallExtension(conn, "SELECT migrate.db_version()");
	std::optional<std::string> db_version = version.GetOptional(0, 0);
	out.Doc()["db_version"] = db_version ? nlohmann::json(*db_version) : nlohmann::json();

	if (result->Rows() == 0) {
		out.Note("nothing to roll back (" + Describe(options, stream) + ")");
		return kExitOk;
	}
	out.Print(ResultTable(*result, {"stream", "version", "name", "outcome", "duration_ms"}).Render());
	std::string summary =
	    "rolled back " + std::to_string(result->Rows()) + (result->Rows() == 1 ? " migration" : " migrations");
	if (db_version)
		summary += "; database version now " + *db_version;
	else if (!options.to_db_version.empty())
		summary += "; no applied migration declares a database version now";
	out.Note(summary);
	return kExitOk;
}

const Command kRollbackCommand = {"rollback", "run down sections, newest first, in one transaction",
                                  WithOptions<RollbackOptions, AddRollbackOptions, RunRollback>,
                                  ManyDatabases::kRefused};

} // namespace pgmigrate::client
