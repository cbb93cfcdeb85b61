/*
 * jobs.cpp — the SQL behind jobs.hpp.
 *
 * A job blocks every job queued after it while it is failed or running:
 * later work may depend on it (same stream, or across streams through
 * requires), so the queue never skips ahead.
 */
#include "jobs.hpp"

#include "runner_launch.hpp"
#include "sql_values.hpp"

#include <algorithm>

namespace pgmigrate {
void
KickRunner(const QueueState &queue)
{
	if (queue.has_queued && !queue.runner_alive && queue.blocked.empty())
		RequestRunnerAtCommit({pg::DatabaseOid(), queue.first_queued_session, queue.first_queued_role});
}

namespace jobs {

namespace {

/* The runner lock is held (at session level) exactly while a runner is alive. */
#define RUNNER_ALIVE_SQL                                                                                               \
	"EXISTS (SELECT 1 FROM pg_catalog.pg_locks l WHERE l.locktype = 'advisory' AND l.granted "                         \
	"AND l.database = (SELECT d.oid FROM pg_catalog.pg_database d WHERE d.datname = pg_catalog.current_database()) "   \
	"AND l.classid = $1::oid AND l.objid = $2::oid AND l.objsubid = 2)"

Oid
ToOid(const Value &v)
{
	return v ? static_cast<Oid>(std::stoul(*v)) : InvalidOid;
}

} // namespace

void
Queue(const Migration &m)
{
	/* Who and with which search_path: the caller's, read before the catalog scope changes them. */
	Oid role = pg::CurrentUserOid(), session = pg::SessionUserOid();
	std::string search_path = pg::CurrentSearchPath();
	pg::CatalogScope scope;
	/* The content queued is pinned (catalog 0.1.3 on; an older one has no column for it until updated). */
	if (pg::CatalogHasColumn("runner_jobs", "checksum"))
		pg::Exec("WITH m AS (UPDATE migrate.migrations SET state = 'queued' WHERE stream = $1 AND version = $2) "
		         "INSERT INTO migrate.runner_jobs (stream, version, session_user_oid, role_oid, search_path, checksum) "
		         "VALUES ($1, $2, $3::oid, $4::oid, $5, $6)",
		         {m.stream, m.version, std::to_string(session), std::to_string(role), search_path, m.checksum});
	else
		pg::Exec("WITH m AS (UPDATE migrate.migrations SET state = 'queued' WHERE stream = $1 AND version = $2) "
		         "INSERT INTO migrate.runner_jobs (stream, version, session_user_oid, role_oid, search_path) "
		         "VALUES ($1, $2, $3::oid, $4::oid, $5)",
		         {m.stream, m.version, std::to_string(session), std::to_string(role), search_path});
	RequestRunnerAtCommit({pg::DatabaseOid(), session, role});
}

std::vector<std::string>
InterruptedJobs()
{
	pg::CatalogScope scope;
	std::vector<std::string> out;
	if (pg::Query("SELECT 1 FROM migrate.runner_jobs WHERE state = 'running' LIMIT 1", {}).empty())
		return out;
	/*
	 * A running job is alive while the process that claimed it is: the same
	 * pid, started before the job (a background runner, or in managed mode the
	 * client's own session). (Not the runner
	 * lock: migration SQL can release it, DISCARD ALL or
	 * pg_advisory_unlock_all().) The live runners are read first, the jobs
	 * after with a newer snapshot: a runner writes its job's final state
	 * before it exits, so one that finished meanwhile is not mistaken for a
	 * dead one.
	 */
	std::string live;
	for (auto &r : pg::Query("SELECT a.pid || '@' || a.backend_start "
	                         "FROM pg_catalog.pg_stat_clear_snapshot() c, pg_catalog.pg_stat_activity a "
	                         "WHERE a.pid IN (SELECT runner_pid FROM migrate.runner_jobs WHERE state = 'running')",
	                         {}))
		live += Str(r[0]) + ",";
	for (auto &r : pg::Query("SELECT stream || '/' || version FROM migrate.runner_jobs WHERE state = 'running' "
	                         "AND NOT EXISTS (SELECT 1 FROM pg_catalog.unnest(pg_catalog.string_to_array($1, ',')) l "
	                         "WHERE l <> '' AND pg_catalog.split_part(l, '@', 1) = runner_pid::text "
	                         "AND pg_catalog.split_part(l, '@', 2)::timestamptz <= started_at)",
	                         {live}))
		out.push_back(Str(r[0]));
	return out;
}

QueueState
State()
{
	/* The common case, an idle queue, costs one index-only look. */
	{
		pg::CatalogScope scope;
		if (pg::Query("SELECT 1 FROM migrate.runner_jobs WHERE state IN ('queued', 'running', 'failed') LIMIT 1", {})
		        .empty())
			return QueueState{};
	}
	std::vector<std::string> interrupted = InterruptedJobs();
	pg::CatalogScope scope;
	auto rows =
	    pg::Query("SELECT " RUNNER_ALIVE_SQL ", "
	              "EXISTS (SELECT 1 FROM migrate.runner_jobs WHERE state = 'queued'), "
	              "EXISTS (SELECT 1 FROM migrate.runner_jobs WHERE state = 'running'), "
	              "(SELECT role_oid FROM migrate.runner_jobs WHERE state = 'queued' ORDER BY id LIMIT 1), "
	              "(SELECT session_user_oid FROM migrate.runner_jobs WHERE state = 'queued' ORDER BY id LIMIT 1)",
	              {std::to_string(pg::kLockClass), std::to_string(pg::kRunnerLockKey)});
	QueueState q;
	q.idle = false;
	const Row &r = rows.at(0);
	q.runner_alive = Str(r[0]) == "t";
	q.has_queued = Str(r[1]) == "t";
	q.has_running = Str(r[2]) == "t" && interrupted.empty();
	q.first_queued_role = ToOid(r[3]);
	q.first_queued_session = ToOid(r[4]);
	q.interrupted = interrupted;
	/* The first failed or interrupted job blocks the queue behind it. */
	for (auto &job : pg::Query("SELECT stream, version, state FROM migrate.runner_jobs "
	                           "WHERE state IN ('failed', 'running') ORDER BY id",
	                           {})) {
		std::string key = Str(job[0]) + "/" + Str(job[1]);
		bool failed = Str(job[2]) == "failed";
		if (failed || std::find(interrupted.begin(), interrupted.end(), key) != interrupted.end()) {
			q.blocked = key + (failed ? " (failed)" : " (interrupted)");
			q.blocked_stream = Str(job[0]);
			break;
		}
	}
	return q;
}

std::optional<Job>
Claim(Oid session_user, Oid role, std::optional<Job> *handoff, const std::string &role_name)
{
	pg::CatalogScope scope;
	auto rows = pg::Query("SELECT j.id, j.stream, j.version, j.session_user_oid, j.role_oid, j.search_path, "
	                      "j.next_statement, j.cleanup FROM migrate.runner_jobs j "
	                      "WHERE j.state = 'queued' AND NOT EXISTS (SELECT 1 FROM migrate.runner_jobs b "
	                      "WHERE b.id < j.id AND b.state IN ('running', 'failed')) "
	                      "ORDER BY j.id LIMIT 1 FOR UPDATE",
	                      {});
	if (rows.empty())
		return std::nullopt;
	const Row &r = rows[0];
	Job job;
	job.id = std::stoll(Str(r[0]));
	job.stream = Str(r[1]);
	job.version = Str(r[2]);
	job.session_user = ToOid(r[3]);
	job.role = ToOid(r[4]);
	job.search_path = Str(r[5]);
	job.next_statement = std::stoi(Str(r[6]));
	job.cleanup = ParseArray(r[7]);
	if (job.session_user != session_user || job.role != role) {
		*handoff = job;
		return std::nullopt;
	}
	auto claimed = pg::Query(
	    "WITH h AS (INSERT INTO migrate.history (stream, version, name, action, status, started_at, checksum, "
	    "db_version, role, backend_pid, application_name) "
	    "SELECT m.stream, m.version, m.name, 'apply', 'running', pg_catalog.clock_timestamp(), m.checksum, "
	    "m.db_version, $4, pg_catalog.pg_backend_pid(), 'pg_migrate runner' FROM migrate.migrations m "
	    "WHERE m.stream = $2 AND m.version = $3 RETURNING id), "
	    "m AS (UPDATE migrate.migrations SET state = 'running' WHERE stream = $2 AND version = $3) "
	    "UPDATE migrate.runner_jobs SET state = 'running', started_at = pg_catalog.clock_timestamp(), "
	    "runner_pid = pg_catalog.pg_backend_pid(), history_id = (SELECT id FROM h) WHERE id = $1::bigint "
	    "RETURNING history_id",
	    {std::to_string(job.id), job.stream, job.version, role_name});
	job.history_id = claimed.empty() ? 0 : std::stoll(Str(claimed[0][0]));
	if (pg::CatalogHasColumn("runner_jobs", "checksum"))
		job.checksum =
		    Str(pg::Query("SELECT checksum FROM migrate.runner_jobs WHERE id = $1::bigint", {std::to_string(job.id)})
		            .at(0)[0]);
	return job;
}

bool
HasRunnable()
{
	pg::CatalogScope scope;
	return !pg::Query("SELECT 1 FROM migrate.runner_jobs j WHERE j.state = 'queued' AND NOT EXISTS ("
	                  "SELECT 1 FROM migrate.runner_jobs b WHERE b.id < j.id AND b.state IN ('running', 'failed'))",
	                  {})
	            .empty();
}

void
SetNextStatement(long long job_id, int next_statement)
{
	pg::CatalogScope scope;
	pg::Exec("UPDATE migrate.runner_jobs SET next_statement = $2::int WHERE id = $1::bigint",
	         {std::to_string(job_id), Int(next_statement)});
}

void
Succeed(const Job &job, const Migration &m, TimestampTz started)
{
	double ms = pg::MillisecondsBetween(started, pg::Now());
	pg::CatalogScope scope;
	pg::Exec("WITH h AS (UPDATE migrate.history SET status = 'succeeded', finished_at = pg_catalog.clock_timestamp(), "
	         "duration_ms = $3::float8 WHERE id = $2::bigint), "
	         "m AS (UPDATE migrate.migrations SET state = 'applied', applied_at = pg_catalog.clock_timestamp(), "
	         "duration_ms = $3::float8, applied_seq = $2::bigint WHERE stream = $4 AND version = $5) "
	         "UPDATE migrate.runner_jobs SET state = 'succeeded', finished_at = pg_catalog.clock_timestamp(), "
	         "cleanup = '{}' WHERE id = $1::bigint",
	         {std::to_string(job.id), std::to_string(job.history_id), Double(ms), m.stream, m.version});
}

void
Fail(const Job &job, const Migration &m, TimestampTz started, const HistoryEntry &e)
{
	double ms = pg::MillisecondsBetween(started, pg::Now());
	pg::CatalogScope scope;
	pg::Exec("WITH h AS (UPDATE migrate.history SET status = 'failed', finished_at = pg_catalog.clock_timestamp(), "
	         "duration_ms = $3::float8, sqlstate = $6, message = $7, detail = $8, context = $9, statement = $10, "
	         "line = $11::int WHERE id = $2::bigint), "
	         "m AS (UPDATE migrate.migrations SET state = 'failed' WHERE stream = $4 AND version = $5) "
	         "UPDATE migrate.runner_jobs SET state = 'failed', finished_at = pg_catalog.clock_timestamp() "
	         "WHERE id = $1::bigint",
	         {std::to_string(job.id), std::to_string(job.history_id), Double(ms), m.stream, m.version, Opt(e.sqlstate),
	          Opt(e.message), Opt(e.detail), Opt(e.context), Opt(e.statement), OptInt(e.line)});
}

bool
Requeue(const std::string &stream, const std::string &version, const std::vector<std::string> &cleanup,
        Oid session_user, Oid role)
{
	pg::CatalogScope scope;
	/* An interrupted attempt's history row still says running: it ended, without a result. */
	return !pg::Query(
	            "WITH old AS (SELECT id, history_id FROM migrate.runner_jobs WHERE id = (SELECT max(id) "
	            "FROM migrate.runner_jobs WHERE stream = $1 AND version = $2 AND state IN ('failed', 'running'))), "
	            "h AS (UPDATE migrate.history SET status = 'failed', finished_at = pg_catalog.clock_timestamp(), "
	            "message = 'interrupted: the runner stopped during this step' "
	            "WHERE id = (SELECT history_id FROM old) AND status = 'running'), "
	            "j AS (UPDATE migrate.runner_jobs SET state = 'queued', cleanup = $3::text[], "
	            "runner_pid = NULL, started_at = NULL, finished_at = NULL, history_id = NULL, "
	            "session_user_oid = $4::oid, role_oid = $5::oid "
	            "WHERE id = (SELECT id FROM old) RETURNING id) "
	            "UPDATE migrate.migrations SET state = 'queued' WHERE stream = $1 AND version = $2 "
	            "AND EXISTS (SELECT 1 FROM j) RETURNING 1",
	            {stream, version, TextArray(cleanup), std::to_string(session_user), std::to_string(role)})
	            .empty();
}

void
KeepRunnerLock()
{
	bool held;
	{
		pg::CatalogScope scope;
		held = Str(pg::Query("SELECT EXISTS (SELECT 1 FROM pg_catalog.pg_locks l WHERE l.locktype = 'advisory' "
		                     "AND l.granted AND l.pid = pg_catalog.pg_backend_pid() AND l.classid = $1::oid "
		                     "AND l.objid = $2::oid AND l.objsubid = 2)",
		                     {std::to_string(pg::kLockClass), std::to_string(pg::kRunnerLockKey)})
		               .at(0)[0]) == "t";
	}
	if (!held)
		(void)pg::TryRunnerLock(pg::kRunnerLockKey);
}

bool
HasOpenJob(const std::string &stream, const std::string &version)
{
	pg::CatalogScope scope;
	return !pg::Query("SELECT 1 FROM migrate.runner_jobs WHERE stream = $1 AND version = $2 "
	                  "AND state IN ('queued', 'running', 'failed')",
	                  {stream, version})
	            .empty();
}

void
Cancel(const std::string &stream, const std::string &version)
{
	pg::CatalogScope scope;
	pg::Exec("UPDATE migrate.runner_jobs SET state = 'cancelled', finished_at = pg_catalog.clock_timestamp() "
	         "WHERE stream = $1 AND version = $2 AND state IN ('queued', 'running', 'failed')",
	         {stream, version});
}

} // namespace jobs
} // namespace pgmigrate
