/*
 * runner_queue.hpp — working the background queue (runner_queue.cpp), as
 * the identity the work was queued by: the server's background worker
 * (runner.cpp) and, in managed mode, the client itself call it.
 */
#pragma once

#include "runner_launch.hpp"

namespace pgmigrate {

/* Runs every runnable job of this identity, then returns; another runner already at it: returns at once. */
void RunQueue(const RunnerIdentity &who);

} // namespace pgmigrate
