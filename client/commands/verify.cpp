/*
 * verify.cpp — `pg_migrate verify [--stream S]`: migrate.verify() runs the
 * verify sections of applied migrations and changes nothing; exit 1 when one
 * fails.
 */
#include "commands.hpp"

#include "exit_codes.hpp"
#include "lifecycle.hpp"
#include "rows.hpp"
#include "session.hpp"
#include "stored_content.hpp"
#include "upload.hpp"

namespace pgmigrate::client {

namespace {

struct VerifyOptions {
	std::string stream; /* empty: every stream */
};

void
AddVerifyOptions(CLI::App &command, VerifyOptions &options)
{
	command.add_option("--stream", options.stream, "only this stream");
}

} // namespace

int
RunVerify(const GlobalOptions &global, const VerifyOptions &options, Output &out)
{
	std::vector<MigrationFile> files;
	bool with_files = HasFolders(global);
	Connection conn = with_files ? ConnectWhileLoading(global, out, &files, kRemoteStateSql) : OpenSession(global, out);
	/* A verify section whose stored text is not the file's is not run (MG001-like). */
	if (with_files) {
		std::string differing;
		for (const auto &[key, path] : ChangedAppliedFiles(ReadRemote(conn), files))
			if (options.stream.empty() || key.first == options.stream)
				differing += (differing.empty() ? "" : ", ") + path;
		if (!differing.empty())
			throw Failure(kExitValidation,
			              "nothing was verified: the server's copy of " + differing +
			                  " differs from the file (MG001); pg_migrate repair VERSION records the file's content "
			                  "if the change is meant",
			              {{"sqlstate", "MG001"}});
	}
	Result result = CallExtension(conn, "SELECT stream, version, name, ok, message FROM migrate.verify($1)",
	                              {options.stream.empty() ? Param() : Param(options.stream)});
	out.Doc()["verify"] = out.Raw(RowsJsonText(result));
	int ok_column = result.Column("ok");
	int failed = 0;
	for (int r = 0; r < result.Rows(); r++)
		if (result.Get(r, ok_column) != "t")
			failed++;
	out.Doc()["failed"] = failed;
	if (result.Rows() == 0) {
		out.Note("nothing to verify: no applied migration has a verify section");
		return kExitOk;
	}
	out.Print(ResultTable(result, {"stream", "version", "name", "ok", "message"}).Render());
	if (failed > 0)
		throw Failure(kExitFailed, std::to_string(failed) + " of " + std::to_string(result.Rows()) +
		                               " verify sections failed; nothing was changed");
	out.Note("all " + std::to_string(result.Rows()) + " verify sections passed");
	return kExitOk;
}

const Command kVerifyCommand = {"verify", "run the verify sections of applied migrations (exit 1 on failure)",
                                WithOptions<VerifyOptions, AddVerifyOptions, RunVerify>, ManyDatabases::kRefused};

} // namespace pgmigrate::client
