/*
 * validate.cpp — migrate.validate(): every problem of the catalog, one
 * function per check_name. The per-migration checks run migration by
 * migration, so the rows come in the order they always did.
 */
#include "checks.hpp"

#include "broken_down.hpp"
#include "catalog.hpp"
#include "jobs.hpp"
#include "leftovers.hpp"
#include "runner_launch.hpp"
#include "schema_state.hpp"
#include "script.hpp"

#include <algorithm>
#include <map>
#include <set>

namespace pgmigrate {

namespace {

/* What the per-migration checks share: the open migrations' states, the queue, the newest applied keys. */
class OpenMigrations {
public:
	OpenMigrations() : all_(catalog::LoadOpenSummaries()), queue_(jobs::State())
	{
		for (const auto &m : all_)
			state_of_[m.stream + ":" + m.version_key] = m.state;
	}

	const std::vector<Migration> &
	All() const
	{
		return all_;
	}
	const QueueState &
	Queue() const
	{
		return queue_;
	}
	const std::string &
	AppliedMax(const std::string &stream)
	{
		return applied_max_.Of(stream); /* read only for streams with an open migration */
	}
	/* The state of stream:key, loaded when it is not an open one; "" when not registered. */
	std::string
	StateOf(const std::string &stream, const std::string &key)
	{
		auto found = state_of_.find(stream + ":" + key);
		if (found != state_of_.end())
			return found->second;
		auto m = catalog::LoadMigration(stream, key);
		return state_of_[stream + ":" + key] = m ? m->state : "";
	}
	bool
	Interrupted(const Migration &m) const
	{
		return std::find(queue_.interrupted.begin(), queue_.interrupted.end(), m.stream + "/" + m.version) !=
		       queue_.interrupted.end();
	}
	std::set<std::string> planned; /* pending ones a full apply() would run earlier */

private:
	std::vector<Migration> all_;
	QueueState queue_;
	catalog::AppliedMaxKeys applied_max_;
	std::map<std::string, std::string> state_of_; /* "stream:key" -> state */
};

bool
IsPending(const Migration &m)
{
	return m.state == "pending" || m.state == "failed";
}

/* out-of-order: pending below the newest applied version of its stream. */
void
CheckOutOfOrder(const Migration &m, OpenMigrations &open, std::vector<Problem> *problems)
{
	if (IsPending(m) && !m.out_of_order && m.version_key < open.AppliedMax(m.stream))
		problems->push_back({"error", "out-of-order", m.stream, m.version,
		                     "pending below the newest applied version of its stream; apply() refuses it (MG006) "
		                     "unless it is marked -- migrate:out-of-order"});
}

/* missing-requirement, unmet-requirement. */
void
CheckRequirements(const Migration &m, OpenMigrations &open, std::vector<Problem> *problems)
{
	bool pending = IsPending(m);
	for (const auto &req_id : m.requires_) {
		std::size_t colon = req_id.find(':');
		std::string stream = req_id.substr(0, colon), key = VersionKey(req_id.substr(colon + 1));
		std::string state = open.StateOf(stream, key);
		if (state.empty())
			problems->push_back({"error", "missing-requirement", m.stream, m.version,
			                     "requires " + req_id + ", which is not registered"});
		else if (pending && state != "applied" && open.planned.count(stream + ":" + key) == 0)
			problems->push_back({"error", "unmet-requirement", m.stream, m.version,
			                     "requires " + req_id + ", which a full apply() would not have applied first (MG007)"});
		else if (m.state == "applied" && state != "applied")
			problems->push_back({"warning", "unmet-requirement", m.stream, m.version,
			                     "applied, but its requirement " + req_id + " is not"});
	}
	if (pending)
		open.planned.insert(m.stream + ":" + m.version_key);
}

/* failed: a transactional migration whose last attempt failed. */
void
CheckFailed(const Migration &m, std::vector<Problem> *problems)
{
	if (m.state == "failed" && m.transactional)
		problems->push_back({"warning", "failed", m.stream, m.version,
		                     "the last apply attempt failed; see migrate.history, fix the file and deploy again"});
}

/* failed-step: a background step that failed and blocks its stream. */
void
CheckFailedStep(const Migration &m, std::vector<Problem> *problems)
{
	if (m.state == "failed" && !m.transactional)
		problems->push_back({"error", "failed-step", m.stream, m.version,
		                     "background step failed and blocks its stream (MG008); see migrate.history, fix the "
		                     "cause, then " +
		                         RetryAdvice(m.stream, m.version)});
}

/* interrupted: a background step whose runner stopped. */
void
CheckInterrupted(const Migration &m, const OpenMigrations &open, std::vector<Problem> *problems)
{
	if (open.Interrupted(m))
		problems->push_back({"error", "interrupted", m.stream, m.version,
		                     "background step was interrupted (runner stopped: server restart, crash or "
		                     "terminate) and blocks its stream (MG008); " +
		                         RetryAdvice(m.stream, m.version) + " resumes it"});
}

/* invalid-index: what a failed or interrupted CONCURRENTLY build left. */
void
CheckInvalidIndexes(const Migration &m, const OpenMigrations &open, std::vector<Problem> *problems)
{
	if (!((m.state == "failed" && !m.transactional) || open.Interrupted(m)))
		return;
	for (const auto &index : InvalidIndexesLeftBy(*catalog::LoadMigration(m.stream, m.version_key)))
		problems->push_back({"error", "invalid-index", m.stream, m.version,
		                     "INVALID index " + index +
		                         " left by the failed build; clean up with: DROP INDEX "
		                         "CONCURRENTLY IF EXISTS " +
		                         index + "; (" + RetryAdvice(m.stream, m.version) + " does this)"});
}

/* broken-down: a down that does not parse was registered anyway; rolling that migration back is refused. */
void
CheckBrokenDowns(std::vector<Problem> *problems)
{
	for (const Migration &m : MigrationsWithBrokenDown())
		problems->push_back({"warning", "broken-down", m.stream, m.version,
		                     DescribeBrokenDown(m) +
		                         "; rollback of this migration is refused until the down section is fixed (edit "
		                         "the file, then pg_migrate repair or, while pending, deploy again)"});
}

/* runner-waiting: work is queued and nobody runs it. */
void
CheckRunnerWaiting(const QueueState &queue, std::vector<Problem> *problems)
{
	if (queue.has_queued && !queue.runner_alive && queue.blocked.empty())
		problems->push_back({"warning", "runner-waiting", "", "",
		                     "work is queued but no runner is running (all max_worker_processes slots busy?); the next "
		                     "apply() or status() starts one"});
}

/* drift: DDL made by hand, which the history does not know about. */
void
CheckDriftLog(std::vector<Problem> *problems)
{
	for (const auto &drift : catalog::UnacknowledgedDrift())
		problems->push_back({"warning", "drift", "", "",
		                     "DDL outside pg_migrate (drift " + drift.first + "): " + drift.second +
		                         "; put it in a migration, then SELECT migrate.acknowledge_drift(" + drift.first +
		                         ")"});
}

/* schema-drift: drift however it was made, the live schema against the state the last action recorded. */
void
CheckSchemaDrift(std::vector<Problem> *problems)
{
	std::vector<SchemaChange> changes = SchemaDrift();
	if (!changes.empty())
		problems->push_back(
		    {"warning", "schema-drift", "", "",
		     "the schema differs from the state the last recorded action left: " + DescribeDrift(changes) +
		         "; pg_migrate diff shows each difference, pg_migrate deploy --accept-drift records "
		         "them"});
}

} // namespace

std::vector<Problem>
Validate()
{
	std::vector<Problem> problems;
	/* Only what can have a problem: not applied, or with requirements. All applied is the common, cheap case. */
	OpenMigrations open;
	for (const Migration &m : open.All()) {
		CheckOutOfOrder(m, open, &problems);
		CheckRequirements(m, open, &problems);
		CheckFailed(m, &problems);
		CheckFailedStep(m, &problems);
		CheckInterrupted(m, open, &problems);
		CheckInvalidIndexes(m, open, &problems);
	}
	CheckBrokenDowns(&problems);
	CheckRunnerWaiting(open.Queue(), &problems);
	CheckDriftLog(&problems);
	CheckSchemaDrift(&problems);
	/* Stored scripts cannot drift from their checksums: a CHECK constraint refuses such edits. */
	return problems;
}

} // namespace pgmigrate
