/*
 * finding_text.hpp — the text form of lint findings that apply() sends and
 * the client reads back, written and parsed by this one pure file, compiled
 * into both (as script.cpp is), so the wording has one implementation:
 *
 *   finding   RULE (statement N, line L): MESSAGE        (a MESSAGE may go on over more lines)
 *   history   lint: FINDING\nFINDING...                  warnings, kept in migrate.history.message
 *             lint, not blocking here: FINDING...        errors whose table was empty or new when they ran
 *   notice    migration STREAM/VERSION_NAME HISTORY      the NOTICE apply() sends
 *   refusal   STREAM/VERSION_NAME:\nFINDING...           one block per refused migration, MG004's DETAIL
 *
 * Lines are file lines.
 */
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace pgmigrate {

struct FindingLine {
	std::string rule;
	int statement = 0;
	int line = 0;
	std::string message;
};

/* "RULE (statement N, line L): MESSAGE" */
std::string FormatFinding(const FindingLine &finding);

/* "lint: ..." (not_blocking: "lint, not blocking here: ..."), the findings one per line. */
std::string FormatLintHistory(const std::vector<FindingLine> &findings, bool not_blocking);

/* "migration LABEL " + history: the NOTICE of one migration's findings. */
std::string FormatLintNotice(const std::string &label, const std::string &history);

/* "LABEL:\n" + the findings, one per line: a block of MG004's DETAIL. */
std::string FormatRefusalBlock(const std::string &label, const std::vector<FindingLine> &findings);

/* A lint NOTICE read back; nullopt when message is no such notice. */
struct LintNotice {
	std::string label;
	bool not_blocking = false;
	std::vector<FindingLine> findings;
};
std::optional<LintNotice> ParseLintNotice(std::string_view message);

/* MG004's DETAIL read back: each refused migration's label and findings. */
struct RefusalBlock {
	std::string label;
	std::vector<FindingLine> findings;
};
std::vector<RefusalBlock> ParseRefusal(std::string_view detail);

} // namespace pgmigrate
