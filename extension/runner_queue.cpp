/*
 * runner_queue.cpp — the work of the background runner (runner_queue.hpp):
 * the queue in migrate.runner_jobs, one job at a time in queue order (two
 * CONCURRENTLY builds on one table would deadlock). Each statement of a
 * no-transaction migration runs alone at top level in its own transaction,
 * and the resume point is saved after each, so retry() never runs a
 * finished statement again. Transactional migrations queued behind one run
 * as a batch: one transaction, each migration in a subtransaction of its own
 * (a failure rolls back that migration alone, and is recorded), committed
 * after a migration that adds an enum value, so the next can use it
 * (enum_boundary.hpp), and when the next job cannot join. Results of
 * no-transaction steps go to the catalog in short transactions of their own.
 *
 * The server's runner is a background worker (runner.cpp); on a managed
 * service the client runs the same queue itself once its deploy committed.
 */
#include "runner_queue.hpp"

#include "catalog.hpp"
#include "enum_boundary.hpp"
#include "execute.hpp"
#include "jobs.hpp"
#include "schema_state.hpp"
#include "script.hpp"
#include "statements.hpp"
#include "trust.hpp"

namespace pgmigrate {

namespace {

HistoryEntry
FailureOf(const PgException &e, const std::string &statement, int line)
{
	HistoryEntry h;
	h.sqlstate = unpack_sql_state(e.edata->sqlerrcode);
	h.message = e.edata->message ? e.edata->message : "";
	h.detail = e.edata->detail ? e.edata->detail : "";
	h.context = e.edata->context ? e.edata->context : "";
	h.statement = statement;
	h.line = line;
	return h;
}

/* Runs body in a transaction of its own with an SPI connection. */
template <typename Body>
void
InTransaction(Body body)
{
	pg::StartTransaction();
	pg::PushSnapshot();
	pg::SpiSession spi;
	body();
	spi.Finish();
	pg::PopSnapshot();
	pg::CommitTransaction();
}

/* The content that was queued, and only as a role its author's privileges cover (trust.hpp). */
void
CheckQueuedContent(const Job &job, const Migration &m)
{
	if (!job.checksum.empty() && job.checksum != m.checksum)
		throw MigrateError(MG_UNTRUSTED_AUTHOR,
		                   "migration " + m.Label() + " changed after its background step was queued",
		                   "queued checksum " + job.checksum + ", stored checksum " + m.checksum,
		                   "Resolve it with migrate.resolve(stream, version, 'rolled_back') and deploy again.");
	RequireTrustedAuthor(m, job.role, "up");
}

HistoryEntry
RefusalOf(const MigrateError &e)
{
	HistoryEntry refusal;
	refusal.sqlstate = unpack_sql_state(e.sqlstate);
	refusal.message = e.message;
	refusal.detail = e.detail;
	return refusal;
}

std::optional<Migration>
LoadJobMigration(const Job &job)
{
	std::optional<Migration> found = catalog::LoadMigration(job.stream, VersionKey(job.version));
	if (found)
		found->author = catalog::AuthorOf(found->stream, found->version);
	return found;
}

/* One transactional migration of a batch, in a subtransaction of its own: true when it was applied. */
bool
RunInBatch(const Job &job, const Migration &m)
{
	TimestampTz started = pg::Now();
	/* Migration SQL here may not call apply(), register() and the like either. */
	ReentryGuard busy("the background runner");
	pg::SubtransactionFrame frame = pg::BeginSubtransaction();
	try {
		CheckQueuedContent(job, m);
		pg::SetSessionSetting("search_path", job.search_path);
		RunSection(m, SectionKind::Up);
		jobs::Succeed(job, m, started);
		pg::ReleaseSubtransaction(frame);
		return true;
	} catch (const MigrateError &e) {
		pg::RollbackSubtransaction(frame);
		jobs::Fail(job, m, started, RefusalOf(e));
	} catch (const StatementError &e) {
		pg::RollbackSubtransaction(frame);
		jobs::Fail(job, m, started, FailureOf(e, e.statement, e.line));
	} catch (const PgException &e) {
		pg::RollbackSubtransaction(frame);
		jobs::Fail(job, m, started, FailureOf(e, "", 0));
	}
	return false;
}

/* A claimed no-transaction step and its migration, loaded: what a batch hands back to run next. */
struct Step {
	Job job;
	Migration migration;
};

/*
 * The claimed job and the transactional jobs after it, as one batch (the
 * file comment): claims the next job in the batch's transaction while it
 * can join. Records the schema state once, after the batch's last applied
 * migration, as apply() records its batch's. Returns the first job that
 * cannot join (a no-transaction step, possibly job itself), for the caller
 * to run next.
 */
std::optional<Step>
RunBatch(Job job, const RunnerIdentity &who, const std::string &role_name)
{
	/*
	 * Each migration's subtransaction keeps its XID in the batch's until the
	 * commit; past 64 a backend's subxid cache overflows, and every other
	 * session's snapshot then looks in pg_subtrans. A batch stays below.
	 */
	constexpr int kMaxBatch = 32;
	std::optional<Step> outside;
	std::optional<Migration> last_applied;
	InTransaction([&] {
		for (int ran = 1;; ran++) {
			std::optional<Migration> m = LoadJobMigration(job);
			if (!m) {
				jobs::Cancel(job.stream, job.version);
			} else if (!m->transactional) {
				outside = Step{job, std::move(*m)};
				break;
			} else if (RunInBatch(job, *m)) {
				last_applied = std::move(m);
				if (AddsEnumValue(*last_applied))
					break; /* the next migration may use the value: commit first */
			} else {
				break; /* failed: its stream is blocked, the rest waits */
			}
			if (ran >= kMaxBatch)
				break;
			if (pg::CurrentUserOid() != who.role)
				pg::SetSessionSetting("role", role_name);
			std::optional<Job> next, handoff;
			next = jobs::Claim(who.session_user, who.role, &handoff, role_name);
			if (!next)
				break;
			job = *next;
		}
		if (last_applied)
			RecordSchemaState(last_applied->stream, last_applied->version);
	});
	return outside;
}

/* A no-transaction step: each statement alone at top level, the resume point saved after each. */
void
RunJob(const Step &step)
{
	TimestampTz started = pg::Now();
	const Job &job = step.job;
	const Migration &m = step.migration;
	/* Migration SQL here may not call apply(), register() and the like either. */
	ReentryGuard busy("the background runner");

	try {
		InTransaction([&] { CheckQueuedContent(job, m); });
	} catch (const MigrateError &e) {
		pg::AbortTransaction();
		InTransaction([&] { jobs::Fail(job, m, started, RefusalOf(e)); });
		return;
	}
	InTransaction([&] { pg::SetSessionSetting("search_path", job.search_path); });

	try {
		SectionOrigin origin{DescribeMigration(m.Label(), m.source), "up", m.up_line};
		/* retry(): first drop what the failed attempt left INVALID. */
		for (std::size_t i = 0; i < job.cleanup.size(); i++) {
			Statement cleanup;
			cleanup.number = static_cast<int>(i + 1);
			cleanup.line = 0;
			cleanup.sql = job.cleanup[i];
			SectionOrigin cleanup_origin{origin.where, "retry cleanup", 0};
			pg::StartTransaction();
			pg::ReportActivity(cleanup.sql);
			RunStatementTopLevel(cleanup, cleanup_origin);
			pg::CommitTransaction();
		}
		std::vector<Statement> statements;
		InTransaction([&] { statements = SplitStatements(m.up_sql, origin); });
		for (int n = job.next_statement; n <= static_cast<int>(statements.size()); n++) {
			const Statement &st = statements[static_cast<std::size_t>(n - 1)];
			pg::StartTransaction();
			if (!m.lock_timeout.empty())
				pg::SetSessionSetting("lock_timeout", m.lock_timeout);
			pg::ReportActivity(st.sql);
			RunStatementTopLevel(st, origin);
			pg::CommitTransaction();
			InTransaction([&] {
				jobs::SetNextStatement(job.id, n + 1);
				jobs::KeepRunnerLock();
			});
		}
		pg::ReportActivity("");
		InTransaction([&] {
			if (!m.lock_timeout.empty())
				pg::SetSessionSetting("lock_timeout", "0");
			if (m.has_verify)
				RunSection(m, SectionKind::Verify);
			jobs::Succeed(job, m, started);
			RecordSchemaState(m.stream, m.version);
		});
	} catch (const StatementError &e) {
		HistoryEntry failure = FailureOf(e, e.statement, e.line);
		pg::AbortTransaction();
		InTransaction([&] { jobs::Fail(job, m, started, failure); });
	} catch (const PgException &e) {
		HistoryEntry failure = FailureOf(e, "", 0);
		pg::AbortTransaction();
		InTransaction([&] { jobs::Fail(job, m, started, failure); });
	}
	pg::ReportActivity("");
}

} // namespace

void
RunQueue(const RunnerIdentity &who)
{
	std::string role_name;
	bool locked = false;
	InTransaction([&] {
		role_name = pg::RoleName(who.role);
		/* Connected as the session user; now become the role that queued the work (may be NOLOGIN). */
		if (who.role != who.session_user)
			pg::SetSessionSetting("role", role_name);
		pg::SetSessionSetting("application_name", "pg_migrate runner");
		locked = pg::TryRunnerLock(pg::kRunnerLockKey);
	});
	if (!locked)
		return; /* another runner works the queue */

	for (;;) {
		std::optional<Job> job, handoff;
		InTransaction([&] { job = jobs::Claim(who.session_user, who.role, &handoff, role_name); });
		if (job) {
			if (std::optional<Step> step = RunBatch(*job, who, role_name))
				RunJob(*step);
			/* Whatever the step did to the session, the next one runs as the role the runner is for. */
			InTransaction([&] {
				if (pg::CurrentUserOid() != who.role)
					pg::SetSessionSetting("role", role_name);
			});
			continue;
		}
		bool more = false;
		InTransaction([&] {
			pg::ReleaseRunnerLock(pg::kRunnerLockKey);
			if (handoff)
				return;
			/* Work queued between the claim and the release must not be stranded. */
			more = jobs::HasRunnable();
			if (more)
				locked = pg::TryRunnerLock(pg::kRunnerLockKey);
		});
		if (handoff) {
			/* The next job belongs to another role: a runner of its own runs it. */
			StartRunnerNow({who.database, handoff->session_user, handoff->role});
			return;
		}
		if (!more || !locked)
			return;
	}
}

} // namespace pgmigrate
