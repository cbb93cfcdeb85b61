/* schema_state.cpp — see schema_state.hpp. */
#include "schema_state.hpp"

#include "settings.hpp"
#include "sql_values.hpp"

namespace pgmigrate {

bool
HasRecordedState()
{
	pg::CatalogScope scope;
	if (!pg::CatalogHasColumn("history", "fingerprint"))
		return false;
	return !pg::Query("SELECT 1 FROM migrate.history WHERE fingerprint IS NOT NULL LIMIT 1", {}).empty();
}

std::string
RecordSchemaState(const std::string &stream, const std::string &version)
{
	pg::CatalogScope scope;
	if (!pg::CatalogHasColumn("history", "fingerprint"))
		return "";
	pg::Exec("DELETE FROM migrate.schema_state", {});
	pg::Exec("INSERT INTO migrate.schema_state (kind, object, description) SELECT * FROM migrate.describe()", {});
	/* the same text fingerprint() hashes; kind and object are COLLATE "C" columns, so the order is fixed */
	std::string fingerprint =
	    Str(pg::Query("SELECT pg_catalog.encode(pg_catalog.sha256(pg_catalog.convert_to(coalesce(pg_catalog.string_agg("
	                  "kind || ' ' || object || E'\\n' || description, E'\\n' ORDER BY kind, object), ''), 'UTF8')), "
	                  "'hex') FROM migrate.schema_state",
	                  {})
	            .at(0)[0]);
	pg::Exec("UPDATE migrate.history SET fingerprint = $3 WHERE id = (SELECT max(id) FROM migrate.history "
	         "WHERE stream = $1 AND version = $2)",
	         {stream, version, fingerprint});
	return fingerprint;
}

std::vector<SchemaChange>
SchemaDrift()
{
	std::vector<SchemaChange> out;
	if (!HasRecordedState())
		return out;
	pg::CatalogScope scope;
	for (auto &r : pg::Query("SELECT kind, object, change FROM migrate.schema_diff()", {}))
		out.push_back({Str(r[0]), Str(r[1]), Str(r[2])});
	return out;
}

std::string
DescribeDrift(const std::vector<SchemaChange> &drift, std::size_t limit)
{
	std::string text;
	for (std::size_t i = 0; i < drift.size() && i < limit; i++)
		text += (i > 0 ? ", " : "") + drift[i].change + " " + drift[i].kind + " " + drift[i].object;
	if (drift.size() > limit)
		text += " and " + std::to_string(drift.size() - limit) + " more";
	return text;
}

void
CheckDriftGate()
{
	std::string gate = DriftGate();
	if (gate == "off")
		return;
	std::vector<SchemaChange> drift = SchemaDrift();
	if (drift.empty())
		return;
	std::string what = "schema drift since the last recorded action: " + DescribeDrift(drift);
	if (gate == "error")
		throw MigrateError(MG_SCHEMA_DRIFT, "the schema differs from the state the last recorded action left",
		                   DescribeDrift(drift, 200),
		                   "pg_migrate diff shows each difference; undo them, or record them as the new baseline "
		                   "with pg_migrate deploy --accept-drift (SELECT migrate.accept_drift()).");
	pg::Warning(what + " (pg_migrate diff shows them; pg_migrate deploy --accept-drift records them)");
}

std::string
AcceptDrift()
{
	pg::LockMigrations();
	if (!pg::CatalogHasColumn("history", "fingerprint"))
		throw MigrateError(MG_UNKNOWN, "this catalog keeps no schema state yet", "",
		                   "Update it first: pg_migrate install (ALTER EXTENSION pg_migrate UPDATE).");
	std::string changes = DescribeDrift(SchemaDrift(), 200);
	Migration none;
	TimestampTz now = pg::Now();
	HistoryEntry h = catalog::Entry("accept-drift", "succeeded", now, now);
	h.message = changes.empty() ? "recorded the schema as the baseline" : "accepted drift: " + changes;
	catalog::RecordHistory(none, h);
	return RecordSchemaState("", "");
}

} // namespace pgmigrate
