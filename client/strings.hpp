/* strings.hpp — the client's small text helpers, header-only: one of each. */
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace pgmigrate::client {

/* text with every from replaced by to (left to right, replacements not rescanned); text when from is empty. */
inline std::string
ReplaceAll(std::string text, const std::string &from, const std::string &to)
{
	if (from.empty())
		return text;
	std::size_t pos = 0;
	while ((pos = text.find(from, pos)) != std::string::npos) {
		text.replace(pos, from.size(), to);
		pos += to.size();
	}
	return text;
}

/* s without leading and trailing blanks (space, tab, CR, LF). */
inline std::string
Trim(std::string_view s)
{
	std::size_t a = s.find_first_not_of(" \t\r\n");
	if (a == std::string_view::npos)
		return "";
	return std::string(s.substr(a, s.find_last_not_of(" \t\r\n") - a + 1));
}

/* s without the trailing characters that are in chars. */
inline std::string
TrimEnd(std::string s, std::string_view chars)
{
	while (!s.empty() && chars.find(s.back()) != std::string_view::npos)
		s.pop_back();
	return s;
}

/*
 * The lines of text, without their '\n', as std::getline reads them: a last
 * line without '\n' is a line, a final '\n' starts none ("" has no lines).
 */
inline std::vector<std::string>
SplitLines(std::string_view text)
{
	std::vector<std::string> lines;
	std::size_t start = 0;
	while (start < text.size()) {
		std::size_t end = text.find('\n', start);
		if (end == std::string_view::npos)
			end = text.size();
		lines.emplace_back(text.substr(start, end - start));
		start = end + 1;
	}
	return lines;
}

/* Each line of text with prefix before it, each ending in '\n' (SplitLines' lines). */
inline std::string
PrefixLines(std::string_view prefix, std::string_view text)
{
	std::string out;
	for (const std::string &line : SplitLines(text))
		out.append(prefix).append(line).push_back('\n');
	return out;
}

} // namespace pgmigrate::client
