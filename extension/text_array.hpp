/*
 * text_array.hpp — the text[] array literal, the one escaping rule both
 * sides of the wire use: the extension for its catalog parameters
 * (sql_values.hpp), the client for its upload and apply parameters.
 * Header-only, pure C++: no PostgreSQL or libpq headers.
 *
 * Every element is double-quoted with \ and " escaped, so any text is safe,
 * including "NULL", "{}", commas and blanks.
 */
#pragma once

#include <algorithm>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace pgmigrate {

/* The literal over views: a large upload is escaped straight from the file contents, not from a copy. */
inline std::string
TextArrayLiteralOfViews(const std::vector<std::string_view> &values)
{
	std::size_t size = 2 + 3 * values.size();
	for (std::string_view v : values)
		size += v.size() + static_cast<std::size_t>(
		                       std::count_if(v.begin(), v.end(), [](char c) { return c == '"' || c == '\\'; }));
	std::string out;
	out.reserve(size); /* one allocation of the exact size: megabytes of scripts are not copied twice */
	out.push_back('{');
	for (std::size_t i = 0; i < values.size(); i++) {
		if (i > 0)
			out.push_back(',');
		out.push_back('"');
		for (char c : values[i]) {
			if (c == '"' || c == '\\')
				out.push_back('\\');
			out.push_back(c);
		}
		out.push_back('"');
	}
	out.push_back('}');
	return out;
}

/* SQL text of a text[] array literal holding values, for a $n::text[] parameter. */
inline std::string
TextArrayLiteral(const std::vector<std::string> &values)
{
	return TextArrayLiteralOfViews(std::vector<std::string_view>(values.begin(), values.end()));
}

} // namespace pgmigrate
