/* report.cpp — see report.hpp. */
#include "report.hpp"
#include "strings.hpp"

#include <cstdio>

namespace pgmigrate::client::testing {

namespace {

const char *
StatusWord(Status status)
{
	switch (status) {
	case Status::kPassed:
		return "ok";
	case Status::kFailed:
		return "FAILED";
	case Status::kSkipped:
		return "skipped";
	}
	return "";
}

} // namespace

void
Report::Add(Outcome outcome)
{
	(outcome.status == Status::kPassed ? passed_ : outcome.status == Status::kFailed ? failed_ : skipped_)++;
	std::string line = std::string(StatusWord(outcome.status)) + " " + outcome.kind + " " + outcome.name;
	if (!outcome.file.empty() && outcome.file != outcome.name)
		line += " (" + outcome.file + ")";
	if (!outcome.message.empty())
		line += ": " + outcome.message;
	line += "\n";
	if (!outcome.details.empty())
		line += PrefixLines("    ", outcome.details);
	if (!outcome.database.empty())
		line += "    kept database: " + outcome.database + "\n";
	out_.Print(line);
	outcomes_.push_back(std::move(outcome));
}

void
Report::Finish(const std::vector<std::string> &kept, double seconds)
{
	nlohmann::json tests = nlohmann::json::array();
	for (const Outcome &o : outcomes_)
		tests.push_back({{"kind", o.kind},
		                 {"name", o.name},
		                 {"file", o.file.empty() ? nlohmann::json() : nlohmann::json(o.file)},
		                 {"status", o.status == Status::kPassed   ? "passed"
		                            : o.status == Status::kFailed ? "failed"
		                                                          : "skipped"},
		                 {"message", o.message},
		                 {"details", o.details},
		                 {"database", o.database.empty() ? nlohmann::json() : nlohmann::json(o.database)}});
	out_.Doc()["tests"] = tests;
	out_.Doc()["passed"] = passed_;
	out_.Doc()["failed"] = failed_;
	out_.Doc()["skipped"] = skipped_;
	out_.Doc()["kept"] = kept;
	out_.Doc()["seconds"] = seconds;
	char timing[64];
	std::snprintf(timing, sizeof timing, "%.1f s", seconds);
	std::string summary = std::to_string(passed_) + " passed, " + std::to_string(failed_) + " failed";
	if (skipped_ > 0)
		summary += ", " + std::to_string(skipped_) + " skipped";
	out_.Print(summary + " (" + timing + ")\n");
	for (const std::string &db : kept)
		out_.Note("kept for inspection: " + db + " (DROP DATABASE " + db + " when done)");
}

} // namespace pgmigrate::client::testing
