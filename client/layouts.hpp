/*
 * layouts.hpp — migrations folders of other tools, read as they are
 * (ARCHITECTURE.md §4.2).
 *
 *   native          <version>_<name>.sql, sections marked with -- migrate:up/down
 *   prisma          <version>_<name>/migration.sql (+ down.sql); migration_lock.toml ignored
 *   flyway          V<version>__<desc>.sql, U<version>__<desc>.sql (its down), R__<desc>.sql
 *                   (repeatable), in the folder and its subfolders
 *   drizzle         <NNNN>_<name>.sql in the order of meta/_journal.json; drizzle-kit v1:
 *                   <timestamp>_<name>/migration.sql (+ snapshot.json) folders
 *   golang-migrate  <version>_<name>.up.sql and <version>_<name>.down.sql
 *
 * A folder's layout is forced with --layout or detected from its entries; an
 * entry that belongs to another layout is a problem naming it (exit 2).
 *
 * Translation: the server parses one native script per migration, so a
 * tool's files become one script. The up file's bytes come first, unchanged
 * (its line numbers stay the file's); a down file follows after a
 * "-- migrate:down" line (an empty down file too: a down that does nothing).
 * A Prisma, Flyway or Drizzle file that may hold a statement which cannot run
 * in a transaction gets "-- migrate:no-transaction if-needed" (Drizzle:
 * "if-needed-between-breakpoints") after its up bytes; the server decides
 * whether it needs it. Without a down file, the script is mostly the tool's
 * file itself. The checksum pg_migrate keeps is the SHA-256 of this script,
 * so it changes exactly when the tool's files change.
 * Details per layout are in TranslateScript and ReadToolLayout.
 */
#pragma once

#include "enum_names.hpp"
#include "folder.hpp"
#include "script.hpp"

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

namespace pgmigrate::client {

enum class Layout { kNative, kPrisma, kFlyway, kDrizzle, kGolangMigrate };

/* Every layout and its name (--layout), in the order messages and --help list them: the one table of names. */
inline constexpr EnumName<Layout> kLayouts[] = {{Layout::kNative, "native"},
                                                {Layout::kPrisma, "prisma"},
                                                {Layout::kFlyway, "flyway"},
                                                {Layout::kDrizzle, "drizzle"},
                                                {Layout::kGolangMigrate, "golang-migrate"}};

/* "native", "prisma", "flyway", "drizzle", "golang-migrate" */
const char *LayoutName(Layout layout);

/* False for a name that is not a layout. */
bool LayoutFromName(const std::string &name, Layout *layout);

/* The layout names, comma separated, for messages. */
std::string LayoutNames();
/* The layout names, in table order (CLI11's IsMember for --layout). */
std::vector<std::string> LayoutNameList();

/* One entry of a folder listing. */
struct DirEntry {
	std::string name;
	bool is_directory = false;
	bool
	operator<(const DirEntry &other) const
	{
		return name < other.name;
	}
};

/*
 * The layout of the folder dir (entries: its listing, sorted): dir.layout
 * when forced, else detected — drizzle when meta/_journal.json exists, else
 * the layout most entries show (prisma folders or migration_lock.toml, flyway
 * V/U/R files, golang-migrate .up.sql/.down.sql files, native files), native
 * for an empty folder; <version>_<name>/ folders with snapshot.json and no
 * migration_lock.toml are drizzle-kit v1's. Every entry of another layout is added to problems
 * and removed from entries, so the folder's reader sees only its own —
 * except a loose file in a prisma folder, which Prisma never reads (it reads
 * only the migration folders): that goes to warnings, skipped.
 */
Layout ResolveLayout(const DirSpec &dir, std::vector<DirEntry> *entries, std::vector<FileProblem> *problems,
                     std::vector<FileProblem> *warnings = nullptr);

/* A migration read from a tool's files, before the checks every layout shares. */
struct ToolMigration {
	MigrationFile file;      /* path, stream, version, name, content, layout, tool_id, original, repeatable, ... */
	std::string down_path;   /* the file the down section came from; empty when none */
	int down_first_line = 0; /* line of file.content where that file's first line is */
};

/*
 * Reads the folder dir (entries: as ResolveLayout left them) in a layout
 * other than native: every migration with
 * its translated script (not yet parsed). Files it cannot take (a U without
 * its V, a journal entry without its file, a name without a version, ...)
 * are added to problems; files the tool itself would skip (a drizzle file
 * the journal does not list) to warnings. Prisma and drizzle v1 folders that
 * share a timestamp: the first keeps it as version, each later one gets
 * "<timestamp>.<its name's bytes as digit groups>" (see RepeatableVersion).
 */
std::vector<ToolMigration> ReadToolLayout(Layout layout, const DirSpec &dir, const std::vector<DirEntry> &entries,
                                          std::vector<FileProblem> *problems, std::vector<FileProblem> *warnings);

/* A translated script and where the down file's text starts in it (0: no down). */
struct Translation {
	std::string script;
	int down_first_line = 0;
};

/*
 * One native script from a tool's up file and optional down file: the up
 * bytes unchanged; when up has no statement (Prisma writes "-- This is an
 * empty migration."), a "SELECT;" line is added so it still registers; then
 * policy's "-- migrate:no-transaction if-needed..." line when a statement of
 * up or down may need it (policy kNever: never); with transaction_blocks (Prisma)
 * a "-- migrate:transaction-blocks" line when up or down may hold a
 * BEGIN ... COMMIT block; then "-- migrate:down" and
 * the down bytes, even when they hold no statement. A repeatable migration
 * ends with "-- migrate:repeatable": register() makes it pending again when
 * its content changes, and it may be applied below newer versions of its
 * stream.
 */
Translation TranslateScript(const std::string &up, const std::string *down, bool repeatable,
                            NoTransactionIf policy = NoTransactionIf::kNever, bool transaction_blocks = false);

/*
 * Drizzle's SQL with its "--> statement-breakpoint" lines kept as comments
 * (drizzle-kit ends each statement with ';'). A hand-written statement
 * without ';' before a breakpoint gets one on the breakpoint line, so the
 * statements stay apart. Line numbers are unchanged.
 */
std::string DrizzleStatements(const std::string &sql);

/*
 * The version of a Flyway repeatable migration: its description's bytes, 7 per
 * digit group, as big-endian numbers. Versions sort as the descriptions do
 * (Flyway applies repeatables in description order) and stay the same while
 * the description does; descriptions equal in their first 56 bytes collide.
 */
std::string RepeatableVersion(std::string_view description);

/* The stream of a folder's repeatable migrations: "<stream>-repeatable". */
std::string RepeatableStream(const std::string &stream);

/*
 * Flyway's checksum of a SQL file, as flyway_schema_history.checksum holds it:
 * CRC-32 of the UTF-8 bytes of each line without its line ending (a leading
 * byte order mark dropped), read as a signed 32-bit number.
 */
std::int32_t FlywayChecksum(std::string_view bytes);

} // namespace pgmigrate::client
