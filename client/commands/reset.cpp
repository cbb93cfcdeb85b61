/*
 * reset.cpp — `pg_migrate reset --yes`: for development databases, rolls
 * every stream back completely (down sections, newest first, streams in
 * reverse position order so data goes before the schema it needs), all in
 * one transaction — one call of migrate.rollback(all_streams => true), the
 * server's order — then deploys the folders again.
 *
 * Refuses without --yes (exit 2). A migration without a down section (MG005)
 * or any other refusal rolls nothing back (exit 4).
 */
#include "commands.hpp"

#include "exit_codes.hpp"
#include "lifecycle.hpp"
#include "rows.hpp"
#include "server_versions.hpp"
#include "session.hpp"
#include "upload.hpp"

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

namespace {

constexpr const char *kRollbackColumns = "SELECT stream, version, name, outcome, duration_ms FROM ";

/*
 * A catalog from before 0.1.6 has no rollback(all_streams => true): the
 * streams with applied migrations, in reverse position order, one call each.
 */
std::vector<Result>
RollbackStreamByStream(Connection &conn, const std::vector<RemoteMigration> &remote)
{
	std::vector<std::string> streams;
	for (const RemoteMigration &m : remote)
		if (m.state != "pending" && std::find(streams.begin(), streams.end(), m.stream) == streams.end())
			streams.push_back(m.stream);
	std::reverse(streams.begin(), streams.end());
	std::vector<Result> results;
	for (const std::string &stream : streams)
		results.push_back(
		    conn.Exec(std::string(kRollbackColumns) + "migrate.rollback(stream => $1, all_applied => true)", {stream}));
	return results;
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
		Connection conn = ConnectWhileLoading(global, out, &files, kRemoteStateSql);
		ServerVersions server;
		std::vector<RemoteMigration> remote = ReadRemote(conn, files, &server);

		std::vector<Result> results;
		try {
			/* the server chooses the order and rolls back in one transaction: a refusal rolls back nothing */
			if (AtLeast(server.catalog, kStreamListsCatalog)) {
				results.push_back(
				    CallExtension(conn, std::string(kRollbackColumns) + "migrate.rollback(all_streams => true)"));
			} else {
				Transaction tx(conn);
				results = RollbackStreamByStream(conn, remote);
				tx.Commit();
			}
		} catch (const SqlError &e) {
			if (e.sqlstate == "MG003" || ExitCodeForSqlState(e.sqlstate) == kExitValidation) {
				out.Error("error: " + SqlErrorText(e));
				throw Failure(kExitValidation, "reset refused; nothing was rolled back", SqlErrorJson(e));
			}
			throw;
		}
		Table table;
		for (const Result &result : results) {
			Table part = ResultTable(result, {"stream", "version", "name", "outcome", "duration_ms"});
			if (table.headers.empty()) {
				table.headers = part.headers;
				table.right_aligned = part.right_aligned;
			}
			table.rows.insert(table.rows.end(), part.rows.begin(), part.rows.end());
			for (int r = 0; r < result.Rows(); r++)
				rolled_back.push_back(RowJson(result, r));
		}
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
