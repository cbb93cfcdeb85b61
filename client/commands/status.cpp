/*
 * status.cpp — `pg_migrate status`: migrate.status() per stream, with the
 * database version and the problems migrate.validate() reports. One round
 * trip: both queries go in one message. The database version is what
 * migrate.db_version() defines — the highest db-version declared by an
 * applied migration — read from the status rows at hand: calling it costs
 * ~30 ms more at 10 000 migrations.
 */
#include "commands.hpp"

#include "exit_codes.hpp"
#include "rows.hpp"
#include "script.hpp"
#include "session.hpp"

#include <map>
#include <memory>
#include <optional>

namespace pgmigrate::client {

namespace {

/* The highest semantic version among the db_version of the given rows that are applied; "" when none. */
std::string
StreamDbVersion(const Result &result, const std::vector<int> &rows, int state_column, int db_version_column)
{
	std::string best, best_key;
	for (int r : rows) {
		if (result.IsNull(r, db_version_column) || result.Get(r, state_column) != "applied")
			continue;
		try {
			std::string key = SemanticVersionKey(result.Get(r, db_version_column));
			if (best.empty() || key > best_key) {
				best = result.Get(r, db_version_column);
				best_key = key;
			}
		} catch (const ScriptError &) {
		}
	}
	return best;
}

/* "error out-of-order 0.5: message" */
std::string
ProblemLine(const Result &problems, int r)
{
	std::string line = "  " + problems.Get(r, 0) + " " + problems.Get(r, 1);
	if (!problems.Get(r, 3).empty())
		line += " " + problems.Get(r, 3);
	return line + ": " + problems.Get(r, 4);
}

/* The given problem rows (few) as JSON. */
nlohmann::json
ProblemsJson(const Result &problems, const std::vector<int> &rows)
{
	nlohmann::json list = nlohmann::json::array();
	for (int r : rows)
		list.push_back(RowJson(problems, r));
	return list;
}

} // namespace

int
RunStatus(const GlobalOptions &global, Output &out)
{
	Connection conn = OpenSession(global, out);
	/* shared: the JSON rows are written from it when the document is emitted */
	std::shared_ptr<const Result> result;
	std::optional<Result> problems;
	try {
		std::vector<Result> both =
		    conn.ExecAll("SELECT * FROM migrate.status(); "
		                 "SELECT severity, check_name, stream, version, message FROM migrate.validate()");
		result = std::make_shared<const Result>(std::move(both.at(0)));
		problems.emplace(std::move(both.at(1)));
	} catch (const SqlError &e) {
		RethrowCatalogError(e, conn);
	}
	int stream_column = result->Column("stream"), state_column = result->Column("state");
	int db_version_column = result->Column("db_version");
	std::string highest = StreamDbVersion(*result, AllRows(*result), state_column, db_version_column);
	std::optional<std::string> db_version = highest.empty() ? std::nullopt : std::optional<std::string>(highest);

	/* Problems by stream; those of no listed stream (drift, a stream without migrations) come last. */
	std::map<std::string, std::vector<int>> problems_of;
	std::vector<int> problem_rows, other_problems;
	for (int r = 0; r < problems->Rows(); r++) {
		problem_rows.push_back(r);
		if (!problems->IsNull(r, 2))
			problems_of[problems->Get(r, 2)].push_back(r);
	}

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
	for (int r : problem_rows)
		if (problems->IsNull(r, 2) || rows_of.count(problems->Get(r, 2)) == 0)
			other_problems.push_back(r);

	out.Doc()["db_version"] = db_version ? nlohmann::json(*db_version) : nlohmann::json();
	out.Doc()["problems"] = ProblemsJson(*problems, problem_rows);
	if (!out.Json())
		out.Print("database version: " + (db_version ? *db_version : std::string("none declared")));

	nlohmann::json json_streams = nlohmann::json::array();
	for (const std::string &stream : streams) {
		const std::vector<int> &rows = rows_of[stream];
		std::map<std::string, int> counts = {{"applied", 0}, {"pending", 0}, {"failed", 0}};
		for (int r : rows)
			counts[result->Get(r, state_column)]++;
		std::string stream_db_version = StreamDbVersion(*result, rows, state_column, db_version_column);
		const std::vector<int> &stream_problems = problems_of[stream];
		if (out.Json()) {
			nlohmann::json entry = {{"stream", stream}};
			for (const auto &[state, count] : counts)
				entry[state] = count;
			entry["db_version"] = stream_db_version.empty() ? nlohmann::json() : nlohmann::json(stream_db_version);
			entry["problems"] = ProblemsJson(*problems, stream_problems);
			entry["migrations"] = out.Raw(RowsJsonWriter(result, rows));
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
		if (!stream_db_version.empty())
			summary += ", db version " + stream_db_version;
		if (!stream_problems.empty())
			summary += ", " + std::to_string(stream_problems.size()) +
			           (stream_problems.size() == 1 ? " problem" : " problems");
		out.Print("");
		out.Print(summary);
		out.Print(ResultTable(*result, {"version", "name", "state", "applied_at", "duration_ms"}, rows).Render());
		if (!stream_problems.empty()) {
			std::string text = "problems:\n";
			for (int r : stream_problems)
				text += ProblemLine(*problems, r) + "\n";
			out.Print(text);
		}
	}
	out.Doc()["streams"] = std::move(json_streams);
	if (streams.empty())
		out.Print("no migrations registered in database " + conn.Database() + "; pg_migrate deploy registers them");
	if (!other_problems.empty() && !out.Json()) {
		std::string text = "\nproblems:\n";
		for (int r : other_problems)
			text += ProblemLine(*problems, r) + "\n";
		out.Print(text);
	}
	if (!problem_rows.empty())
		out.Note(std::to_string(problem_rows.size()) + (problem_rows.size() == 1 ? " problem" : " problems") +
		         "; pg_migrate validate lists them (exit 4)");
	return kExitOk;
}

const Command kStatusCommand = {"status", "registered migrations and their state, per stream",
                                WithoutOptions<RunStatus>, ManyDatabases::kRefused};

} // namespace pgmigrate::client
