/*
 * wait.hpp — waiting for the background runner after deploy.
 *
 * apply() hands non-transactional migrations (and everything after them) to
 * the extension's background runner and returns "queued". Deploy waits for
 * them by polling migrate.status(), each poll its own short transaction: a
 * wait that held one snapshot would block the CREATE INDEX CONCURRENTLY it
 * waits for (ARCHITECTURE.md §7.5).
 */
#pragma once

#include "connection.hpp"
#include "output.hpp"

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace pgmigrate::client {

using MigrationKey = std::pair<std::string, std::string>; /* stream, version */

struct FinalState {
	std::string state;                 /* applied, failed, interrupted, ... : no longer queued or running */
	std::optional<double> duration_ms; /* as status() reports it */
};

/*
 * Polls until none of queued is queued or running any more. On a terminal
 * (stderr) a live status line shows the running step and its progress;
 * otherwise (a log) one line per finished step with its outcome and
 * duration, plus a "running" line for a step still running after 2 s
 * (stderr, not with -q). Returns the final state of each.
 */
std::map<MigrationKey, FinalState> WaitForRunner(Connection &conn, const std::vector<MigrationKey> &queued,
                                                 Output &out);

} // namespace pgmigrate::client
