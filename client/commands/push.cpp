/* push.cpp — `pg_migrate push`: upload new and changed files, apply nothing. */
#include "commands.hpp"

#include "exit_codes.hpp"
#include "session.hpp"
#include "upload.hpp"

namespace pgmigrate::client {

int
RunPush(const GlobalOptions &global, Output &out)
{
	std::vector<MigrationFile> files;
	Connection conn = ConnectWhileLoading(global, out, &files, kRemoteStateSql);
	std::vector<RemoteMigration> remote = ReadRemote(conn);
	std::vector<Uploaded> uploaded = Register(conn, ChangedFiles(files, remote), remote, out);
	out.Doc()["uploaded"] = UploadedJson(uploaded);
	if (uploaded.empty()) {
		out.Note("nothing to upload: all " + std::to_string(files.size()) + " files are registered unchanged");
		return kExitOk;
	}
	out.Print(UploadedTable(uploaded).Render());
	return kExitOk;
}

} // namespace pgmigrate::client
