/* session.cpp — connecting and loading, shared by the commands (see session.hpp). */
#include "session.hpp"

#include "exit_codes.hpp"
#include "script_warnings.hpp"

#include <cstdlib>
#include <exception>
#include <future>
#include <optional>

namespace pgmigrate::client {

std::string
ConnectionTarget(const GlobalOptions &options)
{
	if (!options.db.empty())
		return options.db;
	const char *url = std::getenv("DATABASE_URL");
	return url != nullptr ? url : "";
}

namespace {

/* What every session gets: notices and the statement trace go to -v output. */
void
Prepare(Connection &conn, Output &out)
{
	/* Notices (RAISE NOTICE in migrations, "already exists, skipping") are detail: -v shows them. */
	Output *sink = &out;
	conn.SetNoticeHandler([sink](const Notice &notice) {
		if (!ShowScriptWarning(notice, *sink))
			sink->Verbose(notice.text);
	});
	/* One line per round trip, so -v shows what a deploy cost. */
	conn.SetStatementTracer([sink](const std::string &sql) { sink->Verbose("sql: " + sql); });
}

std::vector<MigrationFile>
CheckedFiles(FolderContents contents, Output &out)
{
	PrintFolderWarnings(contents, out);
	if (contents.problems.empty())
		return std::move(contents.files);
	nlohmann::json problems = nlohmann::json::array();
	for (const FileProblem &problem : contents.problems) {
		out.Error(problem.ToString());
		nlohmann::json item = {{"file", problem.path}, {"message", problem.message}};
		item["line"] = problem.line > 0 ? nlohmann::json(problem.line) : nlohmann::json(nullptr);
		problems.push_back(item);
	}
	std::size_t n = contents.problems.size();
	throw Failure(kExitUsage,
	              std::to_string(n) + (n == 1 ? " problem" : " problems") +
	                  " in the migration folders; nothing was uploaded",
	              {{"problems", problems}});
}

} // namespace

void
PrintFolderWarnings(const FolderContents &contents, Output &out)
{
	if (contents.warnings.empty())
		return;
	nlohmann::json warnings = nlohmann::json::array();
	for (const FileProblem &warning : contents.warnings) {
		out.Error("warning: " + warning.ToString());
		warnings.push_back({{"file", warning.path}, {"message", warning.message}});
	}
	out.Doc()["skipped_files"] = warnings;
}

Connection
OpenSession(const GlobalOptions &options, Output &out)
{
	Connection conn = Connection::Open(ConnectionTarget(options));
	Prepare(conn, out);
	out.Verbose("connected to database \"" + conn.Database() + "\" as user \"" + conn.User() + "\" on host \"" +
	            conn.Host() + "\" port " + conn.Port());
	return conn;
}

Connection
ConnectWhileLoading(const GlobalOptions &options, Output &out, std::vector<MigrationFile> *files,
                    const std::string &early_sql)
{
	/* --dir mistakes are usage errors: report them before touching the network */
	std::vector<DirSpec> dirs = ParseDirSpecs(options.dirs, options.layout);
	/* The files are read on a second core while this thread spends its time in the
	 * connection handshake (SCRAM's key derivation alone is several ms of CPU). */
	std::future<FolderContents> reading = std::async(std::launch::async, [&dirs] { return ReadFolders(dirs); });
	std::exception_ptr connect_error;
	std::optional<Connection> conn;
	try {
		conn.emplace(Connection::Start(ConnectionTarget(options)));
		Prepare(*conn, out);
		conn->SendEarly(early_sql);
		conn->Finish();
	} catch (...) {
		connect_error = std::current_exception();
	}
	/* A bad folder is reported (exit 2) even when the server is unreachable too. */
	*files = CheckedFiles(reading.get(), out);
	if (connect_error)
		std::rethrow_exception(connect_error);
	out.Verbose("connected to database \"" + conn->Database() + "\" as user \"" + conn->User() + "\" on host \"" +
	            conn->Host() + "\" port " + conn->Port());
	return std::move(*conn);
}

void
RethrowCatalogError(const SqlError &error, const Connection &conn)
{
	/* 3F000 invalid_schema_name, 42883 undefined_function, 42P01 undefined_table */
	if (error.sqlstate == "3F000" || error.sqlstate == "42883" || error.sqlstate == "42P01")
		throw Failure(kExitConnect,
		              "extension pg_migrate is not installed in database " + conn.Database() +
		                  "; run: pg_migrate install",
		              {{"sqlstate", error.sqlstate}, {"detail", error.what()}});
	RethrowLibraryMismatch(error);
	throw error;
}

void
RethrowLibraryMismatch(const SqlError &error)
{
	/*
	 * The server refuses a library built for another major: "incompatible library" when its magic block
	 * disagrees, "undefined symbol" when the loader fails first on a function that major no longer has.
	 */
	std::string message = error.what();
	if (message.find("incompatible library") != std::string::npos ||
	    (message.find("could not load library") != std::string::npos &&
	     message.find("undefined symbol") != std::string::npos))
		throw Failure(kExitConnect,
		              "the pg_migrate library installed on this server was built for another PostgreSQL major (" +
		                  (error.detail.empty() ? std::string(error.what()) : error.detail) +
		                  "); build and install it with this server's pg_config: bash scripts/build_extension.sh "
		                  "$(pg_config)",
		              SqlErrorJson(error));
}

std::string
SqlErrorText(const SqlError &error)
{
	std::string text = error.what();
	if (!error.sqlstate.empty())
		text += " (SQLSTATE " + error.sqlstate + ")";
	if (!error.detail.empty())
		text += "\nDETAIL: " + error.detail;
	if (!error.hint.empty())
		text += "\nHINT: " + error.hint;
	if (!error.context.empty())
		text += "\nCONTEXT: " + error.context;
	return text;
}

nlohmann::json
SqlErrorJson(const SqlError &error)
{
	nlohmann::json out = {{"server_message", error.what()}};
	if (!error.sqlstate.empty())
		out["sqlstate"] = error.sqlstate;
	if (!error.detail.empty())
		out["detail"] = error.detail;
	if (!error.hint.empty())
		out["hint"] = error.hint;
	if (!error.context.empty())
		out["context"] = error.context;
	return out;
}

} // namespace pgmigrate::client
