/*
 * reset.cpp — `pg_migrate reset --yes`: for development databases, rolls
 * every stream back completely (down sections, newest first, streams in
 * reverse position order so data goes before the schema it needs), all in
 * one transaction, then deploys the folders again.
 *
 * Refuses without --yes (exit 2). A migration without a down section (MG005)
 * or any other refusal rolls nothing back (exit 4).
 */
#include "commands.hpp"

#include "exit_codes.hpp"
#include "lifecycle.hpp"
#include "rows.hpp"
#include "session.hpp"

#include <algorithm>

namespace pgmigrate::client {

namespace {

struct ResetOptions {
	bool yes = false;
};

void
AddResetOptions(CLI::App &command, ResetOptions &options)
{
	command.add_flag("--yes", options.yes, "yes, roll back everything in this database");
}

} // namespace

int
RunReset(const GlobalOptions &global, const ResetOptions &options, Output &out)
{
	if (!options.yes)
		throw Failure(kExitUsage, "reset rolls back every applied migration of every stream and deploys again; "
		                          "it is meant for development databases: run pg_migrate reset --yes");
	out.Doc()["rolled_back"] = nlohmann::json::array();
	nlohmann::json rolled_back = nlohmann::json::array();
	{
		/* the folders are read (and checked) first: a bad file stops reset before anything is rolled back */
		std::vector<MigrationFile> files;
		Connection conn = ConnectWhileLoading(global, out, &files, "SELECT stream, state FROM migrate.status()");
		std::vector<std::string> streams; /* with applied migrations, in position order */
		try {
			Result state = conn.TakeEarly();
			for (int r = 0; r < state.Rows(); r++)
				if (state.Get(r, 1) != "pending" &&
				    std::find(streams.begin(), streams.end(), state.Get(r, 0)) == streams.end())
					streams.push_back(state.Get(r, 0));
		} catch (const SqlError &e) {
			RethrowCatalogError(e, conn);
		}
		std::reverse(streams.begin(), streams.end());

		Table table;
		Transaction tx(conn); /* a refusal rolls back every stream already rolled back */
		for (const std::string &stream : streams) {
			try {
				Result result = conn.Exec("SELECT stream, version, name, outcome, duration_ms "
				                          "FROM migrate.rollback(stream => $1, all_applied => true)",
				                          {stream});
				Table part = ResultTable(result, {"stream", "version", "name", "outcome", "duration_ms"});
				if (table.headers.empty()) {
					table.headers = part.headers;
					table.right_aligned = part.right_aligned;
				}
				table.rows.insert(table.rows.end(), part.rows.begin(), part.rows.end());
				for (int r = 0; r < result.Rows(); r++)
					rolled_back.push_back(RowJson(result, r));
			} catch (const SqlError &e) {
				/* the transaction is rolled back: nothing stays rolled back */
				if (e.sqlstate == "MG003" || ExitCodeForSqlState(e.sqlstate) == kExitValidation) {
					out.Error("error: " + SqlErrorText(e));
					throw Failure(kExitValidation,
					              "reset refused while rolling back stream " + stream + "; nothing was rolled back",
					              SqlErrorJson(e));
				}
				throw;
			}
		}
		tx.Commit();
		out.Doc()["rolled_back"] = rolled_back;
		if (table.rows.empty())
			out.Note("nothing to roll back: no migration is applied");
		else
			out.Print(table.Render());
	}
	out.Note("deploying again");
	return RunDeploy(global, DeployOptions(), out);
}

const Command kResetCommand = {"reset", "development only: roll every stream back, then deploy again",
                               WithOptions<ResetOptions, AddResetOptions, RunReset>, ManyDatabases::kRefused};

} // namespace pgmigrate::client
