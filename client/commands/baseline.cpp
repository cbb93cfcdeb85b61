/*
 * baseline.cpp — `pg_migrate baseline V [--stream S]`: adopting an existing
 * database. Uploads the folders' new files, then migrate.baseline() marks
 * every registered migration of the stream up to V applied without running
 * it; later ones stay pending for the next deploy.
 */
#include "commands.hpp"

#include "exit_codes.hpp"
#include "lifecycle.hpp"
#include "session.hpp"

namespace pgmigrate::client {

namespace {

/* baseline V */
struct BaselineOptions {
	std::string version;
	std::string stream; /* empty: the stream of the file with that version, else schema */
};

void
AddBaselineOptions(CLI::App &command, BaselineOptions &options)
{
	command.add_option("V", options.version, "version")->required();
	command.add_option("--stream", options.stream, "stream (default: the file's, else schema)");
}

} // namespace

int
RunBaseline(const GlobalOptions &global, const BaselineOptions &options, Output &out)
{
	std::string version = CheckedVersion("baseline", options.version);
	std::vector<MigrationFile> files;
	Connection conn = ConnectAndUpload(global, out, &files);
	std::string stream = StreamForVersion(options.stream, version, files);
	out.Doc()["stream"] = stream;
	out.Doc()["version"] = version;
	Result result = CallExtension(conn, "SELECT migrate.baseline($1, $2)", {stream, version});
	long marked = std::stol(result.Get(0, 0));
	out.Doc()["marked_applied"] = marked;
	out.Print(std::to_string(marked) + (marked == 1 ? " migration" : " migrations") + " of stream " + stream +
	          " up to " + version + " marked applied without running " + (marked == 1 ? "it" : "them"));
	if (marked == 0)
		out.Note("nothing to baseline: every migration of stream " + stream + " up to " + version +
		         " is already applied");
	return kExitOk;
}

const Command kBaselineCommand = {"baseline", "mark every migration up to V applied without running it",
                                  WithOptions<BaselineOptions, AddBaselineOptions, RunBaseline>,
                                  ManyDatabases::kRefused};

} // namespace pgmigrate::client
