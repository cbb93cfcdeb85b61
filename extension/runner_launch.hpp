/*
 * runner_launch.hpp — starting the background runner after the caller commits.
 *
 * apply() only writes job rows and asks for a runner; the dynamic background
 * worker is registered by a commit callback, so the worker sees the jobs and
 * the caller never waits for it (waiting would deadlock a CONCURRENTLY build
 * on the caller's own snapshot). No shared memory, so no preload is needed.
 */
#pragma once

extern "C" {
#include "postgres.h"
}

#include <string>

namespace pgmigrate {

/* Identity a runner connects with: the session user, then SET ROLE to role. */
struct RunnerIdentity {
	Oid database;
	Oid session_user;
	Oid role;
};

/*
 * Asks for a runner to start when the current transaction commits. Dropped if
 * the (sub)transaction that asked rolls back; PREPARE TRANSACTION is refused.
 */
void RequestRunnerAtCommit(const RunnerIdentity &who);

/* Registers a runner now (from a runner handing work to another identity). */
bool StartRunnerNow(const RunnerIdentity &who);

/*
 * How a user resumes a stopped background step, for messages: the SQL call
 * where the extension runs it, the client command where the client does.
 */
std::string RetryAdvice(const std::string &stream, const std::string &version);

} // namespace pgmigrate
