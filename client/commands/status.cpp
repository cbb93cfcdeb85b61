/* status.cpp — `pg_migrate status`: migrate.status() per stream. */
#include "commands.hpp"

#include "exit_codes.hpp"
#include "rows.hpp"
#include "session.hpp"

#include <map>
#include <optional>

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
		auto [it, inserted] = rows_of.try_emplace(stream);
		if (inserted)
			streams.push_back(stream);
		it->second.push_back(r);
	}

	nlohmann::json json_streams = nlohmann::json::array();
	for (const std::string &stream : streams) {
		const std::vector<int> &rows = rows_of[stream];
		std::map<std::string, int> counts = {{"applied", 0}, {"pending", 0}, {"failed", 0}};
		for (int r : rows)
			counts[result->Get(r, state_column)]++;
		if (out.Json()) {
			nlohmann::json entry = {{"stream", stream}};
			for (const auto &[state, count] : counts)
				entry[state] = count;
			entry["migrations"] = out.Raw(RowsJsonText(*result, rows));
			json_streams.push_back(std::move(entry));
			continue;
		}
		std::string summary = "stream " + stream + ":";
		bool first = true;
		for (const auto &[state, count] : counts) {
			if (count > 0 || state == "applied" || state == "pending") {
				summary += (first ? " " : ", ") + std::to_string(count) + " " + state;
				first = false;
			}
		}
		if (&stream != &streams.front())
			out.Print("");
		out.Print(summary);
		out.Print(ResultTable(*result, {"version", "name", "state", "applied_at", "duration_ms"}, rows).Render());
	}
	out.Doc()["streams"] = std::move(json_streams);
	if (streams.empty())
		out.Print("no migrations registered in database " + conn.Database() + "; pg_migrate deploy registers them");
	return kExitOk;
}

} // namespace pgmigrate::client
