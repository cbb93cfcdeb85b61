/*
 * runner.cpp — the background runner: a dynamic background worker that works
 * the queue in migrate.runner_jobs (runner_queue.cpp); one runner per
 * database (a session advisory lock). Nobody waits on this process.
 */
#include "drift.hpp"
#include "pg_api.hpp"
#include "runner_queue.hpp"

extern "C" {
#include "miscadmin.h"
#include "postmaster/bgworker.h"
#include "storage/ipc.h"
#include "tcop/tcopprot.h"
}

#include <cstring>

extern "C" {
PGDLLEXPORT void migrate_runner_main(Datum main_arg);
}

void
migrate_runner_main(Datum)
{
	pgmigrate::RunnerIdentity who;
	std::memcpy(&who, MyBgworkerEntry->bgw_extra, sizeof(who));
	pqsignal(SIGTERM, die);
	BackgroundWorkerUnblockSignals();
	BackgroundWorkerInitializeConnectionByOid(who.database, who.session_user, 0);
	pgmigrate::MarkMigrationProcess(); /* its DDL is the migrations' own, not drift */
	try {
		pgmigrate::RunQueue(who);
	} catch (const std::exception &e) {
		/* Nothing of the queue is lost: jobs stay queued or running (reported as interrupted). */
		/* Copied first: a PgException's message lives in memory the abort frees. */
		std::string message = e.what();
		pgmigrate::pg::AbortTransaction();
		elog(LOG, "pg_migrate runner stopped: %s", message.c_str());
	}
	proc_exit(0);
}
