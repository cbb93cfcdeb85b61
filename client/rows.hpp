/*
 * rows.hpp — query results turned into JSON rows and text tables.
 */
#pragma once

#include "connection.hpp"
#include "output.hpp"

#include <nlohmann/json.hpp>

#include <functional>
#include <iosfwd>
#include <memory>
#include <string>
#include <vector>

namespace pgmigrate::client {

/* One field: numbers and booleans typed by the column's type, NULL as null, the rest as strings. */
nlohmann::json FieldJson(const Result &result, int row, int column);

/* One row as an object keyed by column name. */
nlohmann::json RowJson(const Result &result, int row);

/*
 * Writes the given rows as a JSON array, typed as FieldJson does, one row per
 * line. Written by hand because it must stay fast for tens of thousands of rows.
 */
void WriteRowsJson(std::ostream &stream, const Result &result, const std::vector<int> &rows);

/* The same as text. */
std::string RowsJsonText(const Result &result, const std::vector<int> &rows);

/* Every row as RowsJsonText. */
std::string RowsJsonText(const Result &result);

/* For Output::Raw: writes the rows when the document is emitted, straight to stdout. */
std::function<void(std::ostream &)> RowsJsonWriter(std::shared_ptr<const Result> result, std::vector<int> rows);

/* 0 .. Rows() - 1. */
std::vector<int> AllRows(const Result &result);

/* The named columns of the given rows as a table. */
Table ResultTable(const Result &result, const std::vector<std::string> &columns, const std::vector<int> &rows);

/* The named columns of every row as a table. */
Table ResultTable(const Result &result, const std::vector<std::string> &columns);

/* A table cell for one field: NULL as empty, fractional numbers to 3 decimals. */
std::string FieldText(const Result &result, int row, int column);

} // namespace pgmigrate::client
