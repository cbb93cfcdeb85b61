/*
 * report.hpp — what `pg_migrate test` prints: one line per check as it
 * finishes ("ok", "FAILED", "skipped"), the reason and a diff under a failed
 * one, and the summary "N passed, N failed". JSON: "tests": [{"kind",
 * "name", "file", "status", "message", "details", "database"}], "passed",
 * "failed", "skipped", "kept": [database], "fingerprint".
 */
#pragma once

#include "output.hpp"

#include <string>
#include <vector>

namespace pgmigrate::client::testing {

enum class Status { kPassed, kFailed, kSkipped };

struct Outcome {
	std::string kind; /* history, apply, verify, roundtrip, rerun, lint, test, spec */
	std::string name; /* what was checked: a migration's label, a test's name */
	std::string file; /* the file to look at; may be empty */
	Status status = Status::kPassed;
	std::string message;  /* one line: why it failed or was skipped, or a remark */
	std::string details;  /* several lines: a schema diff, regression.diffs, lint findings */
	std::string database; /* the scratch database kept for it (--keep) */
};

class Report {
public:
	explicit Report(Output &out) : out_(out) {}
	/* Prints the outcome's line now, so a long run shows progress. */
	void Add(Outcome outcome);
	int
	Failed() const
	{
		return failed_;
	}
	/* The summary line and the JSON fields. */
	void Finish(const std::vector<std::string> &kept, double seconds);

private:
	Output &out_;
	std::vector<Outcome> outcomes_;
	int passed_ = 0, failed_ = 0, skipped_ = 0;
};

} // namespace pgmigrate::client::testing
