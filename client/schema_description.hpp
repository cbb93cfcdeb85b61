/*
 * schema_description.hpp — migrate.describe() rows on the client side, and
 * what differs between two of them (the server describes; the client only
 * compares the text it got back, object by object).
 *
 * Used by `pg_migrate diff --against-folder` and by `pg_migrate test`, whose
 * round trip shows what a down section left behind or removed too much.
 */
#pragma once

#include "connection.hpp"

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace pgmigrate::client {

/* (kind, object) -> description */
using Description = std::map<std::pair<std::string, std::string>, std::string>;

/* migrate.describe() of the database conn is connected to. */
Description Describe(Connection &conn);

/* The description the last recorded action left (migrate.schema_state): a table read, nothing computed. */
Description RecordedDescription(Connection &conn);

struct SchemaChange {
	std::string kind, object, change; /* change: added, removed, changed */
	std::optional<std::string> before, after;
};

/* Every object whose description differs, sorted by (kind, object). */
std::vector<SchemaChange> CompareDescriptions(const Description &before, const Description &after);

/* A unified diff of each change, the "---" side labelled before_label, the "+++" side after_label. */
std::string ChangesText(const std::vector<SchemaChange> &changes, const std::string &before_label,
                        const std::string &after_label);

} // namespace pgmigrate::client
