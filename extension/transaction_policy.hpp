/*
 * transaction_policy.hpp — how a migration's statements relate to its
 * transaction, settled once from the parsed script and the server's own
 * classification of each statement (statements.hpp), for register(),
 * repair() and lint() alike:
 *
 *  * A section of a transactional migration whose first statement is a plain
 *    BEGIN (or START TRANSACTION) and whose last is a plain COMMIT (or END)
 *    brings its own transaction, as golang-migrate, dbmate and Prisma files
 *    do: that pair is the migration's transaction. Its text is blanked
 *    (newlines kept), so whoever reads the stored section later sees the
 *    body only, at the file's line numbers. Any other transaction control
 *    stays refused (MG003).
 *  * "-- migrate:no-transaction if-needed" (Prisma, Flyway): the migration
 *    runs without a transaction when a statement of its up or down section
 *    cannot run in one. "if-needed-between-breakpoints" (Drizzle) also wants
 *    each such statement alone between "--> statement-breakpoint" lines:
 *    drizzle sends what stands between two breakpoints as one query, which
 *    runs in a transaction. A section with its own BEGIN/COMMIT asked for a
 *    transaction and keeps it.
 */
#pragma once

#include "script.hpp"
#include "statements.hpp"

#include <optional>
#include <vector>

namespace pgmigrate {

/* The statements of the up and down sections as they run: a blanked BEGIN/COMMIT left out. */
struct SettledStatements {
	std::vector<Statement> up, down;
};

/*
 * Splits script's up and down sections, blanks a section's own BEGIN/COMMIT
 * and settles script->transactional. origin names the migration in errors.
 * Throws MigrateError(MG003) for a Drizzle statement that needs to run
 * outside a transaction but shares its breakpoints with others. down_split:
 * the down section's statements when the caller split it already.
 */
SettledStatements SettleTransaction(Script *script, SectionOrigin origin,
                                    std::optional<std::vector<Statement>> down_split = std::nullopt);

} // namespace pgmigrate
