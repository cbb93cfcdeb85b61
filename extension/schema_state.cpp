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

namespace {

/* fingerprint()'s hash of the rows of description d (kind, object, description), in "C" order */
#define FINGERPRINT_OF(d)                                                                                              \
	"SELECT pg_catalog.encode(pg_catalog.sha256(pg_catalog.convert_to(coalesce(pg_catalog.string_agg("                 \
	"kind || ' ' || object || E'\\n' || description, E'\\n' ORDER BY kind COLLATE \"C\", object COLLATE \"C\"), ''), " \
	"'UTF8')), 'hex') FROM " d

/* describes once (d), writes it through the CTEs given, returns its fingerprint */
#define RECORD_STATE(writes)                                                                                           \
	"WITH d AS MATERIALIZED (SELECT * FROM migrate.describe()), " writes " " FINGERPRINT_OF("d")
#define INSERT_STATE                                                                                                   \
	"INSERT INTO migrate.schema_state AS s (kind, object, description) SELECT kind, object, description FROM d"

/*
 * The recorded state becomes the live description, in one statement that
 * describes once and writes only the rows that changed: a runner step
 * records the state after each migration, and rewriting every row each
 * time would leave a dead row per object per step. The first state a
 * database records (a fresh database's first deploy) is plain inserts: no
 * conflicts to look for. Returns its fingerprint.
 */
std::string
RecordWholeState()
{
	bool first = pg::Query("SELECT 1 FROM migrate.schema_state LIMIT 1", {}).empty();
	const char *sql = first ? RECORD_STATE("put AS (" INSERT_STATE ")")
	                        : RECORD_STATE("gone AS (DELETE FROM migrate.schema_state s WHERE NOT EXISTS "
	                                       "(SELECT 1 FROM d WHERE d.kind = s.kind AND d.object = s.object)), "
	                                       "put AS (" INSERT_STATE " ON CONFLICT (kind, object) DO UPDATE "
	                                       "SET description = excluded.description "
	                                       "WHERE s.description IS DISTINCT FROM excluded.description)");
	return Str(pg::Query(sql, {}).at(0)[0]);
}

#undef INSERT_STATE
#undef RECORD_STATE

/*
 * The schema had drifted before this action: only what the action itself
 * changed enters the recorded state, so the drift stays visible until
 * someone accepts it. Returns the recorded state's fingerprint.
 */
std::string
RecordActionsChanges()
{
	pg::Exec("CREATE TEMP TABLE pg_migrate_schema_after ON COMMIT DROP AS SELECT * FROM migrate.describe()", {});
	pg::Exec("CREATE TEMP TABLE pg_migrate_schema_changed ON COMMIT DROP AS "
	         "SELECT coalesce(b.kind, a.kind) AS kind, coalesce(b.object, a.object) AS object "
	         "FROM pg_temp.pg_migrate_schema_before b FULL JOIN pg_temp.pg_migrate_schema_after a "
	         "ON a.kind = b.kind AND a.object = b.object WHERE a.description IS DISTINCT FROM b.description",
	         {});
	pg::Exec("DELETE FROM migrate.schema_state s USING pg_temp.pg_migrate_schema_changed c "
	         "WHERE s.kind = c.kind AND s.object = c.object",
	         {});
	pg::Exec("INSERT INTO migrate.schema_state (kind, object, description) SELECT a.kind, a.object, a.description "
	         "FROM pg_temp.pg_migrate_schema_after a JOIN pg_temp.pg_migrate_schema_changed c "
	         "ON a.kind = c.kind AND a.object = c.object",
	         {});
	pg::Exec("DROP TABLE pg_temp.pg_migrate_schema_before, pg_temp.pg_migrate_schema_after, "
	         "pg_temp.pg_migrate_schema_changed",
	         {});
	return Str(pg::Query(FINGERPRINT_OF("migrate.schema_state"), {}).at(0)[0]);
}

#undef FINGERPRINT_OF

} // namespace

std::string
RecordSchemaState(const std::string &stream, const std::string &version)
{
	pg::CatalogScope scope;
	if (!pg::CatalogHasColumn("history", "fingerprint"))
		return "";
	bool drifted_before =
	    pg::Query("SELECT pg_catalog.to_regclass('pg_temp.pg_migrate_schema_before')", {}).at(0)[0].has_value();
	std::string fingerprint = drifted_before ? RecordActionsChanges() : RecordWholeState();
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
KeepDriftAcross()
{
	pg::CatalogScope scope;
	if (!pg::Query("SELECT pg_catalog.to_regclass('pg_temp.pg_migrate_schema_before')", {}).at(0)[0])
		pg::Exec("CREATE TEMP TABLE pg_migrate_schema_before ON COMMIT DROP AS SELECT * FROM migrate.describe()", {});
}

void
CheckDriftGate()
{
	std::string gate = DriftGate();
	if (gate == "off") {
		if (!SchemaDrift().empty())
			KeepDriftAcross();
		return;
	}
	std::vector<SchemaChange> drift = SchemaDrift();
	if (drift.empty())
		return;
	KeepDriftAcross();
	std::string what = "schema drift since the last recorded action: " + DescribeDrift(drift);
	if (gate == "error")
		throw MigrateError(MG_SCHEMA_DRIFT, "the schema differs from the state the last recorded action left",
		                   DescribeDrift(drift, 200),
		                   "pg_migrate diff shows each difference; undo them, or record them as the new baseline "
		                   "with pg_migrate deploy --accept-drift (SELECT migrate.accept_drift()).");
	pg::Warning(what + " (pg_migrate diff shows them; pg_migrate deploy --accept-drift records them)", MG_SCHEMA_DRIFT);
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
