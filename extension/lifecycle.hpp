/*
 * lifecycle.hpp — rollback(), resolve(), baseline(), repair(): every way a
 * migration's state changes besides apply().
 */
#pragma once

#include "apply.hpp"

#include <optional>
#include <string>
#include <vector>

namespace pgmigrate {

struct RollbackRequest {
	std::string stream = "schema";
	Value to_version;
	std::optional<int> steps;
	Value to_db_version;
	bool all_applied = false;
	/* every applied migration of every stream: streams in reverse position order, each newest first */
	bool all_streams = false;
};

/* Runs down sections newest first, atomically; rows have outcome "rolled-back". */
std::vector<ApplyRow> RollbackMigrations(const RollbackRequest &req);

/* Marks a migration applied or rolled back without running it. */
void ResolveMigration(const std::string &stream, const std::string &version, const std::string &state);

/* Marks every pending migration of stream up to version applied; returns how many. */
int BaselineStream(const std::string &stream, const std::string &version);

/* After a failed or interrupted background step: drop its INVALID leftovers and queue it again. */
void RetryMigration(const std::string &stream, const std::string &version);

/* Replaces the stored content of an applied migration without running it. */
void RepairMigration(const std::string &stream, const std::string &version, const std::string &script);

} // namespace pgmigrate
