/*
 * catalog.cpp — the SQL behind catalog.hpp.
 *
 * search_path is pinned to pg_catalog inside CatalogScope, but names are
 * still written out in full so each query reads the same anywhere.
 */
#include "catalog.hpp"

#include "sql_values.hpp"
#include "status_columns.hpp"

#include <cstdio>

namespace pgmigrate {
namespace catalog {

HistoryEntry
Entry(const char *action, const char *status, TimestampTz start, TimestampTz end)
{
	HistoryEntry h;
	h.action = action;
	h.status = status;
	h.started_at = start;
	h.finished_at = end;
	h.duration_ms = pg::MillisecondsBetween(start, end);
	h.role = pg::CurrentRoleName();
	h.application_name = pg::ApplicationName();
	return h;
}

bool
StreamExists(const std::string &stream)
{
	pg::CatalogScope scope;
	return !pg::Query("SELECT 1 FROM migrate.streams WHERE name = $1", {stream}).empty();
}

void
EnsureStream(const std::string &stream)
{
	pg::CatalogScope scope;
	pg::Exec("INSERT INTO migrate.streams (name, position) VALUES ($1, 100) ON CONFLICT (name) DO NOTHING", {stream});
}

Registration
FindRegistration(const std::string &stream, const std::string &version_key)
{
	pg::CatalogScope scope;
	auto rows = pg::Query("SELECT version, checksum, state FROM migrate.migrations "
	                      "WHERE stream = $1 AND version_key = $2",
	                      {stream, version_key});
	Registration r;
	if (!rows.empty()) {
		r.exists = true;
		r.version = Str(rows[0][0]);
		r.checksum = Str(rows[0][1]);
		r.state = Str(rows[0][2]);
	}
	return r;
}

namespace {

/*
 * The statements that write a migration's row: register() inserts it, or
 * updates a pending one in place; repair() replaces an applied one's
 * content. The author column came with catalog 0.1.3: an older catalog gets
 * the insert without it, and the updates leave it to SetAuthor.
 */
enum Write : unsigned {
	kInsert = 1u << 0,
	kInsertWithoutAuthor = 1u << 1,
	kReregister = 1u << 2,
	kRepair = 1u << 3,
};
constexpr unsigned kInserts = kInsert | kInsertWithoutAuthor;
constexpr unsigned kAllWrites = kInserts | kReregister | kRepair;

using ColumnValue = Value (*)(const NewMigration &m);

/* A column of migrate.migrations that the writes set, with the text of its parameter. */
struct WrittenColumn {
	const char *name;
	const char *cast;  /* of the text parameter; "" for a text column */
	ColumnValue value; /* nullptr: no parameter, the time of the statement */
	unsigned writes;   /* the Write statements that set it */
	bool key = false;  /* an update's row: in its WHERE, not its SET */
	bool keep = false; /* repair: a NULL keeps the stored value (repair() is given no source) */
};

/* In the order of the INSERT's column list; each write numbers its parameters in this order. */
const WrittenColumn kWrittenColumns[] = {
    {"stream", "", [](const NewMigration &m) -> Value { return m.stream; }, kAllWrites, /* key */ true},
    {"version", "", [](const NewMigration &m) -> Value { return m.version; }, kAllWrites, /* key */ true},
    {"name", "", [](const NewMigration &m) -> Value { return m.name; }, kAllWrites},
    {"up_sql", "", [](const NewMigration &m) -> Value { return m.up_sql; }, kAllWrites},
    {"down_sql", "", [](const NewMigration &m) { return m.has_down ? Value(m.down_sql) : Value(); }, kAllWrites},
    {"verify_sql", "", [](const NewMigration &m) { return m.has_verify ? Value(m.verify_sql) : Value(); }, kAllWrites},
    {"transactional", "::boolean", [](const NewMigration &m) { return Bool(m.transactional); }, kAllWrites},
    {"requires", "::text[]", [](const NewMigration &m) { return TextArray(m.requires_); }, kAllWrites},
    {"db_version", "", [](const NewMigration &m) { return Opt(m.db_version); }, kAllWrites},
    {"allow", "::text[]", [](const NewMigration &m) { return TextArray(m.allow); }, kAllWrites},
    {"lock_timeout", "", [](const NewMigration &m) { return Opt(m.lock_timeout); }, kAllWrites},
    {"checksum", "", [](const NewMigration &m) -> Value { return m.checksum; }, kAllWrites},
    {"source", "", [](const NewMigration &m) { return Opt(m.source); }, kAllWrites, /* key */ false, /* keep */ true},
    {"registered_at", "", nullptr, kInserts | kReregister},
    {"registered_by", "", [](const NewMigration &m) -> Value { return m.registered_by; }, kAllWrites},
    {"version_key", "", [](const NewMigration &m) -> Value { return m.version_key; }, kInserts},
    {"out_of_order", "::boolean", [](const NewMigration &m) { return Bool(m.out_of_order); }, kAllWrites},
    {"script", "", [](const NewMigration &m) -> Value { return m.script; }, kAllWrites},
    {"up_line", "::int", [](const NewMigration &m) { return Int(m.up_line); }, kAllWrites},
    {"down_line", "::int", [](const NewMigration &m) { return OptInt(m.down_line); }, kAllWrites},
    {"verify_line", "::int", [](const NewMigration &m) { return OptInt(m.verify_line); }, kAllWrites},
    {"author", "::oid", [](const NewMigration &m) -> Value { return std::to_string(m.author); }, kInsert},
};

/* One write's SQL and the columns whose values are its parameters $1, $2, ... */
struct WriteSql {
	std::string sql;
	std::vector<const WrittenColumn *> params;
};

/* An update's SQL; built once per backend (a function-local static of each caller), not per migration. */
WriteSql
BuildUpdate(Write write)
{
	WriteSql w;
	std::string set, where;
	for (const WrittenColumn &c : kWrittenColumns) {
		if ((c.writes & write) == 0)
			continue;
		std::string value = "pg_catalog.now()";
		if (c.value != nullptr) {
			w.params.push_back(&c);
			value = "$" + std::to_string(w.params.size()) + c.cast;
		}
		std::string name = c.name;
		if (c.key) {
			where += (where.empty() ? "" : " AND ") + name + " = " + value;
		} else {
			if (write == kRepair && c.keep)
				value = "coalesce(" + value + ", " + name + ")";
			set += (set.empty() ? "" : ", ") + name + " = " + value;
		}
	}
	w.sql = "UPDATE migrate.migrations SET " + set + " WHERE " + where;
	return w;
}

/*
 * register()'s insert, of many rows in one statement: each parameter is the
 * text[] of one column, unnested in step, so executor start and reading the
 * table's CHECK expressions are paid once per call, not per migration. ROWS FROM,
 * because unnest's many-array form exists only unqualified (search_path).
 */
WriteSql
BuildInsert(Write insert)
{
	WriteSql w;
	std::string columns, values, params, names;
	for (const WrittenColumn &c : kWrittenColumns) {
		if ((c.writes & insert) == 0)
			continue;
		std::string value = "pg_catalog.now()";
		if (c.value != nullptr) {
			w.params.push_back(&c);
			std::string n = std::to_string(w.params.size());
			params += (params.empty() ? "pg_catalog.unnest($" : ", pg_catalog.unnest($") + n + ")";
			names += (names.empty() ? "c" : ", c") + n;
			value = "r.c" + n + c.cast;
		}
		columns += (columns.empty() ? "" : ", ") + std::string(c.name);
		values += (values.empty() ? "" : ", ") + value;
	}
	w.sql = "INSERT INTO migrate.migrations (" + columns + ") SELECT " + values + " FROM ROWS FROM (" + params +
	        ") AS r(" + names + ")";
	return w;
}

void
ExecWrite(const WriteSql &w, const NewMigration &m)
{
	std::vector<Value> args;
	args.reserve(w.params.size());
	for (const WrittenColumn *c : w.params)
		args.push_back(c->value(m));
	pg::Exec(w.sql.c_str(), args);
}

} // namespace

void
InsertMigrations(const std::vector<NewMigration> &rows)
{
	static const WriteSql kWithAuthor = BuildInsert(kInsert);
	static const WriteSql kWithoutAuthor = BuildInsert(kInsertWithoutAuthor);
	if (rows.empty())
		return;
	pg::CatalogScope scope;
	const WriteSql &w = pg::CatalogHasColumn("migrations", "author") ? kWithAuthor : kWithoutAuthor;
	std::vector<std::vector<Value>> columns(w.params.size());
	for (std::size_t i = 0; i < w.params.size(); i++) {
		columns[i].reserve(rows.size());
		for (const NewMigration &m : rows)
			columns[i].push_back(w.params[i]->value(m));
	}
	pg::ExecColumns(w.sql.c_str(), columns);
}

std::map<std::pair<std::string, std::string>, Registration>
FindRegistrations(const std::vector<std::pair<std::string, std::string>> &keys)
{
	std::map<std::pair<std::string, std::string>, Registration> found;
	if (keys.empty())
		return found;
	std::vector<std::vector<Value>> columns(2);
	for (const auto &key : keys) {
		columns[0].push_back(key.first);
		columns[1].push_back(key.second);
	}
	pg::CatalogScope scope;
	for (const Row &r :
	     pg::QueryColumns("SELECT m.stream, m.version_key, m.version, m.checksum, m.state "
	                      "FROM ROWS FROM (pg_catalog.unnest($1), pg_catalog.unnest($2)) AS k(stream, version_key) "
	                      "JOIN migrate.migrations m ON m.stream = k.stream AND m.version_key = "
	                      "k.version_key",
	                      columns)) {
		Registration &reg = found[{Str(r[0]), Str(r[1])}];
		reg.exists = true;
		reg.version = Str(r[2]);
		reg.checksum = Str(r[3]);
		reg.state = Str(r[4]);
	}
	return found;
}

void
UpdatePendingMigration(const NewMigration &m)
{
	static const WriteSql kReregisterSql = BuildUpdate(kReregister);
	pg::CatalogScope scope;
	ExecWrite(kReregisterSql, m);
	SetAuthor(m.stream, m.version, m.author, m.registered_by);
}

namespace {

/* Columns every loader selects, in the order ToMigration reads them. */
#define MIGRATION_COLUMNS                                                                                              \
	"m.stream, m.version, m.name, m.version_key, m.up_sql, m.verify_sql, m.up_line, m.verify_line, "                   \
	"m.transactional, m.out_of_order, m.checksum, m.db_version, m.lock_timeout, m.source, m.state, m.requires, "       \
	"m.down_sql, m.down_line, m.applied_seq, m.allow "

std::vector<Migration>
ToMigrations(const std::vector<Row> &rows)
{
	std::vector<Migration> out;
	out.reserve(rows.size());
	for (auto &r : rows) {
		Migration m;
		m.stream = Str(r[0]);
		m.version = Str(r[1]);
		m.name = Str(r[2]);
		m.version_key = Str(r[3]);
		m.up_sql = Str(r[4]);
		m.has_verify = r[5].has_value();
		m.verify_sql = Str(r[5]);
		m.up_line = std::stoi(Str(r[6]));
		m.verify_line = r[7] ? std::stoi(*r[7]) : 0;
		m.transactional = Str(r[8]) == "t";
		m.out_of_order = Str(r[9]) == "t";
		m.checksum = Str(r[10]);
		m.db_version = Str(r[11]);
		m.lock_timeout = Str(r[12]);
		m.source = Str(r[13]);
		m.state = Str(r[14]);
		m.requires_ = ParseArray(r[15]);
		m.has_down = r[16].has_value();
		m.down_sql = Str(r[16]);
		m.down_line = r[17] ? std::stoi(*r[17]) : 0;
		m.applied_seq = r[18] ? std::stoll(*r[18]) : 0;
		m.allow = ParseArray(r[19]);
		out.push_back(std::move(m));
	}
	return out;
}

} // namespace

std::vector<Migration>
LoadPending(const Value &stream)
{
	pg::CatalogScope scope;
	return ToMigrations(pg::Query("SELECT " MIGRATION_COLUMNS
	                              "FROM migrate.migrations m JOIN migrate.streams s ON s.name = m.stream "
	                              "WHERE m.state IN ('pending', 'failed') AND ($1::text IS NULL OR m.stream = $1) "
	                              "ORDER BY s.position, s.name, m.version_key",
	                              {stream}));
}

std::vector<Migration>
LoadApplied(const Value &stream)
{
	pg::CatalogScope scope;
	return ToMigrations(pg::Query("SELECT " MIGRATION_COLUMNS "FROM migrate.migrations m "
	                              "WHERE m.state = 'applied' AND ($1::text IS NULL OR m.stream = $1) "
	                              "ORDER BY m.applied_seq DESC NULLS LAST, m.version_key DESC",
	                              {stream}));
}

std::vector<Migration>
LoadAll()
{
	pg::CatalogScope scope;
	return ToMigrations(pg::Query("SELECT " MIGRATION_COLUMNS
	                              "FROM migrate.migrations m JOIN migrate.streams s ON s.name = m.stream "
	                              "ORDER BY s.position, s.name, m.version_key",
	                              {}));
}

std::vector<Migration>
LoadOpenSummaries()
{
	pg::CatalogScope scope;
	/* The same columns as MIGRATION_COLUMNS without the SQL texts: validate() needs no script. */
	return ToMigrations(pg::Query(
	    "SELECT m.stream, m.version, m.name, m.version_key, NULL::text, NULL::text, m.up_line, m.verify_line, "
	    "m.transactional, m.out_of_order, m.checksum, m.db_version, m.lock_timeout, m.source, m.state, m.requires, "
	    "NULL::text, m.down_line, m.applied_seq, m.allow "
	    "FROM migrate.migrations m JOIN migrate.streams s ON s.name = m.stream "
	    "WHERE m.state <> 'applied' OR m.requires <> '{}' " /* the predicate of migrations_open_idx */
	    "ORDER BY s.position, s.name, m.version_key",
	    {}));
}

std::vector<Migration>
LoadBrokenDownSummaries()
{
	pg::CatalogScope scope;
	/* down_line without down_sql: a down section register() could not parse (broken_down.hpp) */
	return ToMigrations(pg::Query(
	    "SELECT m.stream, m.version, m.name, m.version_key, NULL::text, NULL::text, m.up_line, m.verify_line, "
	    "m.transactional, m.out_of_order, m.checksum, m.db_version, m.lock_timeout, m.source, m.state, m.requires, "
	    "NULL::text, m.down_line, m.applied_seq, m.allow "
	    "FROM migrate.migrations m JOIN migrate.streams s ON s.name = m.stream "
	    "WHERE m.down_sql IS NULL AND m.down_line IS NOT NULL "
	    "ORDER BY s.position, s.name, m.version_key",
	    {}));
}

std::string
StoredScript(const std::string &stream, const std::string &version)
{
	pg::CatalogScope scope;
	auto rows =
	    pg::Query("SELECT script FROM migrate.migrations WHERE stream = $1 AND version = $2", {stream, version});
	return rows.empty() ? "" : Str(rows[0][0]);
}

std::vector<std::string>
AppliedDbVersions()
{
	pg::CatalogScope scope;
	std::vector<std::string> out;
	for (auto &r : pg::Query("SELECT DISTINCT db_version FROM migrate.migrations "
	                         "WHERE state = 'applied' AND db_version IS NOT NULL",
	                         {}))
		out.push_back(Str(r[0]));
	return out;
}

std::optional<Migration>
LoadMigration(const std::string &stream, const std::string &version_key)
{
	pg::CatalogScope scope;
	auto found = ToMigrations(pg::Query("SELECT " MIGRATION_COLUMNS "FROM migrate.migrations m "
	                                    "WHERE m.stream = $1 AND m.version_key = $2",
	                                    {stream, version_key}));
	if (found.empty())
		return std::nullopt;
	return std::move(found.front());
}

std::string
AppliedMaxKey(const std::string &stream)
{
	pg::CatalogScope scope;
	/* The (stream, version_key) index read backwards to the first applied one. */
	auto rows = pg::Query("SELECT version_key FROM migrate.migrations WHERE stream = $1 AND state = 'applied' "
	                      "ORDER BY version_key DESC LIMIT 1",
	                      {stream});
	return rows.empty() ? std::string() : Str(rows[0][0]);
}

bool
IsAppliedOrQueued(const std::string &stream, const std::string &version)
{
	pg::CatalogScope scope;
	return !pg::Query("SELECT 1 FROM migrate.migrations WHERE stream = $1 AND version = $2 "
	                  "AND state IN ('applied', 'queued', 'running')",
	                  {stream, version})
	            .empty();
}

/* Parameters $1..$12 shared by every history insert below. */
#define HISTORY_INSERT                                                                                                 \
	"INSERT INTO migrate.history (stream, version, name, action, status, started_at, finished_at, duration_ms, "       \
	"checksum, db_version, role, backend_pid, application_name, sqlstate, message, detail, context, statement, "       \
	"line) VALUES ($1, $2, $3, $4, $5, " TS_PARAM(6) ", " TS_PARAM(                                                    \
	    7) ", $8::float8, $9, $10, $11, "                                                                              \
	       "pg_catalog.pg_backend_pid(), $12, $13, $14, $15, $16, $17, $18::int) RETURNING id"

#define HISTORY_ARGS(m, h)                                                                                             \
	m.stream, m.version, m.name, h.action, h.status, Timestamp(h.started_at), Timestamp(h.finished_at),                \
	    Double(h.duration_ms), Opt(m.checksum), Opt(m.db_version), h.role, Opt(h.application_name), Opt(h.sqlstate),   \
	    Opt(h.message), Opt(h.detail), Opt(h.context), Opt(h.statement), OptInt(h.line)

void
RecordApplied(const Migration &m, const HistoryEntry &h)
{
	pg::CatalogScope scope;
	pg::Exec("WITH h AS (" HISTORY_INSERT ") "
	         "UPDATE migrate.migrations SET state = 'applied', applied_at = " TS_PARAM(
	             7) ", duration_ms = $8::float8, applied_seq = (SELECT id FROM h) WHERE stream = $1 AND version = $2",
	         {HISTORY_ARGS(m, h)});
}

void
RecordAppliedBatch(const std::vector<AppliedEntry> &entries)
{
	if (entries.empty())
		return;
	/* One text[] per column, built as arrays here (no array literal for the server to parse); NULL stays NULL. */
	enum { kStream, kVersion, kName, kStarted, kFinished, kDuration, kChecksum, kDbVersion, kMessage, kColumns };
	std::vector<std::vector<Value>> columns(kColumns + 2);
	for (std::vector<Value> &column : columns)
		column.reserve(entries.size());
	for (const AppliedEntry &e : entries) {
		const Migration &m = *e.migration;
		const HistoryEntry &h = e.history;
		columns[kStream].push_back(m.stream);
		columns[kVersion].push_back(m.version);
		columns[kName].push_back(m.name);
		columns[kStarted].push_back(Timestamp(h.started_at));
		columns[kFinished].push_back(Timestamp(h.finished_at));
		columns[kDuration].push_back(Double(h.duration_ms));
		columns[kChecksum].push_back(Opt(m.checksum));
		columns[kDbVersion].push_back(Opt(m.db_version));
		columns[kMessage].push_back(Opt(h.message));
	}
	/* the batch's role and application name, the same for every row: one-element arrays */
	const HistoryEntry &first = entries.front().history;
	columns[kColumns].push_back(first.role);
	columns[kColumns + 1].push_back(Opt(first.application_name));
	pg::CatalogScope scope;
	pg::ExecColumns(
	    "WITH r AS (SELECT * FROM ROWS FROM (pg_catalog.unnest($1), pg_catalog.unnest($2), pg_catalog.unnest($3), "
	    "pg_catalog.unnest($4::float8[]), pg_catalog.unnest($5::float8[]), pg_catalog.unnest($6::float8[]), "
	    "pg_catalog.unnest($7), pg_catalog.unnest($8), pg_catalog.unnest($9)) WITH ORDINALITY "
	    "AS r(stream, version, name, started, finished, duration, checksum, db_version, message, ord)), "
	    "h AS (INSERT INTO migrate.history (stream, version, name, action, status, started_at, finished_at, "
	    "duration_ms, checksum, db_version, role, backend_pid, application_name, message) "
	    "SELECT stream, version, name, 'apply', 'succeeded', "
	    "TIMESTAMPTZ '2000-01-01 00:00:00+00' + started * INTERVAL '1 microsecond', "
	    "TIMESTAMPTZ '2000-01-01 00:00:00+00' + finished * INTERVAL '1 microsecond', duration, "
	    "checksum, db_version, $10[1], pg_catalog.pg_backend_pid(), $11[1], message FROM r ORDER BY ord "
	    "RETURNING id, stream, version, finished_at, duration_ms) "
	    "UPDATE migrate.migrations m SET state = 'applied', applied_at = h.finished_at, "
	    "duration_ms = h.duration_ms, applied_seq = h.id FROM h WHERE m.stream = h.stream AND m.version = h.version",
	    columns);
}

void
RecordPending(const Migration &m, const HistoryEntry &h)
{
	pg::CatalogScope scope;
	pg::Exec("WITH h AS (" HISTORY_INSERT ") "
	         "UPDATE migrate.migrations SET state = 'pending', applied_at = NULL, duration_ms = NULL, "
	         "applied_seq = NULL WHERE stream = $1 AND version = $2 AND (SELECT count(*) FROM h) = 1",
	         {HISTORY_ARGS(m, h)});
}

void
RecordFailed(const Migration &m, const HistoryEntry &h)
{
	pg::CatalogScope scope;
	pg::Exec("WITH h AS (" HISTORY_INSERT ") "
	         "UPDATE migrate.migrations SET state = 'failed' WHERE stream = $1 AND version = $2 "
	         "AND (SELECT count(*) FROM h) = 1",
	         {HISTORY_ARGS(m, h)});
}

void
RecordHistory(const Migration &m, const HistoryEntry &h)
{
	pg::CatalogScope scope;
	pg::Exec(HISTORY_INSERT, {HISTORY_ARGS(m, h)});
}

void
ReplaceContent(const NewMigration &m)
{
	static const WriteSql kRepairSql = BuildUpdate(kRepair);
	pg::CatalogScope scope;
	ExecWrite(kRepairSql, m);
	SetAuthor(m.stream, m.version, m.author, m.registered_by);
}

/*
 * The author column came with catalog 0.1.3; an older catalog, until it is
 * updated, knows its authors by the role name in registered_by.
 */
void
SetAuthor(const std::string &stream, const std::string &version, Oid author, const std::string &author_name)
{
	pg::CatalogScope scope;
	if (pg::CatalogHasColumn("migrations", "author"))
		pg::Exec("UPDATE migrate.migrations SET author = $3::oid, registered_by = $4 "
		         "WHERE stream = $1 AND version = $2",
		         {stream, version, std::to_string(author), author_name});
	else
		pg::Exec("UPDATE migrate.migrations SET registered_by = $3 WHERE stream = $1 AND version = $2",
		         {stream, version, author_name});
}

void
LoadAuthors(std::vector<Migration> &migrations)
{
	if (migrations.empty())
		return;
	std::vector<std::string> streams, versions;
	for (const Migration &m : migrations) {
		streams.push_back(m.stream);
		versions.push_back(m.version);
	}
	pg::CatalogScope scope;
	std::vector<Row> rows =
	    pg::CatalogHasColumn("migrations", "author")
	        ? pg::Query("SELECT m.author, m.registered_by FROM unnest($1::text[], $2::text[]) WITH ORDINALITY "
	                    "AS k(stream, version, n) LEFT JOIN migrate.migrations m "
	                    "ON m.stream = k.stream AND m.version = k.version ORDER BY k.n",
	                    {TextArray(streams), TextArray(versions)})
	        : pg::Query("SELECT (SELECT r.oid FROM pg_catalog.pg_roles r WHERE r.rolname = m.registered_by), "
	                    "m.registered_by FROM unnest($1::text[], $2::text[]) WITH ORDINALITY "
	                    "AS k(stream, version, n) LEFT JOIN migrate.migrations m "
	                    "ON m.stream = k.stream AND m.version = k.version ORDER BY k.n",
	                    {TextArray(streams), TextArray(versions)});
	for (std::size_t i = 0; i < migrations.size() && i < rows.size(); i++) {
		migrations[i].author = rows[i][0] ? static_cast<Oid>(std::stoul(*rows[i][0])) : InvalidOid;
		migrations[i].author_name = Str(rows[i][1]);
	}
}

Oid
AuthorOf(const std::string &stream, const std::string &version)
{
	Migration m;
	m.stream = stream;
	m.version = version;
	std::vector<Migration> one{m};
	LoadAuthors(one);
	return one[0].author;
}

std::vector<CompatibilityRow>
CompatibilityRows(const std::string &component)
{
	pg::CatalogScope scope;
	auto rows = pg::Query("SELECT db_version, min_version, max_version FROM migrate.compatibility WHERE component = $1",
	                      {component});
	std::vector<CompatibilityRow> out;
	for (auto &r : rows)
		out.push_back({Str(r[0]), Str(r[1]), Str(r[2])});
	return out;
}

bool
AcknowledgeDrift(long long id)
{
	pg::CatalogScope scope;
	return !pg::Query("UPDATE migrate.drift_log SET acknowledged = true WHERE id = $1::bigint RETURNING id",
	                  {std::to_string(id)})
	            .empty();
}

std::vector<std::pair<std::string, std::string>>
UnacknowledgedDrift()
{
	pg::CatalogScope scope;
	std::vector<std::pair<std::string, std::string>> out;
	for (auto &r : pg::Query("SELECT id, coalesce(command_tag, '?') || ' ' || coalesce(object_identity, '') || "
	                         "' by ' || role FROM migrate.drift_log WHERE NOT acknowledged ORDER BY id",
	                         {}))
		out.emplace_back(Str(r[0]), Str(r[1]));
	return out;
}

const std::string &
StatusIdleSql()
{
	static const std::string kIdle = "SELECT " + StatusSelectList(nullptr, "NULL::text") +
	                                 " FROM migrate.migrations m JOIN migrate.streams s ON s.name = m.stream "
	                                 "WHERE $1::text IS NULL OR m.stream = $1 "
	                                 "ORDER BY s.position, s.name, m.version_key";
	return kIdle;
}

const std::string &
StatusBusySql()
{
	/* running without a live runner: the runner died (crash, restart, terminate) mid-step. */
	static const std::string kBusy =
	    "SELECT " +
	    StatusSelectList("CASE WHEN m.state = 'running' AND (m.stream || '/' || m.version) = ANY ($2::text[]) "
	                     "THEN 'interrupted' ELSE m.state END",
	                     "CASE WHEN j.id IS NOT NULL THEN 'statement ' || j.next_statement "
	                     "|| coalesce(': ' || p.command || ', ' || p.phase "
	                     "|| coalesce(', blocks ' || p.blocks_done || '/' || nullif(p.blocks_total, 0), '') "
	                     "|| coalesce(', tuples ' || p.tuples_done || '/' || nullif(p.tuples_total, 0), ''), '') END") +
	    " FROM migrate.migrations m JOIN migrate.streams s ON s.name = m.stream "
	    "LEFT JOIN migrate.runner_jobs j ON m.state = 'running' AND j.state = 'running' "
	    "AND j.stream = m.stream AND j.version = m.version "
	    "LEFT JOIN pg_catalog.pg_stat_progress_create_index p ON p.pid = j.runner_pid "
	    "WHERE $1::text IS NULL OR m.stream = $1 "
	    "ORDER BY s.position, s.name, m.version_key";
	return kBusy;
}

} // namespace catalog
} // namespace pgmigrate
