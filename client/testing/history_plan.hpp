/*
 * history_plan.hpp — the migrations of the folders in the order the server
 * applies them (migrate.status() order: streams by position, each by
 * version), and bringing a scratch database to a point in that order.
 *
 * A "prefix" is the first n migrations of the order; a database at prefix n
 * has exactly those applied. The engine plans and applies: the client only
 * calls migrate.apply(stream, target) for each stream's part of the range,
 * and waits for the background runner like deploy does; on a database with
 * the managed catalog (conn.Managed()) it makes the same calls through the
 * client's engine (managed_calls.hpp), as deploy's managed branch does.
 */
#pragma once

#include "connection.hpp"
#include "folder.hpp"

#include <stdexcept>
#include <string>
#include <vector>

namespace pgmigrate::client::testing {

struct PlannedMigration {
	std::string stream, version, name;
	bool transactional = true;
	bool has_down = false;
	bool has_verify = false;
	const MigrationFile *file = nullptr; /* the file it was registered from */

	/* "schema 20260105120000_add_users" */
	std::string Label() const;
	/* the file's path, else Label() */
	std::string Where() const;
};

/*
 * migrate.status() of conn's database, its columns in their declared order
 * (see the kStatus* positions): the extension's function, or in managed
 * mode the client's engine (whose rows come unnamed, in the same order).
 */
Result ReadStatus(Connection &conn);
constexpr int kStatusStream = 0, kStatusVersion = 1, kStatusName = 2, kStatusState = 3, kStatusTransactional = 6,
              kStatusHasDown = 7;

/* The registered migrations of conn's database, in apply order, matched to files. */
std::vector<PlannedMigration> ReadPlan(Connection &conn, const std::vector<MigrationFile> &files);

/* The index one past STREAM:VERSION in plan (so the prefix includes it); throws std::runtime_error when absent. */
std::size_t PrefixEnd(const std::vector<PlannedMigration> &plan, const std::string &stream_version);

/* A name for prefix n: the checksums of its migrations, so an edited file gives another name. */
std::string PrefixKey(const std::vector<PlannedMigration> &plan, std::size_t n);

/* A migration failed while a range was applied: the server's error, as psql would show it. */
struct StepFailed : std::runtime_error {
	StepFailed(const std::string &message) : std::runtime_error(message) {}
	std::string stream, version, name;
	std::string sqlstate, detail, hint, context;
	/* the verify section failed, not the up */
	bool
	InVerify() const
	{
		return context.find("verify section") != std::string::npos;
	}
	/* "ERROR:  message" and DETAIL/HINT lines, as psql prints an error */
	std::string PsqlText() const;
};

struct AppliedRow {
	std::string stream, version, name, outcome;
};

/*
 * Applies plan[from, to) in conn's database, which must be at prefix from.
 * Waits for the background runner. Throws StepFailed naming the migration.
 */
std::vector<AppliedRow> ApplyRange(Connection &conn, const std::vector<PlannedMigration> &plan, std::size_t from,
                                   std::size_t to);

} // namespace pgmigrate::client::testing
