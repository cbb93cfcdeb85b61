/*
 * lint_source.hpp — `pg_migrate lint FILE` reads a file of another tool's
 * layout as deploy reads it: a Prisma or drizzle v1 migration.sql (or
 * down.sql), a Flyway V/U/R file, a golang-migrate .up.sql/.down.sql, a file
 * of a folder with meta/_journal.json. Its folder is read in its layout and
 * the file's migration taken with its translated script (if-needed
 * directive, down file), so lint sees what register() would get.
 */
#pragma once

#include "folder.hpp"

#include <string>
#include <vector>

namespace pgmigrate::client {

/*
 * The migration path belongs to, as deploy would read it, into *file: true.
 * False when path is not in another tool's layout (the caller reads it as a
 * native file). A problem or warning deploy would report for path is added
 * to problems (true is returned, *file left empty).
 */
bool ReadToolFile(const std::string &path, MigrationFile *file, std::vector<FileProblem> *problems);

} // namespace pgmigrate::client
