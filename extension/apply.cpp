/*
 * apply.cpp — plan and execute pending migrations in the caller's transaction.
 *
 * The batch is atomic up to the first migration that cannot share a
 * transaction with what follows (no-transaction, or adding an enum value;
 * InlineCount): that part runs in the caller's transaction, and when
 * the caller asked for dry_run or on_error => 'record' inside one
 * subtransaction that can be rolled back on its own. Migrations do not get a
 * subtransaction each: any failure rolls the whole batch back anyway, and a
 * thousand subtransactions would overflow every backend's subxid cache
 * during a large deploy. SET LOCAL inside a migration still ends with that
 * migration (each runs at its own GUC nest level).
 */
#include "apply.hpp"

#include "broken_down.hpp"
#include "catalog.hpp"
#include "enum_boundary.hpp"
#include "execute.hpp"
#include "jobs.hpp"
#include "lint_here.hpp"
#include "schema_state.hpp"
#include "script.hpp"
#include "trust.hpp"

#include <algorithm>
#include <cctype>
#include <cstring>
#include <map>
#include <set>

namespace pgmigrate {

namespace {

/*
 * Who runs what (trust.hpp). With the checksums of the files a deploy read,
 * the plan must be exactly that content — the caller vouches for it — and a
 * pending migration in none of the files is refused unless include_unlisted.
 * Everything the caller did not vouch for needs an author with the caller's
 * privileges.
 */
void
CheckTrust(std::vector<Migration> &plan, const ApplyRequest &req)
{
	std::map<std::string, std::string> expected; /* stream:version key -> checksum */
	if (req.expected) {
		for (const std::string &entry : *req.expected) {
			std::size_t first = entry.find(':'), last = entry.rfind(':');
			std::string key;
			try {
				if (first == std::string::npos || first == last)
					throw ScriptError(0, "");
				key = entry.substr(0, first) + ":" + VersionKey(entry.substr(first + 1, last - first - 1));
			} catch (const ScriptError &) {
				throw MigrateError(ERRCODE_INVALID_PARAMETER_VALUE,
				                   "expected: \"" + entry + "\" is not stream:version:checksum");
			}
			expected[key] = entry.substr(last + 1);
		}
	}
	std::string changed, unlisted;
	for (Migration &m : plan) {
		if (!req.expected)
			break;
		auto it = expected.find(m.stream + ":" + m.version_key);
		if (it == expected.end())
			unlisted += (unlisted.empty() ? "" : ", ") + m.Label();
		else if (it->second != m.checksum)
			changed += (changed.empty() ? "" : ", ") + m.Label() + " (server " + m.checksum.substr(0, 12) + ", file " +
			           it->second.substr(0, 12) + ")";
		else
			m.vouched = true;
	}
	if (!changed.empty())
		throw MigrateError(MG_CHECKSUM_MISMATCH,
		                   "pending migrations on the server differ from the files this deploy read",
		                   "changed since the upload: " + changed,
		                   "Another session registered other content in between; deploy again, and find out who "
		                   "(SELECT stream, version, registered_by, registered_at FROM migrate.migrations).");
	if (!unlisted.empty() && !req.include_unlisted)
		throw MigrateError(MG_UNKNOWN, "pending migrations registered on the server are in none of this deploy's files",
		                   "not in the folder: " + unlisted,
		                   "Add their files to the folder, or apply them knowingly: pg_migrate deploy "
		                   "--include-server-only (apply_exact(include_unlisted => true)).");
	/* One query for every author: vouched ones too, so only those by another role are taken over. */
	catalog::LoadAuthors(plan);
	Oid caller = pg::CurrentUserOid();
	for (const Migration &m : plan)
		if (!m.vouched)
			RequireTrustedAuthor(m, caller, "up");
}

/* A migration registered with a down section that does not parse is applied, and says so. */
void
WarnBrokenDowns(const std::vector<Migration> &plan)
{
	for (const Migration &m : plan)
		if (HasBrokenDown(m))
			pg::Warning(DescribeBrokenDown(m) + "; the migration is applied, but rolling it back is refused until "
			                                    "the down section is fixed",
			            MG_INVALID_SCRIPT);
}

std::vector<Migration>
Plan(const ApplyRequest &req, const QueueState &queue)
{
	for (const std::string &stream : req.streams.Named())
		if (!catalog::StreamExists(stream))
			throw MigrateError(MG_UNKNOWN, "unknown stream \"" + stream + "\"", "",
			                   "See SELECT name FROM migrate.streams for the streams that exist.");
	std::string target_key;
	if (req.target) {
		try {
			target_key = VersionKey(*req.target);
		} catch (const ScriptError &e) {
			throw MigrateError(MG_UNKNOWN, std::string("target: ") + e.what());
		}
	}

	/* A failed or interrupted background step blocks its stream until retry() or resolve(). */
	if (!queue.blocked.empty() && req.streams.Selects(queue.blocked_stream))
		throw MigrateError(MG_BLOCKED, "blocked by the background step " + queue.blocked,
		                   "validate() shows what it left behind",
		                   "Fix the cause, then SELECT migrate.retry(stream, version), or mark it with "
		                   "migrate.resolve(stream, version, 'applied' | 'rolled_back').");

	std::vector<Migration> pending = catalog::LoadPending(req.streams.Single());
	if (!req.streams.All() && !req.streams.Single())
		pending.erase(std::remove_if(pending.begin(), pending.end(),
		                             [&](const Migration &m) { return !req.streams.Selects(m.stream); }),
		              pending.end());
	if (req.target) {
		std::vector<Migration> kept;
		for (auto &m : pending)
			if (m.version_key <= target_key)
				kept.push_back(std::move(m));
		pending.swap(kept);
	}
	if (pending.empty())
		return pending;

	/* Out of order: a pending version below the stream's newest applied one. */
	catalog::AppliedMaxKeys applied_max;
	std::string late;
	for (const auto &m : pending)
		if (!m.out_of_order && m.version_key < applied_max.Of(m.stream))
			late += (late.empty() ? "" : ", ") + m.Label();
	if (!late.empty())
		throw MigrateError(MG_OUT_OF_ORDER, "pending migrations are older than the newest applied one of their stream",
		                   "out of order: " + late,
		                   "Give them a newer version, or mark them -- migrate:out-of-order if the order is safe.");

	/* requires: met by an applied migration or an earlier one of this plan. */
	std::set<std::string> planned;
	std::string unmet;
	for (const auto &m : pending) {
		for (const auto &req_id : m.requires_) {
			std::size_t colon = req_id.find(':');
			std::string s = req_id.substr(0, colon), v = req_id.substr(colon + 1);
			if (planned.count(s + ":" + VersionKey(v)) == 0 && !catalog::IsAppliedOrQueued(s, v))
				unmet += (unmet.empty() ? "" : ", ") + m.Label() + " requires " + req_id;
		}
		planned.insert(m.stream + ":" + m.version_key);
	}
	if (!unmet.empty())
		throw MigrateError(MG_UNMET_REQUIRES, "required migrations are not applied", unmet,
		                   "Register and apply the required migrations first, or deploy all streams together.");

	/* Lint errors not acknowledged refuse the plan (MG004); those that depend on data wait for their statement. */
	LintPlan(pending);
	WarnBrokenDowns(pending);
	CheckTrust(pending, req);
	return pending;
}

/* What running the plan produced: applied rows, or the failure that stopped it. */
struct BatchResult {
	std::vector<ApplyRow> rows;
	const Migration *failed = nullptr;
	TimestampTz failed_start = 0;
	ErrorData *edata = nullptr;
	std::string statement;
	int line = 0;
};

/*
 * Runs the plan in order. With on_error => 'raise' an error propagates; with
 * 'record' the first failure stops the run and is returned.
 */
BatchResult
RunPlan(const std::vector<Migration> &plan, std::size_t inline_count, const ApplyRequest &req)
{
	BatchResult result;
	bool record = req.on_error == "record";
	/* What the caller vouched for is its own from now on: a later rollback or verify by it may run it. */
	Oid caller = pg::CurrentUserOid();
	std::string caller_name;
	for (const Migration &m : plan) {
		if (!m.vouched || m.author == caller)
			continue;
		if (caller_name.empty())
			caller_name = pg::CurrentRoleName();
		catalog::SetAuthor(m.stream, m.version, caller, caller_name);
	}
	/* Written once the inline part succeeded: a failure rolls the whole batch back anyway. */
	std::vector<catalog::AppliedEntry> applied;
	for (std::size_t i = 0; i < inline_count; i++) {
		const Migration &m = plan[i];
		TimestampTz start = pg::Now();
		LintGate lint(m);
		try {
			RunSection(m, SectionKind::Up, &lint);
		} catch (const StatementError &e) {
			/* a cancel is no failure to record, nor is a lint refusal (MG004, as before anything ran) */
			if (!record || IsInterrupt(e.edata) || e.edata->sqlerrcode == MG_LINT_ERROR)
				throw;
			result.edata = e.edata;
			result.statement = e.statement;
			result.line = e.line;
		} catch (const PgException &e) {
			if (!record || IsInterrupt(e.edata) || e.edata->sqlerrcode == MG_LINT_ERROR)
				throw;
			result.edata = e.edata;
		}
		if (result.edata != nullptr) {
			result.failed = &m;
			result.failed_start = start;
			return result;
		}
		TimestampTz end = pg::Now();
		if (!req.dry_run) {
			HistoryEntry h = catalog::Entry("apply", "succeeded", start, end);
			h.message = LintMessage(m, lint);
			applied.push_back({&m, std::move(h)});
		}
		result.rows.push_back(
		    {m.stream, m.version, m.name, req.dry_run ? "dry-run" : "applied", pg::MillisecondsBetween(start, end)});
	}
	catalog::RecordAppliedBatch(applied);
	/* The rest goes to the background runner, which starts once the caller commits. */
	for (std::size_t i = inline_count; i < plan.size(); i++) {
		const Migration &m = plan[i];
		CheckQueuedLint(m);
		if (!req.dry_run)
			jobs::Queue(m);
		result.rows.push_back({m.stream, m.version, m.name, "queued", 0});
	}
	return result;
}

/*
 * How much of the plan runs in the caller's transaction: everything before
 * the first no-transaction migration, or nothing while the runner has work
 * (it must finish what was queued before, in order). A migration that adds an
 * enum value ends the inline part too: a later migration may use the value,
 * which PostgreSQL allows only once the transaction that added it has
 * committed (55P04), so the rest runs in the runner, each migration in a
 * transaction of its own, as every tool that commits per migration runs it.
 */
std::size_t
InlineCount(const std::vector<Migration> &plan, const QueueState &queue)
{
	if (queue.has_queued || queue.has_running)
		return 0;
	std::size_t n = 0;
	while (n < plan.size() && plan[n].transactional) {
		n++;
		if (n < plan.size() && AddsEnumValue(plan[n - 1])) {
			pg::Notice("migration " + plan[n - 1].Label() +
			           " adds an enum value: the migrations after it run in the background runner once this "
			           "transaction commits, in transactions that commit after each enum value added, so they "
			           "can use the value");
			break;
		}
	}
	return n;
}

/* The schema the batch's inline part left, once per batch, in its last migration's history row. */
void
RecordBatchState(const std::vector<Migration> &plan, std::size_t inline_count)
{
	if (inline_count > 0)
		RecordSchemaState(plan[inline_count - 1].stream, plan[inline_count - 1].version);
}

} // namespace

std::vector<ApplyRow>
ApplyMigrations(const ApplyRequest &req)
{
	if (req.on_error != "raise" && req.on_error != "record")
		throw MigrateError(ERRCODE_INVALID_PARAMETER_VALUE, "on_error must be 'raise' or 'record'");
	ReentryGuard busy("migrate.apply()");

	/* One deploy at a time; a second one waits here and then sees our result. */
	pg::LockMigrations();
	QueueState queue = jobs::State();
	KickRunner(queue);
	std::vector<Migration> plan = Plan(req, queue);
	if (plan.empty())
		return {};
	/* Drift is checked before anything runs: made by the migrations, it never counts. */
	CheckDriftGate();
	std::size_t inline_count = InlineCount(plan, queue);
	if (inline_count < plan.size() && !req.dry_run)
		RequireRunnerCanBecome(pg::SessionUserOid(), pg::CurrentUserOid(), "migrate.apply()");

	if (!req.dry_run && req.on_error == "raise") {
		std::vector<ApplyRow> rows = RunPlan(plan, inline_count, req).rows;
		RecordBatchState(plan, inline_count);
		return rows;
	}

	/*
	 * dry_run and 'record' need the batch undone on its own. The internal
	 * subtransaction is closed on every path: left open, it would leave the
	 * caller's session in an aborted transaction block.
	 */
	BatchResult result;
	pg::SubtransactionFrame batch = pg::BeginSubtransaction();
	try {
		result = RunPlan(plan, inline_count, req);
	} catch (...) {
		pg::RollbackSubtransaction(batch);
		throw;
	}
	if (result.failed == nullptr && !req.dry_run) {
		pg::ReleaseSubtransaction(batch);
		RecordBatchState(plan, inline_count);
		return result.rows;
	}
	pg::RollbackSubtransaction(batch);
	if (result.failed == nullptr)
		return result.rows;

	/* on_error => 'record': nothing of the batch remains; the attempt is logged. */
	const Migration &m = *result.failed;
	HistoryEntry h = catalog::Entry("apply", "failed", result.failed_start, pg::Now());
	h.sqlstate = unpack_sql_state(result.edata->sqlerrcode);
	h.message = result.edata->message ? result.edata->message : "";
	h.detail = result.edata->detail ? result.edata->detail : "";
	h.context = result.edata->context ? result.edata->context : "";
	h.statement = result.statement;
	h.line = result.line;
	if (!req.dry_run)
		catalog::RecordFailed(m, h);
	pg::ReportAsWarning(result.edata);
	return {{m.stream, m.version, m.name, "failed", h.duration_ms}};
}

} // namespace pgmigrate
