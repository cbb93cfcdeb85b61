/*
 * sql_values.hpp — converting C++ values to and from the text parameters and
 * results of pg::Query (one place for NULL, boolean, number, array and
 * timestamp spellings).
 */
#pragma once

#include "pg_api.hpp"
#include "text_array.hpp"

#include <cstdio>
#include <string>
#include <vector>

namespace pgmigrate {

inline Value
Opt(const std::string &s)
{
	return s.empty() ? Value() : Value(s);
}

inline Value
Bool(bool b)
{
	return Value(b ? "true" : "false");
}

inline Value
Int(int n)
{
	return Value(std::to_string(n));
}

inline Value
OptInt(int n)
{
	return n == 0 ? Value() : Int(n);
}

inline Value
Double(double d)
{
	char buf[64];
	std::snprintf(buf, sizeof(buf), "%.3f", d);
	return Value(buf);
}

/* TimestampTz is microseconds since 2000-01-01 UTC; the SQL adds it to that epoch. */
inline Value
Timestamp(TimestampTz ts)
{
	return Value(std::to_string(static_cast<long long>(ts)));
}
#define TS_PARAM(n) "(TIMESTAMPTZ '2000-01-01 00:00:00+00' + $" #n "::float8 * INTERVAL '1 microsecond')"

/* A PostgreSQL array literal of text elements (text_array.hpp, shared with the client). */
inline Value
TextArray(const std::vector<std::string> &items)
{
	return Value(TextArrayLiteral(items));
}

/* Parses a one-dimensional text[] output with simple elements (stream:version ids). */
inline std::vector<std::string>
ParseArray(const Value &v)
{
	std::vector<std::string> out;
	if (!v || v->size() < 2)
		return out;
	std::string body = v->substr(1, v->size() - 2);
	std::size_t start = 0;
	while (start < body.size()) {
		std::size_t comma = body.find(',', start);
		if (comma == std::string::npos)
			comma = body.size();
		std::string item = body.substr(start, comma - start);
		if (item.size() >= 2 && item.front() == '"')
			item = item.substr(1, item.size() - 2);
		out.push_back(item);
		start = comma + 1;
	}
	return out;
}

inline const std::string &
Str(const Value &v)
{
	static const std::string empty;
	return v ? *v : empty;
}

} // namespace pgmigrate
