/* rows.cpp — results to JSON and tables (see rows.hpp). */
#include "rows.hpp"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <ostream>
#include <sstream>

namespace pgmigrate::client {

namespace {

/* Built-in type OIDs (pg_type.dat); stable across PostgreSQL versions. */
constexpr Oid kBoolOid = 16, kInt8Oid = 20, kInt2Oid = 21, kInt4Oid = 23, kOidOid = 26;
constexpr Oid kFloat4Oid = 700, kFloat8Oid = 701, kNumericOid = 1700;

bool
IsInteger(Oid type)
{
	return type == kInt8Oid || type == kInt2Oid || type == kInt4Oid || type == kOidOid;
}

bool
IsFractional(Oid type)
{
	return type == kFloat4Oid || type == kFloat8Oid || type == kNumericOid;
}

/* JSON's number grammar: -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? — "NaN", "Infinity" and "1." are not. */
bool
IsJsonNumber(const char *s)
{
	auto digit = [](char c) { return c >= '0' && c <= '9'; };
	if (*s == '-')
		s++;
	if (*s == '0')
		s++;
	else if (digit(*s))
		while (digit(*s))
			s++;
	else
		return false;
	if (*s == '.') {
		s++;
		if (!digit(*s))
			return false;
		while (digit(*s))
			s++;
	}
	if (*s == 'e' || *s == 'E') {
		s++;
		if (*s == '+' || *s == '-')
			s++;
		if (!digit(*s))
			return false;
		while (digit(*s))
			s++;
	}
	return *s == '\0';
}

void
AppendJsonString(std::string *out, const char *s, std::size_t length)
{
	static constexpr char kHex[] = "0123456789abcdef";
	out->push_back('"');
	std::size_t run = 0; /* start of the pending run of characters that need no escape */
	for (std::size_t i = 0; i < length; i++) {
		unsigned char c = static_cast<unsigned char>(s[i]);
		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		out->append(s + run, i - run);
		run = i + 1;
		if (c == '"' || c == '\\') {
			out->push_back('\\');
			out->push_back(static_cast<char>(c));
		} else if (c == '\n') {
			out->append("\\n");
		} else if (c == '\t') {
			out->append("\\t");
		} else {
			out->append("\\u00");
			out->push_back(kHex[c >> 4]);
			out->push_back(kHex[c & 0x0f]);
		}
	}
	out->append(s + run, length - run);
	out->push_back('"');
}

} // namespace

nlohmann::json
FieldJson(const Result &result, int row, int column)
{
	if (result.IsNull(row, column))
		return nullptr;
	std::string text = result.Get(row, column);
	Oid type = result.ColumnType(column);
	if (type == kBoolOid)
		return text == "t";
	if (IsInteger(type)) {
		char *end = nullptr;
		long long value = std::strtoll(text.c_str(), &end, 10);
		if (end != nullptr && *end == '\0')
			return value;
	}
	if (IsFractional(type)) {
		char *end = nullptr;
		double value = std::strtod(text.c_str(), &end);
		/* NaN and Infinity are not JSON numbers: keep their text */
		if (end != nullptr && *end == '\0' && std::isfinite(value))
			return value;
	}
	return text;
}

nlohmann::json
RowJson(const Result &result, int row)
{
	nlohmann::json object = nlohmann::json::object();
	for (int c = 0; c < result.Columns(); c++)
		object[result.ColumnName(c)] = FieldJson(result, row, c);
	return object;
}

std::string
FieldText(const Result &result, int row, int column)
{
	if (result.IsNull(row, column))
		return "";
	std::string text = result.Get(row, column);
	if (IsFractional(result.ColumnType(column))) {
		char *end = nullptr;
		double value = std::strtod(text.c_str(), &end);
		if (end != nullptr && *end == '\0' && std::isfinite(value)) {
			char buffer[64];
			std::snprintf(buffer, sizeof buffer, "%.3f", value);
			return buffer;
		}
	}
	return text;
}

void
WriteRowsJson(std::ostream &stream, const Result &result, const std::vector<int> &rows)
{
	const PGresult *raw = result.Raw();
	int columns = result.Columns();
	/* keys and kinds once per column, not once per field */
	std::vector<std::string> keys(static_cast<std::size_t>(columns));
	std::vector<Oid> types(static_cast<std::size_t>(columns));
	for (int c = 0; c < columns; c++) {
		std::string name = result.ColumnName(c);
		AppendJsonString(&keys[static_cast<std::size_t>(c)], name.data(), name.size());
		keys[static_cast<std::size_t>(c)] += ':';
		types[static_cast<std::size_t>(c)] = result.ColumnType(c);
	}
	/* written in chunks through one buffer: megabytes of rows never sit in memory twice */
	constexpr std::size_t kChunk = 64 * 1024;
	std::string out;
	out.reserve(kChunk + 4096);
	out += '[';
	for (std::size_t i = 0; i < rows.size(); i++) {
		int r = rows[i];
		out += i == 0 ? "\n{" : ",\n{";
		for (int c = 0; c < columns; c++) {
			if (c > 0)
				out += ',';
			out += keys[static_cast<std::size_t>(c)];
			if (PQgetisnull(raw, r, c)) {
				out += "null";
				continue;
			}
			const char *value = PQgetvalue(raw, r, c);
			Oid type = types[static_cast<std::size_t>(c)];
			if (type == kBoolOid)
				out += value[0] == 't' ? "true" : "false";
			else if ((IsInteger(type) || IsFractional(type)) && IsJsonNumber(value))
				out += value;
			else
				AppendJsonString(&out, value, static_cast<std::size_t>(PQgetlength(raw, r, c)));
		}
		out += '}';
		if (out.size() >= kChunk) {
			stream.write(out.data(), static_cast<std::streamsize>(out.size()));
			out.clear();
		}
	}
	out += rows.empty() ? "]" : "\n]";
	stream.write(out.data(), static_cast<std::streamsize>(out.size()));
}

std::string
RowsJsonText(const Result &result, const std::vector<int> &rows)
{
	std::ostringstream text;
	WriteRowsJson(text, result, rows);
	return text.str();
}

std::string
RowsJsonText(const Result &result)
{
	return RowsJsonText(result, AllRows(result));
}

std::function<void(std::ostream &)>
RowsJsonWriter(std::shared_ptr<const Result> result, std::vector<int> rows)
{
	return [result = std::move(result), rows = std::move(rows)](std::ostream &stream) {
		WriteRowsJson(stream, *result, rows);
	};
}

std::vector<int>
AllRows(const Result &result)
{
	std::vector<int> rows(static_cast<std::size_t>(result.Rows()));
	for (int r = 0; r < result.Rows(); r++)
		rows[static_cast<std::size_t>(r)] = r;
	return rows;
}

Table
ResultTable(const Result &result, const std::vector<std::string> &columns, const std::vector<int> &rows)
{
	Table table;
	std::vector<int> indexes;
	for (const std::string &name : columns) {
		int column = result.Column(name.c_str());
		indexes.push_back(column);
		table.headers.push_back(name);
		Oid type = result.ColumnType(column);
		table.right_aligned.push_back(IsInteger(type) || IsFractional(type));
	}
	for (int row : rows) {
		std::vector<std::string> cells;
		for (int column : indexes)
			cells.push_back(FieldText(result, row, column));
		table.rows.push_back(std::move(cells));
	}
	return table;
}

Table
ResultTable(const Result &result, const std::vector<std::string> &columns)
{
	return ResultTable(result, columns, AllRows(result));
}

} // namespace pgmigrate::client
