/*
 * checks.cpp — verify, validate and semantic database versions.
 */
#include "checks.hpp"

#include "broken_down.hpp"
#include "catalog.hpp"
#include "execute.hpp"
#include "jobs.hpp"
#include "leftovers.hpp"
#include "schema_state.hpp"
#include "script.hpp"
#include "trust.hpp"

#include <algorithm>
#include <map>
#include <set>

namespace pgmigrate {

std::vector<VerifyRow>
VerifyApplied(const Value &stream)
{
	ReentryGuard busy("migrate.verify()");
	std::vector<Migration> checked;
	for (Migration &m : catalog::LoadAll())
		if (m.state == "applied" && m.has_verify && (!stream || m.stream == *stream))
			checked.push_back(std::move(m));
	/* Nothing runs unless every verify section may run as the caller. */
	catalog::LoadAuthors(checked);
	Oid caller = pg::CurrentUserOid();
	for (const Migration &m : checked)
		RequireTrustedAuthor(m, caller, "verify");
	std::vector<VerifyRow> rows;
	for (const Migration &m : checked) {
		VerifyRow row{m.stream, m.version, m.name, true, ""};
		/* Whatever a verify section does is undone: it only asks. */
		pg::SubtransactionFrame frame = pg::BeginSubtransaction();
		try {
			RunSection(m, SectionKind::Verify);
		} catch (const PgException &e) {
			if (IsInterrupt(e.edata)) {
				pg::RollbackSubtransaction(frame);
				throw;
			}
			row.ok = false;
			row.message = e.edata->message ? e.edata->message : "verify failed";
		}
		pg::RollbackSubtransaction(frame);
		rows.push_back(std::move(row));
	}
	return rows;
}

std::vector<Problem>
Validate()
{
	std::vector<Problem> problems;
	/* Only what can have a problem: not applied, or with requirements. All applied is the common, cheap case. */
	std::vector<Migration> all = catalog::LoadOpenSummaries();
	QueueState queue = jobs::State();
	catalog::AppliedMaxKeys applied_max; /* read only for streams with an open migration */

	std::map<std::string, std::string> state_of; /* "stream:key" → state, loaded as needed */
	for (const auto &m : all)
		state_of[m.stream + ":" + m.version_key] = m.state;
	auto state_for = [&](const std::string &stream, const std::string &key) -> std::string {
		auto found = state_of.find(stream + ":" + key);
		if (found != state_of.end())
			return found->second;
		auto m = catalog::LoadMigration(stream, key);
		return state_of[stream + ":" + key] = m ? m->state : "";
	};

	std::set<std::string> planned; /* pending ones a full apply() would run earlier */
	for (const auto &m : all) {
		bool pending = m.state == "pending" || m.state == "failed";
		if (pending && !m.out_of_order && m.version_key < applied_max.Of(m.stream))
			problems.push_back({"error", "out-of-order", m.stream, m.version,
			                    "pending below the newest applied version of its stream; apply() refuses it (MG006) "
			                    "unless it is marked -- migrate:out-of-order"});
		for (const auto &req_id : m.requires_) {
			std::size_t colon = req_id.find(':');
			std::string stream = req_id.substr(0, colon), key = VersionKey(req_id.substr(colon + 1));
			std::string state = state_for(stream, key);
			if (state.empty())
				problems.push_back({"error", "missing-requirement", m.stream, m.version,
				                    "requires " + req_id + ", which is not registered"});
			else if (pending && state != "applied" && planned.count(stream + ":" + key) == 0)
				problems.push_back(
				    {"error", "unmet-requirement", m.stream, m.version,
				     "requires " + req_id + ", which a full apply() would not have applied first (MG007)"});
			else if (m.state == "applied" && state != "applied")
				problems.push_back({"warning", "unmet-requirement", m.stream, m.version,
				                    "applied, but its requirement " + req_id + " is not"});
		}
		if (pending)
			planned.insert(m.stream + ":" + m.version_key);
		if (m.state == "failed" && m.transactional)
			problems.push_back({"warning", "failed", m.stream, m.version,
			                    "the last apply attempt failed; see migrate.history, fix the file and deploy again"});
		bool interrupted = std::find(queue.interrupted.begin(), queue.interrupted.end(), m.stream + "/" + m.version) !=
		                   queue.interrupted.end();
		if (m.state == "failed" && !m.transactional)
			problems.push_back({"error", "failed-step", m.stream, m.version,
			                    "background step failed and blocks its stream (MG008); see migrate.history, fix the "
			                    "cause, then SELECT migrate.retry('" +
			                        m.stream + "', '" + m.version + "')"});
		if (interrupted)
			problems.push_back({"error", "interrupted", m.stream, m.version,
			                    "background step was interrupted (runner stopped: server restart, crash or "
			                    "terminate) and blocks its stream (MG008); SELECT migrate.retry('" +
			                        m.stream + "', '" + m.version + "') resumes it"});
		if ((m.state == "failed" && !m.transactional) || interrupted)
			for (const auto &index : InvalidIndexesLeftBy(*catalog::LoadMigration(m.stream, m.version_key)))
				problems.push_back({"error", "invalid-index", m.stream, m.version,
				                    "INVALID index " + index +
				                        " left by the failed build; clean up with: DROP INDEX "
				                        "CONCURRENTLY IF EXISTS " +
				                        index + "; (migrate.retry() does this)"});
	}
	/* A down that does not parse was registered anyway; rolling that migration back is refused. */
	for (const Migration &m : MigrationsWithBrokenDown())
		problems.push_back({"warning", "broken-down", m.stream, m.version,
		                    DescribeBrokenDown(m) +
		                        "; rollback of this migration is refused until the down section is fixed (edit "
		                        "the file, then pg_migrate repair or, while pending, deploy again)"});
	if (queue.has_queued && !queue.runner_alive && queue.blocked.empty())
		problems.push_back({"warning", "runner-waiting", "", "",
		                    "work is queued but no runner is running (all max_worker_processes slots busy?); the next "
		                    "apply() or status() starts one"});

	/* DDL made by hand: the history does not know about it. */
	for (const auto &drift : catalog::UnacknowledgedDrift())
		problems.push_back({"warning", "drift", "", "",
		                    "DDL outside pg_migrate (drift " + drift.first + "): " + drift.second +
		                        "; put it in a migration, then SELECT migrate.acknowledge_drift(" + drift.first + ")"});

	/* Drift however it was made: the live schema against the state the last action recorded. */
	std::vector<SchemaChange> changes = SchemaDrift();
	if (!changes.empty())
		problems.push_back(
		    {"warning", "schema-drift", "", "",
		     "the schema differs from the state the last recorded action left: " + DescribeDrift(changes) +
		         "; pg_migrate diff shows each difference, pg_migrate deploy --accept-drift records "
		         "them"});

	/* Stored scripts cannot drift from their checksums: a CHECK constraint refuses such edits. */
	return problems;
}

std::string
DatabaseVersion()
{
	std::string best, best_key;
	for (const std::string &version : catalog::AppliedDbVersions()) {
		std::string key = SemanticVersionKey(version);
		if (key > best_key) {
			best_key = key;
			best = version;
		}
	}
	return best;
}

bool
CheckCompatibility(const std::string &component, const std::string &version)
{
	std::string version_key;
	try {
		version_key = SemanticVersionKey(version);
	} catch (const ScriptError &e) {
		throw MigrateError(ERRCODE_INVALID_PARAMETER_VALUE, std::string("version: ") + e.what());
	}
	std::string current = DatabaseVersion();
	if (current.empty())
		return false;
	std::string current_key = SemanticVersionKey(current);
	for (const auto &row : catalog::CompatibilityRows(component)) {
		try {
			if (SemanticVersionKey(row.db_version) == current_key &&
			    SemanticVersionKey(row.min_version) <= version_key &&
			    version_key <= SemanticVersionKey(row.max_version))
				return true;
		} catch (const ScriptError &) {
			/* A malformed row of the matrix matches nothing. */
		}
	}
	return false;
}

} // namespace pgmigrate
