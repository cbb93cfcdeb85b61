/*
 * status_columns.hpp — the one list of status()'s result columns and where
 * each comes from in migrate.migrations.
 *
 * status() has three implementations: the index-order scan (status_scan.cpp)
 * and two SQL queries (catalog.cpp, with and without a runner at work). All
 * three take their columns from this list, so they cannot disagree on an
 * order or a source; the scan also checks the names status() is declared
 * with, and reads nothing when they differ.
 */
#pragma once

#include <string>

namespace pgmigrate {

enum class StatusSource {
	kStored,  /* the column as stored */
	kPresent, /* whether the column is NOT NULL */
	kRunner,  /* only the runner's job knows it: NULL while no runner works */
};

struct StatusColumn {
	const char *name;   /* status()'s column */
	const char *source; /* the column of migrate.migrations it comes from; nullptr for kRunner */
	StatusSource kind;
};

inline constexpr StatusColumn kStatusColumns[] = {
    {"stream", "stream", StatusSource::kStored},
    {"version", "version", StatusSource::kStored},
    {"name", "name", StatusSource::kStored},
    {"state", "state", StatusSource::kStored},
    {"applied_at", "applied_at", StatusSource::kStored},
    {"duration_ms", "duration_ms", StatusSource::kStored},
    {"transactional", "transactional", StatusSource::kStored},
    {"has_down", "down_sql", StatusSource::kPresent},
    {"db_version", "db_version", StatusSource::kStored},
    {"checksum", "checksum", StatusSource::kStored},
    {"progress", nullptr, StatusSource::kRunner},
};
inline constexpr int kStatusColumnCount = static_cast<int>(sizeof kStatusColumns / sizeof kStatusColumns[0]);

/*
 * The select list of a status() query over "migrate.migrations m": each
 * column from its source; state_sql replaces the state column when given
 * (a running step whose runner died reads "interrupted"), runner_sql gives
 * the runner's columns (NULL when no runner works).
 */
inline std::string
StatusSelectList(const char *state_sql, const char *runner_sql)
{
	std::string list;
	for (const StatusColumn &c : kStatusColumns) {
		if (!list.empty())
			list += ", ";
		if (c.kind == StatusSource::kRunner)
			list += runner_sql;
		else if (state_sql != nullptr && std::string(c.name) == "state")
			list += state_sql;
		else
			list += std::string("m.") + c.source + (c.kind == StatusSource::kPresent ? " IS NOT NULL" : "");
		/* named as status() declares them: a client reading the query itself (managed mode) finds them by name */
		list += std::string(" AS ") + c.name;
	}
	return list;
}

} // namespace pgmigrate
