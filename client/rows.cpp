/* rows.cpp — results to JSON and tables (see rows.hpp). */
#include "rows.hpp"

#include <cmath>
#include <cstdio>
#include <cstdlib>

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

nlohmann::json
RowsJson(const Result &result)
{
	nlohmann::json array = nlohmann::json::array();
	for (int r = 0; r < result.Rows(); r++)
		array.push_back(RowJson(result, r));
	return array;
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
	std::vector<int> rows;
	for (int r = 0; r < result.Rows(); r++)
		rows.push_back(r);
	return ResultTable(result, columns, rows);
}

} // namespace pgmigrate::client
