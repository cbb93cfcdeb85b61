/*
 * upload.hpp — the upload protocol shared by push and deploy.
 *
 * One query reads what the database holds (stream, version, checksum, state);
 * only files that are new or whose checksum differs are sent, all in one
 * statement, so an unchanged folder costs one round trip and a bad file
 * leaves the catalog untouched (the statement is one transaction).
 */
#pragma once

#include "connection.hpp"
#include "folder.hpp"
#include "output.hpp"
#include "server_versions.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace pgmigrate::client {

/* One row of migrate.status() as the upload needs it. */
struct RemoteMigration {
	std::string stream, version, checksum, state;
};

/* What the database holds: the first and, with nothing to do, only statement of push and deploy. */
extern const char *const kRemoteStateSql;

/*
 * Rows of kRemoteStateSql: the early statement's result when conn has one
 * outstanding (ConnectWhileLoading), else runs it. A missing extension is
 * exit 3, and so is a server this client cannot work with (VersionProblem;
 * files: the folders read, for what their format needs); versions, when
 * given, receives the server's versions.
 */
std::vector<RemoteMigration> ReadRemote(Connection &conn, const std::vector<MigrationFile> &files = {},
                                        ServerVersions *versions = nullptr);

/* Files the database does not hold, or holds with another checksum. */
std::vector<const MigrationFile *> ChangedFiles(const std::vector<MigrationFile> &files,
                                                const std::vector<RemoteMigration> &remote);

struct Uploaded {
	const MigrationFile *file;
	std::string outcome; /* what migrate.register returned: new, updated, unchanged */
};

/*
 * Registers changed files in one statement (all or nothing): one
 * register_many() call from catalog 0.1.7, register() per row before; register()
 * makes a changed repeatable migration that is applied pending again, so it
 * is applied again (noted here). Server refusals
 * become Failures: MG001 exit 4 naming the changed applied files, MG002 /
 * MG003 / 42601 exit 2; anything else is rethrown as SqlError.
 */
std::vector<Uploaded> Register(Connection &conn, const std::vector<const MigrationFile *> &changed,
                               const std::vector<RemoteMigration> &remote, const ServerVersions &server, Output &out);

/* [{"stream", "version", "name", "file", "outcome"}] */
nlohmann::json UploadedJson(const std::vector<Uploaded> &uploaded);

/* stream | version | name | outcome | file */
Table UploadedTable(const std::vector<Uploaded> &uploaded);

} // namespace pgmigrate::client
