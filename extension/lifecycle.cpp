/*
 * lifecycle.cpp — rollback, resolve, baseline and repair.
 *
 * Each refuses before touching anything when its request cannot be met in
 * full (MG005 lists every migration without a down section, MG007 names the
 * applied migrations that still require one being rolled back), and each
 * writes one history row per migration it changes.
 */
#include "lifecycle.hpp"

#include "broken_down.hpp"
#include "catalog.hpp"
#include "execute.hpp"
#include "jobs.hpp"
#include "leftovers.hpp"
#include "register.hpp"
#include "runner_launch.hpp"
#include "schema_state.hpp"
#include "script.hpp"
#include "trust.hpp"

#include <algorithm>
#include <set>

namespace pgmigrate {

namespace {

std::string
VersionKeyOr(const std::string &version, const char *what)
{
	try {
		return VersionKey(version);
	} catch (const ScriptError &e) {
		throw MigrateError(MG_UNKNOWN, std::string(what) + ": " + e.what());
	}
}

void
RequireStream(const std::string &stream)
{
	if (!catalog::StreamExists(stream))
		throw MigrateError(MG_UNKNOWN, "unknown stream \"" + stream + "\"", "",
		                   "See SELECT name FROM migrate.streams for the streams that exist.");
}

Migration
RequireMigration(const std::string &stream, const std::string &version)
{
	RequireStream(stream);
	auto m = catalog::LoadMigration(stream, VersionKeyOr(version, "version"));
	if (!m)
		throw MigrateError(MG_UNKNOWN, "migration " + stream + "/" + version + " is not registered", "",
		                   "See SELECT * FROM migrate.status() for the registered migrations.");
	return *m;
}

/* The applied migrations a rollback request covers, in the order to undo them. */
std::vector<Migration>
RollbackRange(const RollbackRequest &req)
{
	int modes =
	    (req.to_version ? 1 : 0) + (req.steps ? 1 : 0) + (req.to_db_version ? 1 : 0) + (req.all_applied ? 1 : 0);
	if (modes > 1)
		throw MigrateError(ERRCODE_INVALID_PARAMETER_VALUE,
		                   "give at most one of to_version, steps, to_db_version and all_applied");

	if (req.all_streams) {
		/* apply order reversed: the data goes before the schema it needs */
		std::vector<Migration> applied;
		for (Migration &m : catalog::LoadAll())
			if (m.state == "applied")
				applied.push_back(std::move(m));
		std::reverse(applied.begin(), applied.end());
		return applied;
	}
	if (req.to_db_version) {
		/* Across streams, in reverse order of application, after the newest migration declaring it. */
		std::vector<Migration> applied = catalog::LoadApplied(Value());
		std::string key;
		try {
			key = SemanticVersionKey(*req.to_db_version);
		} catch (const ScriptError &e) {
			throw MigrateError(MG_UNKNOWN, std::string("to_db_version: ") + e.what());
		}
		auto declared = std::find_if(applied.begin(), applied.end(), [&](const Migration &m) {
			return !m.db_version.empty() && SemanticVersionKey(m.db_version) == key;
		});
		if (declared == applied.end())
			throw MigrateError(MG_UNKNOWN, "no applied migration declares db-version " + *req.to_db_version, "",
			                   "SELECT stream, version, db_version FROM migrate.status() shows the declared versions.");
		return std::vector<Migration>(applied.begin(), declared);
	}

	RequireStream(req.stream);
	std::vector<Migration> applied = catalog::LoadApplied(Value(req.stream));
	std::sort(applied.begin(), applied.end(),
	          [](const Migration &a, const Migration &b) { return a.version_key > b.version_key; });
	if (req.all_applied)
		return applied;
	if (req.to_version) {
		Migration keep = RequireMigration(req.stream, *req.to_version);
		if (keep.state != "applied")
			throw MigrateError(MG_UNKNOWN, "migration " + keep.Label() + " is not applied", "",
			                   "to_version names the migration that stays applied.");
		std::vector<Migration> above;
		for (auto &m : applied)
			if (m.version_key > keep.version_key)
				above.push_back(m);
		return above;
	}
	int steps = req.steps.value_or(1);
	if (steps < 0)
		throw MigrateError(ERRCODE_INVALID_PARAMETER_VALUE, "steps must not be negative");
	if (static_cast<std::size_t>(steps) < applied.size())
		applied.resize(static_cast<std::size_t>(steps));
	return applied;
}

/* Refuses the whole rollback unless every migration in range can be undone. */
void
CheckRollbackRange(const std::vector<Migration> &range)
{
	std::string no_down, broken_down, no_transaction;
	std::set<std::string> undone;
	for (const auto &m : range) {
		if (HasBrokenDown(m))
			broken_down += (broken_down.empty() ? "" : "\n") + DescribeBrokenDown(m);
		else if (!m.has_down)
			no_down += (no_down.empty() ? "" : ", ") + m.Label();
		if (!m.transactional)
			no_transaction += (no_transaction.empty() ? "" : ", ") + m.Label();
		undone.insert(m.stream + ":" + m.version_key);
	}
	if (!broken_down.empty())
		throw MigrateError(MG_NO_DOWN, "cannot roll back: " + broken_down,
		                   no_down.empty() ? "" : "also without a down section: " + no_down,
		                   "Fix the down section in the file and record it with pg_migrate repair (migrate.repair()), "
		                   "or undo the migration by hand and mark it with migrate.resolve(stream, version, "
		                   "'rolled_back').");
	if (!no_down.empty())
		throw MigrateError(MG_NO_DOWN, "cannot roll back: migrations without a down section",
		                   "no down section: " + no_down,
		                   "Add a -- migrate:down section to each (then repair), or mark it rolled back with "
		                   "migrate.resolve(stream, version, 'rolled_back') after undoing it by hand.");
	if (!no_transaction.empty())
		throw MigrateError(MG_NOT_ALLOWED_HERE, "no-transaction migrations cannot be rolled back by this version",
		                   "no-transaction: " + no_transaction);

	/* An applied migration outside the range must not lose what it requires. */
	std::string dependents;
	for (const auto &other : catalog::LoadApplied(Value())) {
		if (undone.count(other.stream + ":" + other.version_key) > 0)
			continue;
		for (const auto &req_id : other.requires_) {
			std::size_t colon = req_id.find(':');
			std::string key = req_id.substr(0, colon) + ":" + VersionKey(req_id.substr(colon + 1));
			if (undone.count(key) > 0)
				dependents += (dependents.empty() ? "" : ", ") + other.Label() + " requires " + req_id;
		}
	}
	if (!dependents.empty())
		throw MigrateError(MG_UNMET_REQUIRES, "cannot roll back migrations that applied migrations still require",
		                   dependents, "Roll back the dependent migrations first.");
}

} // namespace

std::vector<ApplyRow>
RollbackMigrations(const RollbackRequest &req)
{
	ReentryGuard busy("migrate.rollback()");
	pg::LockMigrations();
	std::vector<Migration> range = RollbackRange(req);
	CheckRollbackRange(range);
	catalog::LoadAuthors(range);
	Oid caller = pg::CurrentUserOid();
	for (const Migration &m : range)
		RequireTrustedAuthor(m, caller, "down");
	if (!range.empty() && !SchemaDrift().empty())
		KeepDriftAcross();

	std::vector<ApplyRow> rows;
	for (const Migration &m : range) {
		TimestampTz start = pg::Now();
		RunSection(m, SectionKind::Down);
		TimestampTz end = pg::Now();
		catalog::RecordPending(m, catalog::Entry("rollback", "succeeded", start, end));
		rows.push_back({m.stream, m.version, m.name, "rolled-back", pg::MillisecondsBetween(start, end)});
	}
	if (!range.empty())
		RecordSchemaState(range.back().stream, range.back().version);
	return rows;
}

void
ResolveMigration(const std::string &stream, const std::string &version, const std::string &state)
{
	RefuseInsideMigration("migrate.resolve()");
	bool applied = state == "applied";
	if (!applied && state != "rolled_back" && state != "rolled-back")
		throw MigrateError(ERRCODE_INVALID_PARAMETER_VALUE, "state must be 'applied' or 'rolled_back'");
	pg::LockMigrations();
	Migration m = RequireMigration(stream, version);
	if (applied && m.state == "applied") {
		pg::Notice("migration " + m.Label() + " is already applied; nothing to resolve");
		return;
	}
	if (!applied && m.state == "pending") {
		pg::Notice("migration " + m.Label() + " is not applied; nothing to resolve");
		return;
	}
	if (!m.transactional) {
		/* An INVALID index would otherwise stay behind unreported, and IF NOT EXISTS would keep it. */
		std::string leftovers;
		for (const auto &index : InvalidIndexesLeftBy(m))
			leftovers += "DROP INDEX CONCURRENTLY IF EXISTS " + index + "; ";
		if (!leftovers.empty())
			throw MigrateError(MG_BLOCKED, "migration " + m.Label() + " left INVALID indexes behind", leftovers,
			                   "Drop them first (or let migrate.retry() clean up and build again), then resolve.");
	}
	TimestampTz now = pg::Now();
	HistoryEntry h = catalog::Entry("resolve", "succeeded", now, now);
	h.message = applied ? "marked applied without running it" : "marked rolled back without running its down section";
	if (applied)
		catalog::RecordApplied(m, h);
	else
		catalog::RecordPending(m, h);
	jobs::Cancel(m.stream, m.version);
	/* what was done by hand is now the recorded state */
	RecordSchemaState(m.stream, m.version);
}

void
RetryMigration(const std::string &stream, const std::string &version)
{
	RefuseInsideMigration("migrate.retry()");
	pg::LockMigrations();
	Migration m = RequireMigration(stream, version);
	m.author = catalog::AuthorOf(m.stream, m.version);
	QueueState queue = jobs::State();
	bool interrupted = std::find(queue.interrupted.begin(), queue.interrupted.end(), m.stream + "/" + m.version) !=
	                   queue.interrupted.end();
	/* A transactional migration queued behind a no-transaction one fails in the runner too: retried the same way. */
	bool failed_job = m.state == "failed" && jobs::HasOpenJob(m.stream, m.version);
	if (!failed_job && !interrupted)
		throw MigrateError(MG_UNKNOWN,
		                   "migration " + m.Label() + " has no failed or interrupted background step to retry",
		                   "state: " + m.state,
		                   m.transactional ? "A transactional migration that failed in apply() is simply applied "
		                                     "again by apply()."
		                                   : "");
	/* The step runs again as the caller, the content it was queued with (its checksum is pinned). */
	Oid caller = pg::CurrentUserOid(), session = pg::SessionUserOid();
	RequireTrustedAuthor(m, caller, "up");
	RequireRunnerCanBecome(session, caller, "migrate.retry()");
	std::vector<std::string> cleanup;
	for (const auto &index : InvalidIndexesLeftBy(m))
		cleanup.push_back("DROP INDEX CONCURRENTLY IF EXISTS " + index);
	if (!jobs::Requeue(m.stream, m.version, cleanup, session, caller))
		throw MigrateError(MG_UNKNOWN, "migration " + m.Label() + " has no background job to retry");
	RequestRunnerAtCommit({pg::DatabaseOid(), session, caller});
}

int
BaselineStream(const std::string &stream, const std::string &version)
{
	RefuseInsideMigration("migrate.baseline()");
	RequireStream(stream);
	std::string key = VersionKeyOr(version, "version");
	pg::LockMigrations();
	int count = 0;
	Migration last;
	for (const Migration &m : catalog::LoadPending(Value(stream))) {
		if (m.version_key > key)
			continue;
		TimestampTz now = pg::Now();
		HistoryEntry h = catalog::Entry("baseline", "succeeded", now, now);
		h.message = "baseline " + version + ": marked applied without running it";
		catalog::RecordApplied(m, h);
		count++;
		last = m;
	}
	/* the existing schema is the starting state */
	if (count > 0)
		RecordSchemaState(last.stream, last.version);
	return count;
}

void
RepairMigration(const std::string &stream, const std::string &version, const std::string &script)
{
	RefuseInsideMigration("migrate.repair()");
	pg::LockMigrations();
	Migration m = RequireMigration(stream, version);
	if (m.state != "applied")
		throw MigrateError(MG_UNKNOWN, "migration " + m.Label() + " is not applied; repair is for applied migrations",
		                   "", "A pending migration is updated by registering it again.");
	RegisterRequest req{m.stream, m.version, m.name, script, ""};
	NewMigration repaired = ParseMigration(req);
	if (repaired.checksum == m.checksum) {
		pg::Notice("migration " + m.Label() + " already has this content; nothing to repair");
		return;
	}
	catalog::ReplaceContent(repaired);
	WarnBrokenDown(repaired);
	TimestampTz now = pg::Now();
	HistoryEntry h = catalog::Entry("repair", "succeeded", now, now);
	h.message = "content replaced without running it; previous checksum " + m.checksum;
	m.checksum = repaired.checksum;
	m.db_version = repaired.db_version;
	catalog::RecordHistory(m, h);
}

} // namespace pgmigrate
