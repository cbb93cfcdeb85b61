/*
 * layout_internal.hpp — what the layout readers (layout_<tool>.cpp) share
 * with detection and translation (layouts.cpp). Not for other files: their
 * interface is layouts.hpp.
 */
#pragma once

#include "layouts.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace pgmigrate::client::layout {

/* What an entry of a folder looks like, judged by its name alone. */
enum class Kind {
	kNone,   /* not a migration of any layout (README.md, .git, meta, ...) */
	kNative, /* <digits>..._<name>.sql */
	kPrisma, /* <digits>_<name>/ folder or migration_lock.toml */
	kFlyway, /* V<version>__<desc>.sql, U<version>__<desc>.sql, R__<desc>.sql */
	kGolang, /* <digits>_<name>.up.sql / .down.sql */
	kOther,  /* a .sql file that fits no layout */
};

Kind Classify(const DirEntry &entry);
bool EndsWith(std::string_view s, std::string_view suffix);
/* "<digits>_<something>": the shape of a Prisma (and drizzle v1) migration folder. */
bool IsPrismaFolderName(std::string_view name);
/* The file names a layout reads, for messages. */
const char *ExpectedNames(Layout layout);

/* name's bytes, 7 per group (at most groups of them), as big-endian numbers joined by '.'. */
std::string NameGroups(std::string_view name, std::size_t groups);

/* Reads path into *bytes; adds a problem and returns false when it cannot. */
bool ReadInto(const std::string &path, std::string *bytes, std::vector<FileProblem> *problems);
/* Version and name from "<version>_<name>" (Prisma folders, drizzle tags, golang-migrate bases). */
bool SplitVersionName(const std::string &base, const std::string &path, FileName *out,
                      std::vector<FileProblem> *problems);
/* A migration of the layout at path, in dir's stream, that the tool calls tool_id. */
ToolMigration NewMigration(Layout layout, const DirSpec &dir, const std::string &path, const std::string &tool_id);
/*
 * m's script: up (or translated_up, when the reader rewrote it) and down
 * translated with the layout's no-transaction policy; up's bytes are kept as
 * the tool's original.
 */
void SetScript(ToolMigration *m, Layout layout, std::string up, const std::string *down, const std::string &down_path,
               bool repeatable, const std::string &translated_up = "");
/* Later folders of a shared timestamp get the timestamp plus their name's digit groups (layouts.cpp). */
void SeparateSharedTimestamps(std::vector<ToolMigration> *migrations);

/* The readers, one per layout file; entries as ResolveLayout left them. */
std::vector<ToolMigration> ReadPrisma(const DirSpec &dir, const std::vector<DirEntry> &entries,
                                      std::vector<FileProblem> *problems);
std::vector<ToolMigration> ReadFlyway(const DirSpec &dir, const std::vector<DirEntry> &entries,
                                      std::vector<FileProblem> *problems);
/* A journal's files (meta/_journal.json), else drizzle-kit v1's folders. */
std::vector<ToolMigration> ReadDrizzle(const DirSpec &dir, const std::vector<DirEntry> &entries,
                                       std::vector<FileProblem> *problems, std::vector<FileProblem> *warnings);
std::vector<ToolMigration> ReadGolang(const DirSpec &dir, const std::vector<DirEntry> &entries,
                                      std::vector<FileProblem> *problems);

/* Drizzle detection: whether dir has meta/_journal.json; whether its folders are drizzle-kit v1's. */
bool HasJournal(const DirSpec &dir);
bool LooksLikeDrizzleFolders(const DirSpec &dir, const std::vector<DirEntry> &entries);

} // namespace pgmigrate::client::layout
