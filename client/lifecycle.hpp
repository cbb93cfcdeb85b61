/*
 * lifecycle.hpp — what the lifecycle commands (rollback, verify, validate,
 * resolve, baseline, repair, version, reset) share: calling the extension's
 * functions with a missing extension told apart from a migration's own SQL
 * error, and finding the stream and file a version names.
 */
#pragma once

#include "connection.hpp"
#include "folder.hpp"
#include "options.hpp"
#include "output.hpp"

#include <string>
#include <vector>

namespace pgmigrate::client {

/*
 * Runs one call of the extension's functions. A missing extension (or one
 * too old to have the function) is exit 3; every other error is rethrown as
 * it came, so main() prints the server's message, DETAIL and HINT and maps
 * the SQLSTATE to the exit code. A migration's own SQL error (a failing down
 * section) carries pg_migrate's context and is never taken for a missing
 * extension.
 */
Result CallExtension(Connection &conn, const std::string &sql, const std::vector<Param> &params = {});

/* Throws Failure(kExitUsage) unless version is digit groups joined by '_' or '.' (or a file name starting with one). */
std::string CheckedVersion(const std::string &option, const std::string &value);

/*
 * The stream a command acts on: given (non-empty), else the stream of the
 * one file in files with that version, else "schema". Two files with that
 * version in different streams: exit 2, asking for --stream.
 */
std::string StreamForVersion(const std::string &given, const std::string &version,
                             const std::vector<MigrationFile> &files);

/* The file of stream with that version, or nullptr. */
const MigrationFile *FileForVersion(const std::vector<MigrationFile> &files, const std::string &stream,
                                    const std::string &version);

/*
 * The file whose tool knows it by name (a Prisma or drizzle v1 folder name,
 * a native or golang-migrate file name with or without ".sql"), or nullptr.
 * Prisma folders may share a timestamp, so their name is the only sure way
 * to name one (resolve --applied 20260630120000_drop_y).
 */
const MigrationFile *FileNamed(const std::vector<MigrationFile> &files, const std::string &name);

/*
 * For commands that need the migrations registered first (resolve,
 * baseline): reads the folders and uploads new and changed files, as push
 * does, in one statement. Without --dir and without ./migrations there is
 * nothing to read, and only the connection is made. Puts "uploaded" into the
 * JSON document.
 */
Connection ConnectAndUpload(const GlobalOptions &global, Output &out, std::vector<MigrationFile> *files);

} // namespace pgmigrate::client
