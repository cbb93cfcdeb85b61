/*
 * retry.cpp — `pg_migrate retry V [--stream S]`: migrate.retry() of a
 * failed or interrupted background step (it resumes at the statement that
 * did not finish, after dropping what the failed attempt left INVALID),
 * then waits for it as deploy does. In managed mode the client runs the
 * step itself, so this is how an interrupted step is resumed there.
 */
#include "commands.hpp"

#include "exit_codes.hpp"
#include "lifecycle.hpp"
#include "session.hpp"
#include "wait.hpp"

namespace pgmigrate::client {

namespace {

struct RetryOptions {
	std::string version;
	std::string stream; /* empty: the stream of the file with that version, else schema */
};

void
AddRetryOptions(CLI::App &command, RetryOptions &options)
{
	command.add_option("V", options.version, "version of the failed or interrupted step")->required();
	command.add_option("--stream", options.stream, "stream (default: the file's, else schema)");
}

} // namespace

int
RunRetry(const GlobalOptions &global, const RetryOptions &options, Output &out)
{
	std::string version = CheckedVersion("retry", options.version);
	std::vector<MigrationFile> files;
	Connection conn = ConnectAndUpload(global, out, &files);
	std::string stream = StreamForVersion(options.stream, version, files);
	out.Doc()["stream"] = stream;
	out.Doc()["version"] = version;
	CallExtension(conn, "SELECT migrate.retry($1, $2)", {stream, version});
	std::map<MigrationKey, FinalState> done = WaitForRunner(conn, {{stream, version}}, out);
	std::string state = done.count({stream, version}) > 0 ? done[{stream, version}].state : "unknown";
	out.Doc()["state"] = state;
	if (state != "applied")
		throw Failure(kExitFailed, "the retried step " + stream + " " + version + " ended " + state +
		                               "; pg_migrate status and migrate.history say why");
	out.Print("retried " + stream + " " + version + ": applied");
	return kExitOk;
}

const Command kRetryCommand = {"retry", "resume a failed or interrupted background step, and wait for it",
                               WithOptions<RetryOptions, AddRetryOptions, RunRetry>, ManyDatabases::kRefused};

} // namespace pgmigrate::client
