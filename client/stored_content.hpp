/*
 * stored_content.hpp — comparing what the server stores with the files.
 *
 * rollback runs stored down sections, verify stored verify sections: when a
 * folder is at hand the client checks that the server's copy is the file's
 * content (a role could have repaired it with other text), as deploy does
 * for up sections.
 */
#pragma once

#include "folder.hpp"
#include "options.hpp"
#include "upload.hpp"

#include <map>
#include <string>
#include <utility>
#include <vector>

namespace pgmigrate::client {

/* Files are compared when folders were named, or the default ./migrations exists. */
bool HasFolders(const GlobalOptions &global);

/* (stream, version) of applied migrations whose stored checksum differs from their file -> the file's path. */
std::map<std::pair<std::string, std::string>, std::string>
ChangedAppliedFiles(const std::vector<RemoteMigration> &remote, const std::vector<MigrationFile> &files);

} // namespace pgmigrate::client
