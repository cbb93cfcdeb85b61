/* finding_text.cpp — see finding_text.hpp. */
#include "finding_text.hpp"

#include <cctype>

#include "cpp_only.hpp" /* last: this file is compiled into the client too */

namespace pgmigrate {

namespace {

constexpr std::string_view kNoticePrefix = "migration ";
constexpr std::string_view kWarnings = "lint: ";
constexpr std::string_view kNotBlocking = "lint, not blocking here: ";

std::vector<std::string_view>
Lines(std::string_view text)
{
	std::vector<std::string_view> lines;
	std::size_t start = 0;
	while (start <= text.size()) {
		std::size_t end = text.find('\n', start);
		if (end == std::string_view::npos)
			end = text.size();
		lines.push_back(text.substr(start, end - start));
		start = end + 1;
	}
	return lines;
}

/* Reads the digits at text[*pos...] into *value; false when there are none. */
bool
Number(std::string_view text, std::size_t *pos, int *value)
{
	std::size_t start = *pos;
	long long n = 0;
	while (*pos < text.size() && std::isdigit(static_cast<unsigned char>(text[*pos])) != 0 && n < 1000000000)
		n = n * 10 + (text[(*pos)++] - '0');
	*value = static_cast<int>(n);
	return *pos > start;
}

bool
Literal(std::string_view text, std::size_t *pos, std::string_view expected)
{
	if (text.substr(*pos, expected.size()) != expected)
		return false;
	*pos += expected.size();
	return true;
}

/* One "RULE (statement N, line L): MESSAGE" line; false for any other line. */
bool
ParseFinding(std::string_view text, FindingLine *out)
{
	std::size_t pos = 0;
	if (text.empty() || std::islower(static_cast<unsigned char>(text[0])) == 0)
		return false;
	while (pos < text.size() && (std::islower(static_cast<unsigned char>(text[pos])) != 0 ||
	                             std::isdigit(static_cast<unsigned char>(text[pos])) != 0 || text[pos] == '-'))
		pos++;
	FindingLine f;
	f.rule = std::string(text.substr(0, pos));
	if (!Literal(text, &pos, " (statement ") || !Number(text, &pos, &f.statement) || !Literal(text, &pos, ", line ") ||
	    !Number(text, &pos, &f.line) || !Literal(text, &pos, "): "))
		return false;
	f.message = std::string(text.substr(pos));
	*out = std::move(f);
	return true;
}

/* The findings of lines; a line that is none continues the message before it. */
std::vector<FindingLine>
ParseFindings(const std::vector<std::string_view> &lines)
{
	std::vector<FindingLine> findings;
	for (std::string_view line : lines) {
		FindingLine f;
		if (ParseFinding(line, &f))
			findings.push_back(std::move(f));
		else if (!findings.empty())
			findings.back().message += "\n" + std::string(line);
	}
	return findings;
}

std::string
JoinFindings(const std::vector<FindingLine> &findings)
{
	std::string out;
	for (const FindingLine &f : findings) {
		if (!out.empty())
			out += "\n";
		out += FormatFinding(f);
	}
	return out;
}

} // namespace

std::string
FormatFinding(const FindingLine &f)
{
	return f.rule + " (statement " + std::to_string(f.statement) + ", line " + std::to_string(f.line) +
	       "): " + f.message;
}

std::string
FormatLintHistory(const std::vector<FindingLine> &findings, bool not_blocking)
{
	return std::string(not_blocking ? kNotBlocking : kWarnings) + JoinFindings(findings);
}

std::string
FormatLintNotice(const std::string &label, const std::string &history)
{
	return std::string(kNoticePrefix) + label + " " + history;
}

std::string
FormatRefusalBlock(const std::string &label, const std::vector<FindingLine> &findings)
{
	return label + ":\n" + JoinFindings(findings);
}

std::optional<LintNotice>
ParseLintNotice(std::string_view message)
{
	if (message.substr(0, kNoticePrefix.size()) != kNoticePrefix)
		return std::nullopt;
	LintNotice notice;
	std::size_t marker = message.find(std::string(" ") + std::string(kNotBlocking), kNoticePrefix.size());
	std::size_t length = kNotBlocking.size() + 1;
	notice.not_blocking = marker != std::string_view::npos;
	if (!notice.not_blocking) {
		marker = message.find(std::string(" ") + std::string(kWarnings), kNoticePrefix.size());
		length = kWarnings.size() + 1;
	}
	if (marker == std::string_view::npos)
		return std::nullopt;
	notice.label = std::string(message.substr(kNoticePrefix.size(), marker - kNoticePrefix.size()));
	notice.findings = ParseFindings(Lines(message.substr(marker + length)));
	if (notice.findings.empty())
		return std::nullopt;
	return notice;
}

std::vector<RefusalBlock>
ParseRefusal(std::string_view detail)
{
	std::vector<RefusalBlock> blocks;
	for (std::string_view line : Lines(detail)) {
		FindingLine f;
		if (!blocks.empty() && ParseFinding(line, &f)) {
			blocks.back().findings.push_back(std::move(f));
		} else if (!line.empty() && line.back() == ':' && line.find('/') != std::string_view::npos) {
			blocks.push_back({std::string(line.substr(0, line.size() - 1)), {}});
		} else if (!blocks.empty() && !blocks.back().findings.empty()) {
			blocks.back().findings.back().message += "\n" + std::string(line);
		}
	}
	return blocks;
}

} // namespace pgmigrate
