/*
 * schema_state.hpp — schema fingerprints: the state each action leaves, and
 * drift from it.
 *
 * migrate.describe() (SQL, catalog 0.1.4) describes the schema one object a
 * row; after every apply() batch, rollback(), resolve(), baseline(), runner
 * step and accept_drift() the description is kept in migrate.schema_state
 * and its sha256 in the action's history row. Drift is whatever differs
 * between that state and a fresh description, however it was made (before
 * the extension, with capture off, by a restore, where event triggers are
 * forbidden): apply() checks it first (pg_migrate.drift_gate), validate()
 * reports it, `pg_migrate diff` shows it.
 */
#pragma once

#include "catalog.hpp"

#include <string>
#include <vector>

namespace pgmigrate {

struct SchemaChange {
	std::string kind, object, change; /* change: added, removed, changed */
};

/* Whether this catalog keeps schema state (0.1.4 on) and an action has recorded one. */
bool HasRecordedState();

/*
 * Describes the schema into migrate.schema_state and stores its fingerprint
 * in the newest history row of (stream, version); returns the fingerprint
 * ("" on a catalog from before 0.1.4). Run once per batch, not per migration.
 */
std::string RecordSchemaState(const std::string &stream, const std::string &version);

/* What differs between the recorded state and the live schema (empty when nothing, or nothing recorded). */
std::vector<SchemaChange> SchemaDrift();

/* "changed table public.accounts, added index public.x, ..." (at most limit, then "and N more"). */
std::string DescribeDrift(const std::vector<SchemaChange> &drift, std::size_t limit = 20);

/*
 * Before an action on a drifted schema: snapshots the live description (a
 * temporary table of this transaction), so RecordSchemaState takes into the
 * recorded state only what the action itself changes.
 */
void KeepDriftAcross();

/* The pre-apply gate: warns about or refuses (MG011) a drifted schema, per pg_migrate.drift_gate. */
void CheckDriftGate();

/* accept_drift(): records the live schema as the new baseline (history action accept-drift); its fingerprint. */
std::string AcceptDrift();

} // namespace pgmigrate
