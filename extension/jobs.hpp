/*
 * jobs.hpp — the runner's queue (migrate.runner_jobs).
 *
 * Job rows are written only here, from C++ called by apply(), retry() and
 * the runner; the role a job runs as is taken from the backend, never from
 * SQL arguments.
 */
#pragma once

#include "catalog.hpp"

#include <optional>
#include <string>
#include <vector>

namespace pgmigrate {

struct Job {
	long long id = 0;
	std::string stream, version;
	Oid session_user = InvalidOid, role = InvalidOid;
	std::string search_path;
	int next_statement = 1;
	std::vector<std::string> cleanup;
	long long history_id = 0;
	std::string checksum; /* of the content queued: the job runs nothing else */
};

/* What the queue looks like from outside. */
struct QueueState {
	bool runner_alive = false; /* someone holds the runner lock */
	bool has_queued = false;
	bool has_running = false;   /* claimed by a live runner */
	std::string blocked;        /* "stream/version" of a failed or interrupted job, if any */
	std::string blocked_stream; /* its stream */
	Oid first_queued_role = InvalidOid, first_queued_session = InvalidOid;
	std::vector<std::string> interrupted; /* "stream/version" of jobs whose runner died */
	bool idle = true;                     /* nothing queued, running or failed */
};

/* Queued work and no live runner (launch failed or the runner died before claiming): start one at commit. */
void KickRunner(const QueueState &queue);

namespace jobs {

/* Queues m for the runner as the current role, with the caller's search_path. */
void Queue(const Migration &m);
QueueState State();

/* Runner side. Claim returns the next runnable job (marked running, history row written)
 * or, in handoff, a job that belongs to another identity (not claimed). */
std::optional<Job> Claim(Oid session_user, Oid role, std::optional<Job> *handoff, const std::string &role_name);
bool HasRunnable();
/* Takes the runner lock again when migration SQL released it (DISCARD ALL, pg_advisory_unlock_all()). */
void KeepRunnerLock();
void SetNextStatement(long long job_id, int next_statement);
void Succeed(const Job &job, const Migration &m, TimestampTz started);
void Fail(const Job &job, const Migration &m, TimestampTz started, const HistoryEntry &error);

/* retry(): requeue a failed or interrupted job with cleanup statements first. */
bool Requeue(const std::string &stream, const std::string &version, const std::vector<std::string> &cleanup,
             Oid session_user, Oid role);
/* A job of that migration is queued, running (or interrupted) or failed. */
bool HasOpenJob(const std::string &stream, const std::string &version);
/* resolve(): an open job of that migration is cancelled. */
void Cancel(const std::string &stream, const std::string &version);

} // namespace jobs
} // namespace pgmigrate
