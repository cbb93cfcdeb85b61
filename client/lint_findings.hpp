/*
 * lint_findings.hpp — lint findings as the client shows them.
 *
 * Findings reach the client three ways: rows of migrate.lint() (`lint`,
 * `push`), the NOTICE apply() sends for lint warnings, and the DETAIL of
 * apply()'s MG004 refusal (`deploy`). All three become LintFinding, printed
 * as "file:line: severity: rule: message (lock: MODE)".
 *
 * The NOTICE and the DETAIL are written by the extension (apply.cpp):
 *   NOTICE  migration STREAM/VERSION_NAME lint: RULE (statement N, line L): MESSAGE
 *           [RULE (statement N, line L): MESSAGE]...
 *   DETAIL  STREAM/VERSION_NAME:
 *           RULE (statement N, line L): MESSAGE
 *           ...                                  (a label line per refused migration)
 * Lines are file lines.
 */
#pragma once

#include "connection.hpp"
#include "folder.hpp"
#include "output.hpp"

#include <nlohmann/json.hpp>

#include <memory>
#include <string>
#include <vector>

namespace pgmigrate::client {

struct LintFinding {
	std::string file;      /* the file's path; the migration label when no file is known */
	std::string migration; /* STREAM/VERSION_NAME when the finding came from apply(); else empty */
	int statement = 0;
	int line = 0;
	std::string rule, severity, lock_mode, message; /* lock_mode empty when unknown or none */
	bool allowed = false;                           /* acknowledged with -- migrate:allow RULE */
};

/* "file:line: severity: rule: message (lock: MODE)", plus " [allowed]" when acknowledged. */
std::string LintText(const LintFinding &finding);

/* {"file", "migration", "line", "statement", "rule", "severity", "lock_mode", "message", "allowed"} */
nlohmann::json LintJson(const LintFinding &finding);
nlohmann::json LintJson(const std::vector<LintFinding> &findings);

/* The path of the file registered as label (STREAM/VERSION_NAME); empty when none of files is. */
std::string FileForLabel(const std::vector<MigrationFile> &files, const std::string &label);

/*
 * The findings of a lint NOTICE sent by apply(), with files named from files;
 * empty when message is not such a notice. Severity "warning": errors are
 * never notices, they refuse the plan.
 */
std::vector<LintFinding> ParseLintNotice(const std::string &message, const std::vector<MigrationFile> &files);

/* The findings listed in the DETAIL of an MG004 error (severity "error"). */
std::vector<LintFinding> ParseLintRefusal(const std::string &detail, const std::vector<MigrationFile> &files);

/* Prints findings (stderr, not with -q) and appends them to the JSON document's "warnings" array. */
void ReportWarnings(const std::vector<LintFinding> &findings, Output &out);

/*
 * Ends the command after apply() refused lint errors (MG004): prints each
 * finding with its file and line, and throws Failure(kExitValidation) with
 * the findings in the JSON error object.
 */
[[noreturn]] void ThrowLintRefusal(const SqlError &error, const std::vector<MigrationFile> &files, Output &out);

/*
 * Lints the given files in one statement (migrate.lint over each content)
 * and returns the findings their -- migrate:allow lines do not acknowledge.
 * For files the server accepted already (push): a script error is not expected.
 */
std::vector<LintFinding> LintRegistered(Connection &conn, const std::vector<const MigrationFile *> &files);

/* The rules a script acknowledges with -- migrate:allow; empty when it cannot be parsed. */
std::vector<std::string> AllowedRules(const std::string &content);

/*
 * Collects apply()'s lint notices on conn while a command runs: each is
 * printed at once (stderr, not with -q) and appended to the JSON document's
 * "warnings" array; other notices go to -v output as before. files must
 * outlive the connection's use.
 */
class LintNoticeCollector {
public:
	LintNoticeCollector(Connection &conn, const std::vector<MigrationFile> &files, Output &out);
	const std::vector<LintFinding> &
	Findings() const
	{
		return *findings_;
	}

private:
	/* on the heap: the handler keeps pointers that must survive moving the collector */
	std::shared_ptr<std::vector<LintFinding>> findings_;
};

} // namespace pgmigrate::client
