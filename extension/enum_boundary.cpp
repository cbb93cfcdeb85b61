/* enum_boundary.cpp — see enum_boundary.hpp. */
#include "enum_boundary.hpp"

#include "statements.hpp"

#include <algorithm>
#include <cctype>
#include <cstring>

namespace pgmigrate {

namespace {

/* True when text holds word in any letter case (ASCII): a cheap look before parsing. */
bool
MentionsWord(const std::string &text, const char *word)
{
	auto same = [](char a, char b) { return std::tolower(static_cast<unsigned char>(a)) == b; };
	std::size_t n = std::strlen(word);
	return std::search(text.begin(), text.end(), word, word + n, same) != text.end();
}

} // namespace

/*
 * The statements the plan's lint split say so; of a section not split yet,
 * only one that spells out ALTER, TYPE and VALUE can, so the others are not
 * parsed at all.
 */
bool
AddsEnumValue(const Migration &m)
{
	if (m.up_split) /* split by the plan's lint already */
		return std::any_of(m.up_statements.begin(), m.up_statements.end(),
		                   [](const Statement &st) { return st.adds_enum_value; });
	if (!MentionsWord(m.up_sql, "alter") || !MentionsWord(m.up_sql, "type") || !MentionsWord(m.up_sql, "value"))
		return false;
	SectionOrigin origin{DescribeMigration(m.Label(), m.source), "up", m.up_line};
	for (const Statement &st : SplitStatements(m.up_sql, origin))
		if (st.adds_enum_value)
			return true;
	return false;
}

} // namespace pgmigrate
