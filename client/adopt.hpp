/*
 * adopt.hpp — deciding, from another tool's history table, which migration
 * files that tool applied (ARCHITECTURE.md §10, `pg_migrate adopt`).
 *
 * Pure: the rows come in as JSON objects (row_to_json of the table), the
 * files as read from the folders; the command (commands/adopt.cpp) reads
 * the table, uploads the files and marks what this decides.
 *
 * The tools' tables, as they document them:
 *   prisma          _prisma_migrations (id, checksum, finished_at, migration_name, logs, rolled_back_at,
 *                   started_at, applied_steps_count): one row per attempt; applied = finished_at set
 *                   and rolled_back_at not; checksum = SHA-256 of migration.sql
 *   flyway          flyway_schema_history (installed_rank, version, description, type, script, checksum,
 *                   installed_by, installed_on, execution_time, success): one row per run, in
 *                   installed_rank order; BASELINE rows mark everything up to their version applied;
 *                   repeatables have no version; checksum = CRC-32 (see FlywayChecksum)
 *   dbmate          schema_migrations (version): one row per applied file
 *   golang-migrate  schema_migrations (version bigint, dirty boolean): one row, the current version;
 *                   everything up to it is applied
 *   drizzle         drizzle.__drizzle_migrations (id, hash, created_at): one row per applied file;
 *                   created_at = the journal entry's "when", hash = SHA-256 of the file
 */
#pragma once

#include "enum_names.hpp"
#include "folder.hpp"

#include <nlohmann/json.hpp>

#include <functional>
#include <string>
#include <vector>

namespace pgmigrate::client {

enum class Tool { kPrisma, kFlyway, kDbmate, kDrizzle, kGolangMigrate };

/* Every tool and its name (--from), in the order messages and --help list them: the one table of names. */
inline constexpr EnumName<Tool> kTools[] = {{Tool::kPrisma, "prisma"},
                                            {Tool::kFlyway, "flyway"},
                                            {Tool::kDbmate, "dbmate"},
                                            {Tool::kDrizzle, "drizzle"},
                                            {Tool::kGolangMigrate, "golang-migrate"}};

/* "prisma", "flyway", "dbmate", "drizzle", "golang-migrate" */
const char *ToolName(Tool tool);
bool ToolFromName(const std::string &name, Tool *tool);
/* Every tool's name, in table order (CLI11's IsMember for --from). */
std::vector<std::string> ToolNames();

/* The history table the tool writes by default (found through search_path unless schema-qualified). */
const char *DefaultHistoryTable(Tool tool);

/* The columns adopt reads; a table without them is not that tool's. */
std::vector<std::string> RequiredColumns(Tool tool);

/* One file the tool applied, and how the tool's table names it. */
struct AdoptedFile {
	const MigrationFile *file;
	std::string recorded_as;
};

struct AdoptionPlan {
	/* versioned migrations the tool applied: each stream is baselined at its highest one */
	std::vector<AdoptedFile> applied;
	/* repeatable migrations applied with their current content (Flyway): resolved applied */
	std::vector<AdoptedFile> repeatables;
	/* why adopting now would be wrong: failed or unfinished runs, files and table disagreeing */
	std::vector<std::string> problems;
	/* what stays pending, and why, for the human */
	std::vector<std::string> notes;
};

/*
 * What the tool applied, matched to files: a refusal (problems) when the tool
 * recorded a failed or unfinished migration, when it recorded a migration no
 * file matches or whose file changed since (checksum, where the tool keeps
 * one), or when a file is missing in between (not recorded, although a later
 * one is).
 */
AdoptionPlan PlanAdoption(Tool tool, const std::vector<nlohmann::json> &rows, const std::vector<MigrationFile> &files);

/* One adopted file and what adopt did with it. */
struct AdoptionOutcome {
	const MigrationFile *file;
	std::string recorded_as;
	bool already_applied; /* applied in this database before adopt ran: "already applied", else "marked applied" */
};

/* What adopt reports once it has marked the plan: the adopted files, then what stays pending. */
struct AdoptionReport {
	std::vector<AdoptionOutcome> adopted;       /* plan.applied, then plan.repeatables */
	std::vector<const MigrationFile *> pending; /* files neither adopted nor applied here, in folder order */
};

/* applied_here: whether pg_migrate had that file applied in this database before adopt ran. */
AdoptionReport BuildAdoptionReport(const AdoptionPlan &plan, const std::vector<MigrationFile> &files,
                                   const std::function<bool(const MigrationFile &)> &applied_here);

} // namespace pgmigrate::client
