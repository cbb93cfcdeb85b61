/*
 * runner_launch.cpp — the commit callback that starts the runner.
 *
 * The request lives in plain static memory: nothing may be allocated or
 * raised at XACT_EVENT_COMMIT, which runs after the commit is durable.
 */
#include "runner_launch.hpp"

#include "retry_advice.hpp"

#include "guard.hpp"

extern "C" {
#include "access/xact.h"
#include "miscadmin.h"
#include "postmaster/bgworker.h"
}

#include <cstring>

namespace pgmigrate {

namespace {

bool callbacks_registered = false;
bool launch_pending = false;
RunnerIdentity pending_identity;
SubTransactionId pending_subxact = InvalidSubTransactionId;

void
OnXactEvent(XactEvent event, void *)
{
	switch (event) {
	case XACT_EVENT_PRE_PREPARE:
		if (launch_pending)
			ereport(ERROR, (errcode(ERRCODE_FEATURE_NOT_SUPPORTED),
			                errmsg("cannot PREPARE a transaction that queued pg_migrate background work"),
			                errhint("Commit it directly; the runner starts when it commits.")));
		break;
	case XACT_EVENT_COMMIT:
		if (launch_pending) {
			launch_pending = false;
			StartRunnerNow(pending_identity);
		}
		break;
	case XACT_EVENT_ABORT:
	case XACT_EVENT_PREPARE:
		launch_pending = false;
		break;
	default:
		break;
	}
}

void
OnSubXactEvent(SubXactEvent event, SubTransactionId my_subid, SubTransactionId parent_subid, void *)
{
	if (!launch_pending || pending_subxact != my_subid)
		return;
	if (event == SUBXACT_EVENT_ABORT_SUB)
		launch_pending = false; /* the job rows rolled back with it */
	else if (event == SUBXACT_EVENT_COMMIT_SUB)
		pending_subxact = parent_subid;
}

} // namespace

void
RequestRunnerAtCommit(const RunnerIdentity &who)
{
	pg::Call([] {
		if (!callbacks_registered) {
			RegisterXactCallback(OnXactEvent, nullptr);
			RegisterSubXactCallback(OnSubXactEvent, nullptr);
			callbacks_registered = true;
		}
	});
	/* A request already pending from an outer level stays with that level. */
	if (!launch_pending) {
		pending_subxact = GetCurrentSubTransactionId();
		pending_identity = who;
		launch_pending = true;
	}
}

bool
StartRunnerNow(const RunnerIdentity &who)
{
	BackgroundWorker worker;
	std::memset(&worker, 0, sizeof(worker));
	worker.bgw_flags = BGWORKER_SHMEM_ACCESS | BGWORKER_BACKEND_DATABASE_CONNECTION;
	worker.bgw_start_time = BgWorkerStart_RecoveryFinished;
	worker.bgw_restart_time = BGW_NEVER_RESTART;
	std::strncpy(worker.bgw_library_name, "pg_migrate", BGW_MAXLEN - 1);
	std::strncpy(worker.bgw_function_name, "migrate_runner_main", BGW_MAXLEN - 1);
	std::strncpy(worker.bgw_name, "pg_migrate runner", BGW_MAXLEN - 1);
	std::strncpy(worker.bgw_type, "pg_migrate runner", BGW_MAXLEN - 1);
	static_assert(sizeof(RunnerIdentity) <= BGW_EXTRALEN, "runner identity must fit in bgw_extra");
	std::memcpy(worker.bgw_extra, &who, sizeof(who));
	worker.bgw_notify_pid = 0;
	/* false when no worker slot is free: the jobs stay queued and the next call retries. */
	bool started = RegisterDynamicBackgroundWorker(&worker, nullptr);
	if (!started)
		elog(LOG, "pg_migrate: could not start a runner (max_worker_processes reached); work stays queued");
	return started;
}

std::string
RetryAdvice(const std::string &stream, const std::string &version)
{
	return RetryAdviceText(stream, version, false);
}

} // namespace pgmigrate
