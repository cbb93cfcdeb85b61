/*
 * session.hpp — steps every database command shares: choosing the target,
 * connecting, recognising a missing extension, loading the folders.
 */
#pragma once

#include "connection.hpp"
#include "folder.hpp"
#include "options.hpp"
#include "output.hpp"

#include <string>
#include <vector>

namespace pgmigrate::client {

/* --db, else $DATABASE_URL, else "" (libpq's PG* defaults). */
std::string ConnectionTarget(const GlobalOptions &options);

/* "warning: FILE: message" on stderr for each file the folders skip as their tool would; "skipped_files" in JSON. */
void PrintFolderWarnings(const FolderContents &contents, Output &out);

/* Connects (exit 3 on failure); with -v tells where, never how (no password, no URL). */
Connection OpenSession(const GlobalOptions &options, Output &out);

/*
 * For commands that read the folders first: starts connecting, reads and
 * checks the folders while the server sets up the session and runs
 * early_sql (collected with Connection::TakeEarly), so the three overlap
 * instead of adding up. Bad files end the command (exit 2); early_sql only
 * reads.
 */
Connection ConnectWhileLoading(const GlobalOptions &options, Output &out, std::vector<MigrationFile> *files,
                               const std::string &early_sql);

/*
 * Rethrows error, as Failure(kExitConnect) "extension not installed" when it
 * says the migrate schema or its functions do not exist. Use only around the
 * client's own catalog queries: a migration's SQL may fail the same way.
 */
[[noreturn]] void RethrowCatalogError(const SqlError &error, const Connection &conn);

/* Throws a Failure that explains it when the server refused the library as built for another major. */
void RethrowLibraryMismatch(const SqlError &error);

/* A server error as psql shows it: message (SQLSTATE), then DETAIL, HINT and CONTEXT lines. */
std::string SqlErrorText(const SqlError &error);

/* A server error's fields for the JSON document's "error" object. */
nlohmann::json SqlErrorJson(const SqlError &error);

} // namespace pgmigrate::client
