/*
 * repair.cpp — `pg_migrate repair V [--stream S]`: after a deliberate edit of
 * an applied migration's file (a comment, a down section added later),
 * records the file's content and checksum with migrate.repair() without
 * running anything, so deploy stops refusing it (MG001).
 *
 * The file is found in the --dir folders and checked with the shared parser
 * first; the server parses it again and records the old checksum in history.
 */
#include "commands.hpp"

#include "exit_codes.hpp"
#include "lifecycle.hpp"
#include "script.hpp"
#include "session.hpp"

#include <optional>

namespace pgmigrate::client {

namespace {

/* repair V */
struct RepairOptions {
	std::string version;
	std::string stream; /* empty: the stream of the file with that version */
};

void
AddRepairOptions(CLI::App &command, RepairOptions &options)
{
	command.add_option("V", options.version, "version")->required();
	command.add_option("--stream", options.stream, "stream (default: the file's)");
}

} // namespace

int
RunRepair(const GlobalOptions &global, const RepairOptions &options, Output &out)
{
	std::string version = CheckedVersion("repair", options.version);
	std::vector<MigrationFile> files;
	/* early statement: the stored checksums, to tell "already this content" without a second round trip */
	Connection conn =
	    ConnectWhileLoading(global, out, &files, "SELECT stream, version, checksum, state FROM migrate.status()");
	std::optional<Result> remote;
	try {
		remote.emplace(conn.TakeEarly());
	} catch (const SqlError &e) {
		RethrowCatalogError(e, conn);
	}
	std::string stream = StreamForVersion(options.stream, version, files);
	const MigrationFile *file = FileForVersion(files, stream, version);
	if (file == nullptr)
		throw Failure(kExitUsage, "no file with version " + version + " of stream " + stream +
		                              " in the migration folders (--dir); repair sends that file's content");
	out.Doc()["stream"] = stream;
	out.Doc()["version"] = file->version;
	out.Doc()["file"] = file->path;

	bool same = false;
	for (int r = 0; r < remote->Rows(); r++)
		if (remote->Get(r, 0) == stream && CompareVersions(remote->Get(r, 1), file->version) == 0)
			same = remote->Get(r, 3) == "applied" && remote->Get(r, 2) == file->checksum;
	out.Doc()["changed"] = !same;
	if (same) {
		out.Print("migration " + stream + "/" + file->version + " already has the content of " + file->path +
		          "; nothing to repair");
		return kExitOk;
	}
	/* not registered or not applied: migrate.repair refuses with MG009 (exit 4) */
	CallExtension(conn, "SELECT migrate.repair($1, $2, $3)", {stream, file->version, file->content});
	out.Print("recorded the content of " + file->path + " for migration " + stream + "/" + file->version +
	          " without running it (old checksum kept in migrate.history)");
	return kExitOk;
}

const Command kRepairCommand = {"repair", "record the edited file of an applied migration, running nothing",
                                WithOptions<RepairOptions, AddRepairOptions, RunRepair>, ManyDatabases::kRefused};

} // namespace pgmigrate::client
