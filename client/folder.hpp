/*
 * folder.hpp — reading migration folders (native layout, ARCHITECTURE.md §4.1).
 *
 * Every file is checked here with the same parser the server uses, so a bad
 * file stops the command (exit 2) before anything is uploaded.
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
};

/* Parses --dir values (none: ./migrations). Throws Failure(kExitUsage) for a bad stream name. */
std::vector<DirSpec> ParseDirSpecs(const std::vector<std::string> &raw);

struct MigrationFile {
	std::string path; /* folder path joined with the file name, as shown to the user and sent as source */
	std::string stream, version, name;
	std::string content; /* the exact bytes of the file */
	std::string checksum;
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
};

/*
 * Reads every *.sql file directly inside each folder (names starting with '.'
 * are editor leftovers and skipped) and checks it: name, readable, UTF-8,
 * script format, and no version used twice in one stream.
 */
FolderContents ReadFolders(const std::vector<DirSpec> &dirs);

/* The same, calling between_files after each file (deploy advances its connection there). */
FolderContents ReadFolders(const std::vector<DirSpec> &dirs, const std::function<void()> &between_files);

} // namespace pgmigrate::client
