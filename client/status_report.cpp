/* status_report.cpp — what `pg_migrate status` shows (see status_report.hpp). */
#include "status_report.hpp"

#include "script.hpp"

namespace pgmigrate::client {

std::string
HighestDbVersion(const std::vector<StatusRowFacts> &rows, const std::vector<int> &which)
{
	std::string best, best_key;
	for (int r : which) {
		const StatusRowFacts &row = rows[static_cast<std::size_t>(r)];
		if (!row.db_version || row.state != "applied")
			continue;
		try {
			std::string key = SemanticVersionKey(*row.db_version);
			if (best.empty() || key > best_key) {
				best = *row.db_version;
				best_key = key;
			}
		} catch (const ScriptError &) {
		}
	}
	return best;
}

StatusReport
BuildStatus(const std::vector<StatusRowFacts> &rows, const std::vector<std::optional<std::string>> &problem_streams)
{
	StatusReport report;
	std::vector<int> all;
	for (std::size_t r = 0; r < rows.size(); r++)
		all.push_back(static_cast<int>(r));
	std::string highest = HighestDbVersion(rows, all);
	if (!highest.empty())
		report.db_version = highest;

	/* Group rows by stream, keeping status()'s order (stream position, then version). */
	std::map<std::string, std::size_t> index_of;
	for (std::size_t r = 0; r < rows.size(); r++) {
		auto [it, inserted] = index_of.try_emplace(rows[r].stream, report.streams.size());
		if (inserted) {
			report.streams.emplace_back();
			report.streams.back().stream = rows[r].stream;
		}
		report.streams[it->second].rows.push_back(static_cast<int>(r));
	}
	for (StreamReport &stream : report.streams) {
		stream.counts = {{"applied", 0}, {"pending", 0}, {"failed", 0}};
		for (int r : stream.rows)
			stream.counts[rows[static_cast<std::size_t>(r)].state]++;
		stream.db_version = HighestDbVersion(rows, stream.rows);
	}

	/* Problems by stream; those of no listed stream come last. */
	report.problem_count = problem_streams.size();
	for (std::size_t p = 0; p < problem_streams.size(); p++) {
		const std::optional<std::string> &stream = problem_streams[p];
		auto it = stream ? index_of.find(*stream) : index_of.end();
		if (it == index_of.end())
			report.other_problems.push_back(static_cast<int>(p));
		else
			report.streams[it->second].problems.push_back(static_cast<int>(p));
	}
	return report;
}

std::string
StreamSummary(const StreamReport &stream)
{
	std::string summary = "stream " + stream.stream + ":";
	bool first = true;
	for (const auto &[state, count] : stream.counts) {
		if (count > 0 || state == "applied" || state == "pending") {
			summary += (first ? " " : ", ") + std::to_string(count) + " " + state;
			first = false;
		}
	}
	if (!stream.db_version.empty())
		summary += ", db version " + stream.db_version;
	if (!stream.problems.empty())
		summary +=
		    ", " + std::to_string(stream.problems.size()) + (stream.problems.size() == 1 ? " problem" : " problems");
	return summary;
}

} // namespace pgmigrate::client
