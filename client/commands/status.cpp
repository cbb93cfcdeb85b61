/*
 * status.cpp — `pg_migrate status`: migrate.status() per stream, with the
 * database version and the problems migrate.validate() reports. One round
 * trip: both queries go in one message. What is shown is built without a
 * server (status_report.hpp: BuildStatus), then rendered as text or JSON.
 */
#include "commands.hpp"

#include "exit_codes.hpp"
#include "managed_calls.hpp"
#include "rows.hpp"
#include "session.hpp"
#include "status_report.hpp"

#include <memory>
#include <optional>

namespace pgmigrate::client {

namespace {

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

/* What BuildStatus needs of status()'s and validate()'s rows. */
std::vector<StatusRowFacts>
RowFacts(const Result &result)
{
	int stream_column = result.Column("stream"), state_column = result.Column("state");
	int db_version_column = result.Column("db_version");
	std::vector<StatusRowFacts> rows;
	rows.reserve(static_cast<std::size_t>(result.Rows()));
	for (int r = 0; r < result.Rows(); r++)
		rows.push_back(
		    {result.Get(r, stream_column), result.Get(r, state_column), result.GetOptional(r, db_version_column)});
	return rows;
}

std::vector<std::optional<std::string>>
ProblemStreams(const Result &problems)
{
	std::vector<std::optional<std::string>> streams;
	for (int r = 0; r < problems.Rows(); r++)
		streams.push_back(problems.GetOptional(r, 2));
	return streams;
}

/* The document's db_version, problems and streams (each with its migrations, written straight from result). */
void
RenderJson(const StatusReport &report, const std::shared_ptr<const Result> &result, const Result &problems, Output &out)
{
	out.Doc()["db_version"] = report.db_version ? nlohmann::json(*report.db_version) : nlohmann::json();
	out.Doc()["problems"] = ProblemsJson(problems, AllRows(problems));
	nlohmann::json json_streams = nlohmann::json::array();
	for (const StreamReport &stream : report.streams) {
		nlohmann::json entry = {{"stream", stream.stream}};
		for (const auto &[state, count] : stream.counts)
			entry[state] = count;
		entry["db_version"] = stream.db_version.empty() ? nlohmann::json() : nlohmann::json(stream.db_version);
		entry["problems"] = ProblemsJson(problems, stream.problems);
		entry["migrations"] = out.Raw(RowsJsonWriter(result, stream.rows));
		json_streams.push_back(std::move(entry));
	}
	out.Doc()["streams"] = std::move(json_streams);
}

/* The database version, then per stream its summary, its table and its problems; problems of no stream last. */
void
RenderText(const StatusReport &report, const Result &result, const Result &problems, const std::string &database,
           Output &out)
{
	out.Print("database version: " + (report.db_version ? *report.db_version : std::string("none declared")));
	for (const StreamReport &stream : report.streams) {
		out.Print("");
		out.Print(StreamSummary(stream));
		out.Print(ResultTable(result, {"version", "name", "state", "applied_at", "duration_ms"}, stream.rows).Render());
		if (!stream.problems.empty()) {
			std::string text = "problems:\n";
			for (int r : stream.problems)
				text += ProblemLine(problems, r) + "\n";
			out.Print(text);
		}
	}
	if (report.streams.empty())
		out.Print("no migrations registered in database " + database + "; pg_migrate deploy registers them");
	if (!report.other_problems.empty()) {
		std::string text = "\nproblems:\n";
		for (int r : report.other_problems)
			text += ProblemLine(problems, r) + "\n";
		out.Print(text);
	}
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
		if (!engine::SwitchToManaged(conn, e))
			RethrowCatalogError(e, conn);
		result = std::make_shared<const Result>(engine::ManagedStatus(conn));
		problems.emplace(engine::ManagedValidate(conn));
	}
	out.Doc()["mode"] = conn.Managed() ? "managed" : "extension";
	if (conn.Managed())
		out.Note("managed mode: no pg_migrate extension in this database; the client runs the engine itself");
	StatusReport report = BuildStatus(RowFacts(*result), ProblemStreams(*problems));
	if (out.Json())
		RenderJson(report, result, *problems, out);
	else
		RenderText(report, *result, *problems, conn.Database(), out);
	if (report.problem_count > 0)
		out.Note(std::to_string(report.problem_count) + (report.problem_count == 1 ? " problem" : " problems") +
		         "; pg_migrate validate lists them (exit 4)");
	return kExitOk;
}

const Command kStatusCommand = {"status", "registered migrations and their state, per stream",
                                WithoutOptions<RunStatus>, ManyDatabases::kRefused};

} // namespace pgmigrate::client
