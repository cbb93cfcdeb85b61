/*
 * folder.hpp — reading migration folders (ARCHITECTURE.md §4.1, §4.2).
 *
 * Each folder is read in its layout — native, or another tool's (prisma,
 * flyway, drizzle, golang-migrate; see layouts.hpp), detected or forced with
 * --layout — and every migration is checked here with the same parser the
 * server uses, so a bad file stops the command (exit 2) before anything is
 * uploaded.
 */
#pragma once

#include <functional>
#include <string>
#include <vector>

namespace pgmigrate::client {

/* One --dir: "[STREAM=]PATH". */
struct DirSpec {
	std::string stream = "schema"; /* the folder's stream unless a file names its own */
	std::string path;
	bool stream_given = false; /* STREAM= was written */
	bool is_default = false;   /* no --dir at all: ./migrations */
	std::string layout;        /* --layout: native, prisma, flyway, drizzle, golang-migrate; empty: detected */
};

/*
 * Parses --dir values (none: ./migrations); layout is --layout's value (empty:
 * detect per folder). Throws Failure(kExitUsage) for a bad stream name or layout.
 */
std::vector<DirSpec> ParseDirSpecs(const std::vector<std::string> &raw, const std::string &layout = "");

struct MigrationFile {
	std::string path; /* folder path joined with the file name, as shown to the user and sent as source */
	std::string stream, version, name;
	std::string content;  /* what is uploaded: the file's exact bytes (native), else the translated script */
	std::string checksum; /* sha256 hex of content: what migrate.migrations.checksum holds */
	std::string layout = "native";
	/* the name its tool knows it by: prisma's folder name, flyway's script path, drizzle's tag; native: the file name
	 */
	std::string tool_id;
	/* other layouts: the tool's own up file, byte for byte, as that tool checksums it; empty for native */
	std::string original;
	std::string down_path;        /* other layouts: the tool's down file, when content holds it */
	int down_first_line = 0;      /* line of content where down_path's first line is; 0: none */
	bool repeatable = false;      /* flyway R__ file: applied again whenever its content changes */
	long long created_millis = 0; /* drizzle: "when" of its meta/_journal.json entry */

	/* The bytes the migration's own tool read: original, or content for native files. */
	const std::string &
	ToolBytes() const
	{
		return original.empty() ? content : original;
	}
};

/* A bad file; printed as "path:line: message" (":line" left out when 0). */
struct FileProblem {
	std::string path;
	int line = 0;
	std::string message;
	std::string ToString() const;
};

struct FolderContents {
	std::vector<MigrationFile> files; /* folder by folder, each sorted by file name */
	std::vector<FileProblem> problems;
	std::vector<FileProblem> warnings; /* files skipped as their tool skips them (an unlisted drizzle file) */
};

/*
 * Reads each folder in its layout — native: every *.sql file directly inside
 * it (names starting with '.' are editor leftovers and skipped) — and checks
 * every migration: name, readable, UTF-8, script format, one layout per
 * folder, and no version used twice in one stream.
 */
FolderContents ReadFolders(const std::vector<DirSpec> &dirs);

/* Reads the whole file; false with errno's text in *error when it cannot. */
bool ReadFileBytes(const std::string &path, std::string *content, std::string *error);

/* dir joined with file ("dir/file"; no doubled '/'). */
std::string JoinPath(const std::string &dir, const std::string &file);

} // namespace pgmigrate::client
