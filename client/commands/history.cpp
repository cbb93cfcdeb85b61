/* history.cpp — `pg_migrate history [--limit N]`: newest entries of migrate.history. */
#include "commands.hpp"

#include "exit_codes.hpp"
#include "rows.hpp"
#include "session.hpp"

#include <optional>

namespace pgmigrate::client {

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

} // namespace pgmigrate::client
