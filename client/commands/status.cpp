/* status.cpp — `pg_migrate status`: migrate.status() per stream. */
#include "commands.hpp"

#include "exit_codes.hpp"
#include "rows.hpp"
#include "session.hpp"

#include <map>

namespace pgmigrate::client {

int
RunStatus(const GlobalOptions &global, Output &out)
{
	Connection conn = OpenSession(global, out);
	std::optional<Result> result;
	try {
		result.emplace(conn.Exec("SELECT * FROM migrate.status()"));
	} catch (const SqlError &e) {
		RethrowCatalogError(e, conn);
	}
	int stream_column = result->Column("stream"), state_column = result->Column("state");

	/* Group rows by stream, keeping status()'s order (stream position, then version). */
	std::vector<std::string> streams;
	std::map<std::string, std::vector<int>> rows_of;
	for (int r = 0; r < result->Rows(); r++) {
		std::string stream = result->Get(r, stream_column);
		if (rows_of.count(stream) == 0)
			streams.push_back(stream);
		rows_of[stream].push_back(r);
	}

	nlohmann::json json_streams = nlohmann::json::array();
	for (const std::string &stream : streams) {
		std::map<std::string, int> counts = {{"applied", 0}, {"pending", 0}, {"failed", 0}};
		nlohmann::json migrations = nlohmann::json::array();
		for (int r : rows_of[stream]) {
			counts[result->Get(r, state_column)]++;
			migrations.push_back(RowJson(*result, r));
		}
		nlohmann::json entry = {{"stream", stream}, {"migrations", migrations}};
		std::string summary = "stream " + stream + ":";
		bool first = true;
		for (const auto &[state, count] : counts) {
			entry[state] = count;
			if (count > 0 || state == "applied" || state == "pending") {
				summary += (first ? " " : ", ") + std::to_string(count) + " " + state;
				first = false;
			}
		}
		json_streams.push_back(entry);
		if (json_streams.size() > 1)
			out.Print("");
		out.Print(summary);
		out.Print(
		    ResultTable(*result, {"version", "name", "state", "applied_at", "duration_ms"}, rows_of[stream]).Render());
	}
	out.Doc()["streams"] = json_streams;
	if (streams.empty())
		out.Print("no migrations registered in database " + conn.Database() + "; pg_migrate deploy registers them");
	return kExitOk;
}

} // namespace pgmigrate::client
