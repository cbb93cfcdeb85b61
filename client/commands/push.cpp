/* push.cpp — `pg_migrate push`: upload new and changed files, apply nothing. */
#include "commands.hpp"

#include "exit_codes.hpp"
#include "lint_findings.hpp"
#include "session.hpp"
#include "upload.hpp"

#include <algorithm>

namespace pgmigrate::client {

namespace {

/*
 * Lint findings of the uploaded files (one statement), shown as deploy would
 * show them; errors are named as what deploy will refuse. The upload is
 * done either way, so a lint failure is only a note.
 */
void
LintUploaded(Connection &conn, const std::vector<Uploaded> &uploaded, Output &out)
{
	std::vector<const MigrationFile *> changed;
	for (const Uploaded &u : uploaded)
		if (u.outcome != "unchanged")
			changed.push_back(u.file);
	std::vector<LintFinding> findings;
	try {
		findings = LintRegistered(conn, changed);
	} catch (const SqlError &e) {
		out.Note("could not lint the uploaded files: " + SqlErrorText(e));
		return;
	}
	/* register() has already warned about a down section that does not parse */
	findings.erase(
	    std::remove_if(findings.begin(), findings.end(), [](const LintFinding &f) { return f.rule == "broken-down"; }),
	    findings.end());
	ReportWarnings(findings, out);
	/* an error whose tables are empty or new here does not block a deploy to this database (catalog 0.1.5) */
	std::size_t errors = 0, passing = 0;
	for (const LintFinding &f : findings) {
		errors += f.severity == "error" && f.blocks_here != false ? 1 : 0;
		passing += f.severity == "error" && f.blocks_here == false ? 1 : 0;
	}
	if (errors > 0)
		out.Note("deploy will refuse " + std::string(errors == 1 ? "this lint error" : "these lint errors") +
		         " (MG004) until each is fixed or acknowledged with -- migrate:allow RULE");
	if (passing > 0)
		out.Note(std::to_string(passing) + (passing == 1 ? " lint error does" : " lint errors do") +
		         " not block a deploy to this database now: the tables are empty or new");
}

} // namespace

int
RunPush(const GlobalOptions &global, Output &out)
{
	std::vector<MigrationFile> files;
	Connection conn = ConnectWhileLoading(global, out, &files, kRemoteStateSql);
	ServerVersions server;
	std::vector<RemoteMigration> remote = ReadRemote(conn, files, &server);
	out.Doc()["warnings"] = nlohmann::json::array(); /* register()'s warnings come first */
	std::vector<Uploaded> uploaded = Register(conn, ChangedFiles(files, remote), remote, server, out);
	out.Doc()["uploaded"] = UploadedJson(uploaded);
	if (uploaded.empty()) {
		out.Note("nothing to upload: all " + std::to_string(files.size()) + " files are registered unchanged");
		return kExitOk;
	}
	out.Print(UploadedTable(uploaded).Render());
	LintUploaded(conn, uploaded, out);
	return kExitOk;
}

const Command kPushCommand = {"push", "upload new and changed migration files, apply nothing", WithoutOptions<RunPush>,
                              ManyDatabases::kLastDb};

} // namespace pgmigrate::client
