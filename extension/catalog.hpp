/*
 * catalog.hpp — typed access to the migrate.* tables.
 *
 * Every function runs its queries inside a pg::CatalogScope (owner, pinned
 * search_path). The SQL stays here so the table layout is known in one place.
 */
#pragma once

#include "pg_api.hpp"

#include "lint.hpp"
#include "script.hpp"

#include <optional>
#include <map>
#include <string>
#include <vector>

namespace pgmigrate {

/*
 * What migrate.migrations holds of a migration: what register() writes
 * (NewMigration) and apply() reads back (Migration). The directives are the
 * parser's own struct (script.hpp), copied from a parsed Script whole.
 */
struct MigrationRecord : StoredDirectives {
	std::string stream, version, name, version_key;
	std::string up_sql, verify_sql, down_sql; /* down/verify empty when absent */
	bool has_verify = false, has_down = false;
	int up_line = 1, verify_line = 0, down_line = 0;
	std::string checksum, source;

	std::string
	Label() const
	{
		return stream + "/" + version + "_" + name;
	}
};

/* A registered migration as apply() needs it. */
struct Migration : MigrationRecord {
	std::string state;
	long long applied_seq = 0;        /* history id of the action that applied it */
	std::string lint_warnings;        /* filled by apply()'s plan, kept in the history row */
	std::vector<Finding> lint_at_run; /* apply(): errors decided when their statement runs (lint_here.hpp) */
	/* apply(): the up section's statements as its lint split them, so they run without a second split */
	std::vector<Statement> up_statements;
	bool up_split = false;
	Oid author = InvalidOid; /* role that wrote or vouched for the text: LoadAuthors (trust.hpp) */
	std::string author_name; /* registered_by, as it was recorded */
	bool vouched = false;    /* apply(): the caller named this checksum */
};

/* Existing registration of (stream, version key), if any. */
struct Registration {
	bool exists = false;
	std::string version, checksum, state;
};

/* A migration as register() stores it. */
struct NewMigration : MigrationRecord {
	std::string script; /* the whole file as uploaded */
	/* the down section does not parse: stored as no down with down_line kept (broken_down.hpp) */
	std::string down_problem;
	bool repeatable = false; /* -- migrate:repeatable: a change after apply makes it pending again (not stored) */
	std::string registered_by;
	Oid author = InvalidOid;
};

/* One history row; empty strings are stored as NULL. */
struct HistoryEntry {
	std::string stream, version, name, action, status;
	TimestampTz started_at = 0, finished_at = 0;
	double duration_ms = 0;
	std::string checksum, db_version, role, application_name;
	std::string sqlstate, message, detail, context, statement;
	int line = 0;
};

namespace catalog {

/* A history row for action/status over [start, end], by the current role. */
HistoryEntry Entry(const char *action, const char *status, TimestampTz start, TimestampTz end);

bool StreamExists(const std::string &stream);
void EnsureStream(const std::string &stream);
Registration FindRegistration(const std::string &stream, const std::string &version_key);
/* Inserts the rows in one statement. */
void InsertMigrations(const std::vector<NewMigration> &rows);
/* The existing registrations of (stream, version key) pairs, in one query; a key not registered is absent. */
std::map<std::pair<std::string, std::string>, Registration>
FindRegistrations(const std::vector<std::pair<std::string, std::string>> &keys);
void UpdatePendingMigration(const NewMigration &m);

/* Pending (or last-failed) migrations of one stream or all, in apply order. */
std::vector<Migration> LoadPending(const Value &stream);
/* Applied migrations of one stream or all, newest application first. */
std::vector<Migration> LoadApplied(const Value &stream);
/* Every registered migration, in apply order. */
std::vector<Migration> LoadAll();
/*
 * The registered migrations that can have a problem — not applied, or with
 * requirements — without their SQL texts (up_sql etc. empty), in apply order.
 */
std::vector<Migration> LoadOpenSummaries();
/* The registered migrations whose down section did not parse (broken_down.hpp), without SQL texts. */
std::vector<Migration> LoadBrokenDownSummaries();
/* The whole script as it was uploaded; "" when not registered. */
std::string StoredScript(const std::string &stream, const std::string &version);
/* The distinct db-version values of applied migrations. */
std::vector<std::string> AppliedDbVersions();
std::optional<Migration> LoadMigration(const std::string &stream, const std::string &version_key);
/* Highest applied version key of stream ("" when none), for out-of-order checks. */
std::string AppliedMaxKey(const std::string &stream);

/* AppliedMaxKey, read once per stream and only for the streams asked about. */
class AppliedMaxKeys {
public:
	const std::string &
	Of(const std::string &stream)
	{
		auto it = keys_.find(stream);
		if (it == keys_.end())
			it = keys_.emplace(stream, AppliedMaxKey(stream)).first;
		return it->second;
	}

private:
	std::map<std::string, std::string> keys_;
};
/* Applied, or queued for the runner ahead of anything planned now. */
bool IsAppliedOrQueued(const std::string &stream, const std::string &version);

/* Each logs h and sets the migration's state, in one statement. */
void RecordApplied(const Migration &m, const HistoryEntry &h);
/*
 * RecordApplied for a whole batch in one statement, rows in the given order
 * (one INSERT and one UPDATE instead of one pair per migration). Every entry
 * is action "apply", status "succeeded", by the same role and application;
 * only the fields that differ per migration are sent.
 */
struct AppliedEntry {
	const Migration *migration;
	HistoryEntry history;
};
void RecordAppliedBatch(const std::vector<AppliedEntry> &entries);
void RecordPending(const Migration &m, const HistoryEntry &h);
void RecordFailed(const Migration &m, const HistoryEntry &h);
/* Logs h only. */
void RecordHistory(const Migration &m, const HistoryEntry &h);
/* Replaces the stored content and checksum of a registered migration (repair). */
void ReplaceContent(const NewMigration &m);
/* Records who wrote or vouches for the stored text (trust.hpp). */
void SetAuthor(const std::string &stream, const std::string &version, Oid author, const std::string &author_name);
/* Fills author and author_name of each migration. */
void LoadAuthors(std::vector<Migration> &migrations);
Oid AuthorOf(const std::string &stream, const std::string &version);

struct CompatibilityRow {
	std::string db_version, min_version, max_version;
};
std::vector<CompatibilityRow> CompatibilityRows(const std::string &component);

/* drift() rows; acknowledges one entry (false when there is none). */
void DriftInto(FunctionCallInfo fcinfo, bool include_acknowledged); /* catalog_results.cpp, server only */
bool AcknowledgeDrift(long long id);
/* (id, "command_tag object_identity") of unacknowledged drift. */
std::vector<std::pair<std::string, std::string>> UnacknowledgedDrift();

/*
 * status()'s query when no background work is anywhere (idle: $1 stream),
 * and when some is ($2: the running migrations whose runner died).
 */
const std::string &StatusIdleSql();
const std::string &StatusBusySql();

/* status() rows, shaped like its result type (catalog_results.cpp, server only). */
void StatusInto(FunctionCallInfo fcinfo, const Value &stream, const std::vector<std::string> &interrupted,
                bool runner_idle);

} // namespace catalog
} // namespace pgmigrate
