/*
 * deploy.cpp — `pg_migrate deploy`: push, then migrate.apply() with
 * on_error => 'record', then a result table.
 *
 * Cost: one round trip when there is nothing to do (the checksum query
 * answers it, and the server's versions come with it); otherwise one upload
 * statement (only if something changed) and one apply call: the server
 * plans the selected streams (--stream, --skip-stream) itself. A catalog
 * from before 0.1.6 gets one call per stream instead.
 */
#include "commands.hpp"

#include "backup.hpp"
#include "exit_codes.hpp"
#include "lifecycle.hpp"
#include "lint_findings.hpp"
#include "managed_calls.hpp"
#include "retry_advice.hpp"
#include "rows.hpp"
#include "script.hpp"
#include "server_versions.hpp"
#include "session.hpp"
#include "upload.hpp"
#include "wait.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <cstdio>
#include <map>
#include <optional>
#include <set>

namespace pgmigrate::client {

namespace {

void
AddDeployOptions(CLI::App &command, DeployOptions &options)
{
	command.add_option("--stream", options.streams, "apply only this stream (repeatable)")
	    ->take_all()
	    ->allow_extra_args(false);
	command.add_option("--skip-stream", options.skip_streams, "do not apply this stream (repeatable)")
	    ->take_all()
	    ->allow_extra_args(false);
	command.add_option("--target", options.target, "apply up to this version");
	command.add_flag("--dry-run", options.dry_run, "run the migrations and roll them back");
	command.add_flag("--no-wait", options.no_wait, "do not wait for the background runner");
	command
	    .add_option("--backup", options.backup_dir,
	                "pg_dump -Fc into DIR/<database>-<UTC timestamp>.dump before anything pending is applied")
	    ->type_name("DIR");
	command.add_flag("--accept-drift", options.accept_drift,
	                 "record the schema as it is now as the new baseline before applying (history: accept-drift)");
	command.add_flag("--include-server-only", options.include_server_only,
	                 "also apply pending migrations registered on the server that are in none of the files");
}

} // namespace

namespace {

/* Which streams this deploy applies: --stream (all when none) minus --skip-stream. */
class StreamFilter {
public:
	explicit StreamFilter(const DeployOptions &options)
	    : only_(options.streams.begin(), options.streams.end()),
	      skip_(options.skip_streams.begin(), options.skip_streams.end())
	{}
	bool
	Active() const
	{
		return !only_.empty() || !skip_.empty();
	}
	bool
	Selects(const std::string &stream) const
	{
		return (only_.empty() || only_.count(stream) > 0) && skip_.count(stream) == 0;
	}

private:
	std::set<std::string> only_, skip_;
};

/* Streams with something for apply() to do: pending or failed migrations, or files just uploaded. */
std::set<std::string>
StreamsWithWork(const std::vector<RemoteMigration> &remote, const std::vector<Uploaded> &uploaded)
{
	std::set<std::string> busy;
	for (const RemoteMigration &m : remote)
		if (m.state == "pending" || m.state == "failed")
			busy.insert(m.stream);
	for (const Uploaded &u : uploaded)
		busy.insert(u.file->stream);
	return busy;
}

/* Streams the database or the folders have migrations in. */
std::set<std::string>
KnownStreams(const std::vector<RemoteMigration> &remote, const std::vector<MigrationFile> &files)
{
	std::set<std::string> streams;
	for (const RemoteMigration &m : remote)
		streams.insert(m.stream);
	for (const MigrationFile &f : files)
		streams.insert(f.stream);
	return streams;
}

/* A --stream that matches nothing is most likely a typo; say so instead of silently doing nothing. */
void
NoteFilterEffects(const StreamFilter &filter, const DeployOptions &options, const std::vector<RemoteMigration> &remote,
                  const std::vector<MigrationFile> &files, const std::vector<Uploaded> &uploaded, Output &out)
{
	std::set<std::string> streams = KnownStreams(remote, files);
	for (const std::string &s : options.streams)
		if (streams.count(s) == 0)
			out.Note("stream " + s + " has no migrations, neither in the folders nor in the database");
	for (const std::string &s : StreamsWithWork(remote, uploaded))
		if (!filter.Selects(s))
			out.Note("stream " + s + " has pending migrations but is not deployed now");
}

/* True when the database or this upload has something for apply() to do in the selected streams. */
bool
HasWork(const StreamFilter &filter, const std::vector<RemoteMigration> &remote, const std::vector<Uploaded> &uploaded)
{
	for (const RemoteMigration &m : remote)
		if (filter.Selects(m.stream) && (m.state == "pending" || m.state == "failed"))
			return true;
	for (const Uploaded &u : uploaded)
		if (filter.Selects(u.file->stream))
			return true;
	return false;
}

struct ApplyRows {
	Table table;
	nlohmann::json json = nlohmann::json::array();
	std::map<std::string, int> outcomes; /* outcome -> count */
};

/* "stream:version:checksum" of every file: apply_exact() runs exactly this content. */
std::vector<std::string>
ExpectedChecksums(const std::vector<MigrationFile> &files)
{
	std::vector<std::string> expected;
	expected.reserve(files.size());
	for (const MigrationFile &f : files)
		expected.push_back(f.stream + ":" + f.version + ":" + f.checksum);
	return expected;
}

/* Appends the rows of one apply call. */
void
AddRows(const Result &result, ApplyRows *rows)
{
	Table part = ResultTable(result, {"stream", "version", "name", "outcome", "duration_ms"});
	if (rows->table.headers.empty()) {
		rows->table.headers = part.headers;
		rows->table.right_aligned = part.right_aligned;
	}
	for (auto &row : part.rows)
		rows->table.rows.push_back(row);
	int outcome = result.Column("outcome");
	for (int r = 0; r < result.Rows(); r++) {
		rows->json.push_back(RowJson(result, r));
		rows->outcomes[result.Get(r, outcome)]++;
	}
}

/*
 * One apply call for one stream (NULL: every stream); appends its rows.
 * apply_exact() applies exactly the files this deploy read (content another
 * session registered in between is refused, MG001), and refuses pending
 * migrations that are in none of them unless --include-server-only (MG009).
 * A catalog from before 0.1.3 has only apply(), whose author check still
 * holds; pg_migrate install updates it.
 */
void
Apply(Connection &conn, const Param &stream, const DeployOptions &options, const std::string &expected,
      const std::vector<std::string> &expected_list, ApplyRows *rows)
{
	Param target = options.target.empty() ? Param() : Param(options.target);
	std::string dry_run = options.dry_run ? "true" : "false";
	if (conn.Managed()) {
		engine::ManagedApply request;
		request.expected = expected_list;
		request.include_unlisted = options.include_server_only;
		if (stream)
			request.streams = std::vector<std::string>{*stream};
		request.target = target;
		request.dry_run = options.dry_run;
		AddRows(engine::ManagedApplyExact(conn, request), rows);
		return;
	}
	std::optional<Result> applied;
	try {
		applied.emplace(conn.Exec(
		    "SELECT stream, version, name, outcome, duration_ms FROM migrate.apply_exact("
		    "$4::text[], include_unlisted => $5::boolean, stream => $1, target => $2, "
		    "dry_run => $3::boolean, on_error => 'record')",
		    {stream, target, dry_run, expected, std::string(options.include_server_only ? "true" : "false")}));
	} catch (const SqlError &e) {
		if (e.sqlstate != "42883") /* undefined_function: an older catalog */
			throw;
		applied.emplace(conn.Exec("SELECT stream, version, name, outcome, duration_ms FROM migrate.apply("
		                          "stream => $1, target => $2, dry_run => $3::boolean, on_error => 'record')",
		                          {stream, target, dry_run}));
	}
	AddRows(*applied, rows);
}

/*
 * The selected streams in one call (catalog 0.1.6): the server plans them
 * in position order, as one batch. --stream names that neither the folders
 * nor the database know are left out: the notes have named them already.
 */
void
ApplySelected(Connection &conn, const DeployOptions &options, const std::set<std::string> &known,
              const std::string &expected, const std::vector<std::string> &expected_list, ApplyRows *rows)
{
	std::optional<std::vector<std::string>> streams;
	if (!options.streams.empty()) {
		streams.emplace();
		for (const std::string &s : options.streams)
			if (known.count(s) > 0)
				streams->push_back(s);
	}
	if (conn.Managed()) {
		engine::ManagedApply request;
		request.expected = expected_list;
		request.include_unlisted = options.include_server_only;
		request.streams = streams;
		if (!options.skip_streams.empty())
			request.skip_streams = options.skip_streams;
		request.target = options.target.empty() ? std::nullopt : std::optional<std::string>(options.target);
		request.dry_run = options.dry_run;
		AddRows(engine::ManagedApplyExact(conn, request), rows);
		return;
	}
	Param streams_param = streams ? Param(TextArrayLiteral(*streams)) : Param();
	Param skip_param = options.skip_streams.empty() ? Param() : Param(TextArrayLiteral(options.skip_streams));
	Param target = options.target.empty() ? Param() : Param(options.target);
	AddRows(conn.Exec("SELECT stream, version, name, outcome, duration_ms FROM migrate.apply_exact("
	                  "$1::text[], streams => $2::text[], skip_streams => $3::text[], "
	                  "include_unlisted => $4::boolean, target => $5, dry_run => $6::boolean, on_error => 'record')",
	                  {expected, streams_param, skip_param, std::string(options.include_server_only ? "true" : "false"),
	                   target, std::string(options.dry_run ? "true" : "false")}),
	        rows);
}

/*
 * A catalog from before 0.1.6 takes one stream per call: the selected
 * streams with work, in the order status() lists them (stream position
 * order), each call its own batch; the first failure ends the loop.
 */
void
ApplyStreamByStream(Connection &conn, const StreamFilter &filter, const std::set<std::string> &busy,
                    const DeployOptions &options, const std::string &expected,
                    const std::vector<std::string> &expected_list, ApplyRows *rows)
{
	std::vector<std::string> order;
	Result listed = conn.Exec("SELECT stream FROM migrate.status()");
	for (int r = 0; r < listed.Rows(); r++)
		if (std::find(order.begin(), order.end(), listed.Get(r, 0)) == order.end())
			order.push_back(listed.Get(r, 0));
	for (const std::string &stream : order) {
		if (!filter.Selects(stream) || busy.count(stream) == 0)
			continue;
		Apply(conn, stream, options, expected, expected_list, rows);
		if (rows->outcomes.count("failed") > 0)
			break;
	}
}

std::string
FileFor(const std::vector<MigrationFile> &files, const std::string &stream, const std::string &version)
{
	for (const MigrationFile &f : files) {
		try {
			if (f.stream == stream && CompareVersions(f.version, version) == 0)
				return f.path;
		} catch (const ScriptError &) {
		}
	}
	return "";
}

/*
 * Reads the failure apply() (or, given which, the runner) recorded, prints it
 * as file:line: message, and throws exit 1.
 */
[[noreturn]] void
ReportFailure(Connection &conn, const std::vector<MigrationFile> &files, Output &out,
              const std::optional<MigrationKey> &which = std::nullopt)
{
	static const std::string kColumns =
	    "SELECT stream, version, name, sqlstate, message, detail, context, statement, line FROM migrate.history ";
	Result result = which ? conn.Exec(kColumns + "WHERE status = 'failed' AND stream = $1 AND version = $2 "
	                                             "ORDER BY id DESC LIMIT 1",
	                                  {which->first, which->second})
	                      : conn.Exec(kColumns + "WHERE status = 'failed' ORDER BY id DESC LIMIT 1");
	if (result.Rows() == 0)
		throw Failure(kExitFailed, "a migration failed, but migrate.history has no failed row to explain it");
	auto get = [&](const char *column) { return result.Get(0, result.Column(column)); };
	std::string stream = get("stream"), version = get("version"), name = get("name");
	std::string file = FileFor(files, stream, version);
	nlohmann::json failed = RowJson(result, 0);
	failed["file"] = file.empty() ? nlohmann::json(nullptr) : nlohmann::json(file);
	out.Doc()["failed"] = failed;

	std::string where = file.empty() ? stream + " " + version + "_" + name : file;
	if (!get("line").empty())
		where += ":" + get("line");
	std::string text = where + ": " + get("message");
	if (!get("sqlstate").empty())
		text += " (SQLSTATE " + get("sqlstate") + ")";
	if (!get("statement").empty())
		text += "\nSTATEMENT: " + get("statement");
	if (!get("detail").empty())
		text += "\nDETAIL: " + get("detail");
	if (!get("context").empty())
		text += "\nCONTEXT: " + get("context");
	out.Error(text);
	std::string consequence = which ? " in the background runner; what ran before it stays applied, and the stream is "
	                                  "blocked until " +
	                                      RetryAdviceText(stream, version, conn.Managed()) + " after the fix"
	                                : "; its batch was rolled back and the failure recorded in migrate.history";
	throw Failure(kExitFailed, "migration " + stream + " " + version + " (" + name + ") failed" + consequence,
	              {{"sqlstate", get("sqlstate")}, {"file", failed["file"]}});
}

/*
 * Waits for the migrations apply() queued for the runner and puts their final
 * outcome and duration into rows; throws (exit 1) when one did not succeed.
 */
void
WaitForQueued(Connection &conn, const std::vector<MigrationFile> &files, ApplyRows *rows, Output &out)
{
	std::vector<MigrationKey> queued;
	for (const auto &row : rows->json)
		if (row.value("outcome", "") == "queued")
			queued.emplace_back(row.value("stream", ""), row.value("version", ""));
	/* in managed mode the client has run them already, after the batch committed */
	if (!conn.Managed())
		out.Note("waiting for the background runner (" + std::to_string(queued.size()) +
		         (queued.size() == 1 ? " migration" : " migrations") + "); --no-wait returns at once");
	std::map<MigrationKey, FinalState> final_states = WaitForRunner(conn, queued, out);

	std::optional<MigrationKey> failed;
	for (std::size_t i = 0; i < rows->json.size(); i++) {
		nlohmann::json &row = rows->json[i];
		auto it = final_states.find({row.value("stream", ""), row.value("version", "")});
		if (row.value("outcome", "") != "queued" || it == final_states.end())
			continue;
		const FinalState &final_state = it->second;
		row["outcome"] = final_state.state;
		rows->table.rows[i][3] = final_state.state;
		row["duration_ms"] = final_state.duration_ms ? nlohmann::json(*final_state.duration_ms) : nlohmann::json();
		rows->table.rows[i][4].clear();
		if (final_state.duration_ms) {
			char buffer[64];
			std::snprintf(buffer, sizeof buffer, "%.3f", *final_state.duration_ms);
			rows->table.rows[i][4] = buffer;
		}
		if (final_state.state != "applied" && !failed)
			failed = it->first;
	}
	if (!failed)
		return;
	out.Doc()["applied"] = rows->json;
	out.Print(rows->table.Render());
	if (final_states[*failed].state == "failed")
		ReportFailure(conn, files, out, failed);
	throw Failure(kExitFailed, "the background runner did not finish " + failed->first + " " + failed->second +
	                               " (state " + final_states[*failed].state + "); pg_migrate status shows it, and " +
	                               RetryAdviceText(failed->first, failed->second, conn.Managed()) + " resumes it");
}

} // namespace

int
RunDeploy(const GlobalOptions &global, const DeployOptions &options, Output &out)
{
	out.Doc()["dry_run"] = options.dry_run;
	out.Doc()["nothing_to_do"] = false;
	out.Doc()["uploaded"] = nlohmann::json::array();
	out.Doc()["applied"] = nlohmann::json::array();
	out.Doc()["warnings"] = nlohmann::json::array();
	out.Doc()["backup"] = nullptr;

	std::vector<MigrationFile> files;
	Connection conn = ConnectWhileLoading(global, out, &files, kRemoteStateSql);
	/* apply() sends lint warnings as NOTICEs: kept in "warnings", shown one line per rule (-v: each) */
	LintNoticeCollector lint_notices(conn, files, out);
	ServerVersions server;
	std::vector<RemoteMigration> remote = ReadRemote(conn, files, &server);
	std::vector<Uploaded> uploaded = Register(conn, ChangedFiles(files, remote), remote, server, out);
	out.Doc()["uploaded"] = UploadedJson(uploaded);
	for (const Uploaded &u : uploaded)
		out.Verbose("uploaded " + u.file->path + ": " + u.outcome);

	StreamFilter filter(options);
	NoteFilterEffects(filter, options, remote, files, uploaded, out);
	/* Work already handed to the runner is not "nothing to do": wait for it, or say it stopped. */
	std::vector<MigrationKey> in_flight, interrupted;
	for (const RemoteMigration &m : remote) {
		if (!filter.Selects(m.stream))
			continue;
		if (m.state == "queued" || m.state == "running")
			in_flight.emplace_back(m.stream, m.version);
		else if (m.state == "interrupted")
			interrupted.emplace_back(m.stream, m.version);
	}
	if (!interrupted.empty()) {
		std::string which = interrupted.front().first + " " + interrupted.front().second;
		throw Failure(kExitValidation,
		              "the background step " + which +
		                  " was interrupted (MG008); nothing was applied. Fix the cause, then " +
		                  RetryAdviceText(interrupted.front().first, interrupted.front().second, conn.Managed()),
		              {{"sqlstate", "MG008"}});
	}
	if (!HasWork(filter, remote, uploaded) && !in_flight.empty()) {
		ApplyRows rows;
		rows.table.headers = {"stream", "version", "name", "outcome", "duration_ms"};
		rows.table.right_aligned = {false, false, false, false, true};
		for (const MigrationKey &key : in_flight) {
			rows.json.push_back({{"stream", key.first}, {"version", key.second}, {"outcome", "queued"}});
			rows.table.rows.push_back({key.first, key.second, "", "queued", ""});
		}
		out.Doc()["applied"] = rows.json;
		if (options.no_wait) {
			out.Note(std::to_string(in_flight.size()) +
			         " migrations are with the background runner; pg_migrate status shows their progress");
			return kExitOk;
		}
		WaitForQueued(conn, files, &rows, out);
		out.Doc()["applied"] = rows.json;
		out.Print(rows.table.Render());
		return kExitOk;
	}
	auto accept_drift = [&] {
		if (!options.accept_drift || options.dry_run)
			return;
		Result accepted = CallExtension(conn, "SELECT migrate.accept_drift()");
		out.Doc()["accepted_fingerprint"] = accepted.Get(0, 0);
		out.Note("the schema as it is was recorded as the baseline (fingerprint " + accepted.Get(0, 0).substr(0, 12) +
		         ")");
	};
	if (!HasWork(filter, remote, uploaded)) {
		/* --accept-drift is asked for on its own too: record the schema even with nothing to apply */
		accept_drift();
		out.Doc()["nothing_to_do"] = true;
		out.Note(filter.Active() ? "nothing to do in the selected streams"
		                         : "nothing to do: every migration is applied");
		return kExitOk;
	}

	if (!options.backup_dir.empty()) {
		if (options.dry_run) {
			out.Note("dry run: no backup taken (nothing will be changed)");
		} else {
			Backup backup = TakeBackup(conn, options.backup_dir, out);
			out.Doc()["backup"] = backup.path;
			out.Note("backup: " + backup.path + " (" + std::to_string(backup.bytes) + " bytes, pg_dump -Fc)");
		}
	}

	accept_drift();

	ApplyRows rows;
	try {
		std::vector<std::string> expected_list = ExpectedChecksums(files);
		std::string expected = TextArrayLiteral(expected_list);
		if (!filter.Active()) {
			Apply(conn, Param(), options, expected, expected_list, &rows);
		} else if (AtLeast(server.catalog, kStreamListsCatalog)) {
			ApplySelected(conn, options, KnownStreams(remote, files), expected, expected_list, &rows);
		} else {
			out.Verbose("catalog " + server.catalog + " applies one stream per call; pg_migrate install updates it");
			ApplyStreamByStream(conn, filter, StreamsWithWork(remote, uploaded), options, expected, expected_list,
			                    &rows);
		}
	} catch (const SqlError &e) {
		/* Refusals before anything ran: the trust boundary, changed or unlisted content, a blocked stream. */
		if (e.sqlstate == "MG010" || e.sqlstate == "MG001" || e.sqlstate == "MG009" || e.sqlstate == "MG008" ||
		    e.sqlstate == "MG011") {
			out.Doc()["applied"] = rows.json;
			if (!rows.table.rows.empty())
				out.Print(rows.table.Render());
			out.Error("error: " + SqlErrorText(e));
			throw Failure(kExitValidation, "nothing more was applied", SqlErrorJson(e));
		}
		if (e.sqlstate != "MG004")
			throw;
		/* a catalog before 0.1.6, one call per stream: what earlier streams applied stays applied; show it */
		out.Doc()["applied"] = rows.json;
		if (!rows.table.rows.empty())
			out.Print(rows.table.Render());
		ThrowLintRefusal(e, files, out);
	}
	lint_notices.Finish(); /* the lint warnings, one line per rule (-v: each, as it came) */
	bool queued = rows.outcomes.count("queued") > 0;
	if (queued && !options.no_wait && rows.outcomes.count("failed") == 0)
		WaitForQueued(conn, files, &rows, out);
	out.Doc()["applied"] = rows.json;

	if (rows.table.rows.empty()) {
		out.Note("nothing to do: no pending migration in the selected streams");
		out.Doc()["nothing_to_do"] = true;
		return kExitOk;
	}
	out.Print(rows.table.Render());
	if (rows.outcomes.count("failed") > 0)
		ReportFailure(conn, files, out);
	if (options.dry_run)
		out.Note("dry run: " + std::to_string(rows.outcomes["dry-run"]) +
		         " migrations would be applied; nothing was changed");
	else if (queued && options.no_wait)
		out.Note(std::to_string(rows.outcomes["queued"]) +
		         " migrations were handed to the background runner; pg_migrate status shows their progress");
	return kExitOk;
}

namespace {

/* SKIP_INDEX_MIGRATIONS=true (the dual schema/index deploy convention) */
bool
EnvFlag(const char *name)
{
	const char *value = std::getenv(name);
	if (value == nullptr)
		return false;
	std::string v = value;
	std::transform(v.begin(), v.end(), v.begin(), [](unsigned char c) { return std::tolower(c); });
	return v == "true" || v == "1" || v == "yes" || v == "on";
}

/* deploy as the command line asked: to one database, or to several */
int
RunDeployCommand(const GlobalOptions &global, const DeployOptions &asked, Output &out)
{
	DeployOptions options = asked;
	if (EnvFlag("SKIP_INDEX_MIGRATIONS"))
		options.skip_streams.push_back("index");
	return ManyDatabasesAsked(global) ? RunDeployMany(global, options, out) : RunDeploy(global, options, out);
}

} // namespace

const Command kDeployCommand = {"deploy", "upload new and changed files, then apply pending migrations",
                                WithOptions<DeployOptions, AddDeployOptions, RunDeployCommand>,
                                ManyDatabases::kHandled};

} // namespace pgmigrate::client
