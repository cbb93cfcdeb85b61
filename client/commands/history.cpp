/* history.cpp — `pg_migrate history [--limit N]`: newest entries of migrate.history. */
#include "commands.hpp"

#include "exit_codes.hpp"
#include "rows.hpp"
#include "session.hpp"

#include <optional>

namespace pgmigrate::client {

namespace {

struct HistoryOptions {
	long limit = 50;
};

void
AddHistoryOptions(CLI::App &command, HistoryOptions &options)
{
	command.add_option("--limit", options.limit, "number of entries (default 50)")->check(CLI::NonNegativeNumber);
}

} // namespace

int
RunHistory(const GlobalOptions &global, const HistoryOptions &options, Output &out)
{
	Connection conn = OpenSession(global, out);
	std::optional<Result> result;
	try {
		result.emplace(
		    conn.Exec("SELECT * FROM migrate.history ORDER BY id DESC LIMIT $1", {std::to_string(options.limit)}));
	} catch (const SqlError &e) {
		RethrowCatalogError(e, conn);
	}
	if (out.Json()) {
		out.Doc()["history"] = out.Raw(RowsJsonText(*result));
		return kExitOk;
	}
	out.Print(ResultTable(*result, {"id", "stream", "version", "name", "action", "status", "started_at", "duration_ms",
	                                "sqlstate", "message"})
	              .Render());
	return kExitOk;
}

const Command kHistoryCommand = {"history", "newest entries of the migration history",
                                 WithOptions<HistoryOptions, AddHistoryOptions, RunHistory>, ManyDatabases::kRefused};

} // namespace pgmigrate::client
