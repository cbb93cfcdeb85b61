/*
 * lint_findings.hpp — lint findings as the client shows them.
 *
 * Findings reach the client three ways: rows of migrate.lint() (`lint`,
 * `push`), the NOTICE apply() sends for lint warnings, and the DETAIL of
 * apply()'s MG004 refusal (`deploy`). All three become LintFinding, printed
 * as "file:line: severity: rule: message (lock: MODE)".
 *
 * The NOTICE and the DETAIL are written and read by one pure file,
 * extension/finding_text.cpp, compiled into both sides (lint_here.cpp sends them):
 *   NOTICE  migration STREAM/VERSION_NAME lint: RULE (statement N, line L): MESSAGE
 *           [RULE (statement N, line L): MESSAGE]...
 *   NOTICE  migration STREAM/VERSION_NAME lint, not blocking here: RULE (statement N, line L): MESSAGE [...]
 *           (an error that did not block: its table was empty or new when the statement ran)
 *   DETAIL  STREAM/VERSION_NAME:
 *           RULE (statement N, line L): MESSAGE
 *           ...                                  (a label line per refused migration)
 * Lines are file lines.
 *
 * A deploy of a long history into an empty database gets hundreds of them:
 * they are shown one line per rule (PrintLintSummary), each finding with -v;
 * the JSON document carries every one.
 */
#pragma once

#include "connection.hpp"
#include "folder.hpp"
#include "output.hpp"

#include <nlohmann/json.hpp>

#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace pgmigrate::client {

struct LintFinding {
	std::string file;      /* the file's path; the migration label when no file is known */
	std::string migration; /* STREAM/VERSION_NAME when the finding came from apply(); else empty */
	int statement = 0;
	int line = 0;
	std::string rule, severity, lock_mode, message; /* lock_mode empty when unknown or none */
	bool allowed = false; /* acknowledged with -- migrate:allow RULE (or another linter's suppression comment) */
	/* whether apply() refuses it against that database now (catalog 0.1.5); unknown when not said */
	std::optional<bool> blocks_here;
};

/*
 * "file:line: severity: rule: message (lock: MODE)", plus " [allowed]" when
 * acknowledged, " [not blocking here]" for an error the database would let pass.
 */
std::string LintText(const LintFinding &finding);

/* {"file", "migration", "line", "statement", "rule", "severity", "lock_mode", "message", "allowed", "blocks_here"} */
nlohmann::json LintJson(const LintFinding &finding);
nlohmann::json LintJson(const std::vector<LintFinding> &findings);

/* The path of the file registered as label (STREAM/VERSION_NAME); empty when none of files is. */
std::string FileForLabel(const std::vector<MigrationFile> &files, const std::string &label);

/*
 * The findings of a lint NOTICE sent by apply(), with files named from files;
 * empty when message is not such a notice. Severity "warning", or "notice"
 * for an error that did not block where it ran (blocks_here false): errors
 * that block are never notices, they refuse the plan.
 */
std::vector<LintFinding> ParseLintNotice(const std::string &message, const std::vector<MigrationFile> &files);

/* The findings listed in the DETAIL of an MG004 error (severity "error"). */
std::vector<LintFinding> ParseLintRefusal(const std::string &detail, const std::vector<MigrationFile> &files);

/*
 * One line per rule: the finding itself when the rule has one, else
 * "severity: rule: N findings in M migrations, the first at FILE:LINE";
 * with -v every finding instead. On stderr, not with -q.
 */
void PrintLintSummary(const std::vector<LintFinding> &findings, Output &out);

/* Prints findings as PrintLintSummary does and appends them to the JSON document's "warnings" array. */
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
 * appended to the JSON document's "warnings" array, and printed at once with
 * -v; without -v they are printed as PrintLintSummary does when the
 * collector ends (Finish(), or its destructor however the command ends).
 * Other notices go to -v output as before. files and out must outlive it.
 */
class LintNoticeCollector {
public:
	LintNoticeCollector(Connection &conn, const std::vector<MigrationFile> &files, Output &out);
	~LintNoticeCollector();
	LintNoticeCollector(const LintNoticeCollector &) = delete;
	LintNoticeCollector &operator=(const LintNoticeCollector &) = delete;
	const std::vector<LintFinding> &
	Findings() const
	{
		return *findings_;
	}
	/* Prints the summary of what was collected (once; nothing with -v, which printed each). */
	void Finish();

private:
	/* on the heap: the handler keeps pointers that must survive moving the collector */
	std::shared_ptr<std::vector<LintFinding>> findings_;
	Output *out_;
	bool finished_ = false;
};

} // namespace pgmigrate::client
