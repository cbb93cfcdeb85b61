/*
 * catalog_results.cpp — the catalog reads that fill a SQL-callable
 * function's result set directly (status(), drift()): the server's side
 * only; their SQL is catalog.cpp's.
 */
#include "catalog.hpp"

#include "sql_values.hpp"
#include "status_scan.hpp"

namespace pgmigrate {
namespace catalog {

void
DriftInto(FunctionCallInfo fcinfo, bool include_acknowledged)
{
	pg::CatalogScope scope;
	pg::QueryIntoResult(fcinfo,
	                    "SELECT id, at, role, command_tag, object_type, object_identity, query, acknowledged "
	                    "FROM migrate.drift_log WHERE $1::boolean OR NOT acknowledged ORDER BY id",
	                    {Bool(include_acknowledged)});
}

void
StatusInto(FunctionCallInfo fcinfo, const Value &stream, const std::vector<std::string> &interrupted, bool runner_idle)
{
	pg::CatalogScope scope;
	if (runner_idle) {
		/* No background work anywhere: the plain catalog read (a deploy's first round trip). */
		std::vector<std::string> streams;
		for (auto &r : pg::Query("SELECT name FROM migrate.streams WHERE $1::text IS NULL OR name = $1 "
		                         "ORDER BY position, name",
		                         {stream}))
			streams.push_back(Str(r[0]));
		if (ScanStatusInto(fcinfo, streams))
			return;
		pg::QueryIntoResult(fcinfo, StatusIdleSql().c_str(), {stream});
		return;
	}
	pg::QueryIntoResult(fcinfo, StatusBusySql().c_str(), {stream, TextArray(interrupted)});
}

} // namespace catalog
} // namespace pgmigrate
