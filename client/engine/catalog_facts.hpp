/*
 * catalog_facts.hpp — the client engine's answers to lint_catalog.hpp, read
 * with pg_catalog queries over the client's own libpq connection (no
 * extension needed). lint_catalog_client.cpp takes the names out of the
 * parse nodes and asks these; every SQL value travels as a parameter.
 */
#pragma once

#include "connection.hpp"

#include <optional>
#include <string>
#include <vector>

namespace pgmigrate::client::engine {

/* Makes conn the database the facts are read from, for the scope's lifetime (one engine run). */
class CatalogConnection {
public:
	explicit CatalogConnection(Connection &conn);
	~CatalogConnection();
	CatalogConnection(const CatalogConnection &) = delete;
	CatalogConnection &operator=(const CatalogConnection &) = delete;
};

/* A relation as a statement names it: schema empty when unqualified. */
struct NamedRelation {
	std::string schema, name;
};

bool LintStrictSetting();
bool AllFunctionsVolatile(const std::string &schema, const std::string &name, int nargs);
bool ColumnNotNullProven(const NamedRelation &relation, const std::string &column);
/*
 * Whether changing the column to type_name (without modifiers) with type
 * modifier new_typmod (-1: none) keeps its data: the same type with a
 * modifier that only widens, a binary-coercible cast without a modifier,
 * or timestamp <-> timestamptz with TimeZone UTC.
 */
bool TypeChangeKeepsStoredData(const NamedRelation &relation, const std::string &column, const std::string &type_name,
                               int new_typmod);
/* The tables (partitions, children, and with cascade the referencing tables) hold rows; nullopt when locked. */
std::optional<bool> RelationsHoldRows(const std::vector<NamedRelation> &relations, bool cascade);

} // namespace pgmigrate::client::engine
