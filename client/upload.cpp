/* upload.cpp — reading checksums and registering changed files (see upload.hpp). */
#include "upload.hpp"

#include "exit_codes.hpp"
#include "managed_calls.hpp"
#include "script.hpp"
#include "server_versions.hpp"
#include "session.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <regex>
#include <utility>

namespace pgmigrate::client {

namespace {

using Key = std::pair<std::string, std::string>; /* stream, version key */

/* The remote key; a version the parser would refuse cannot match a file, so keep it verbatim. */
Key
RemoteKey(const RemoteMigration &m)
{
	try {
		return {m.stream, VersionKey(m.version)};
	} catch (const ScriptError &) {
		return {m.stream, "?" + m.version};
	}
}

std::map<Key, const RemoteMigration *>
IndexRemote(const std::vector<RemoteMigration> &remote)
{
	std::map<Key, const RemoteMigration *> index;
	for (const RemoteMigration &m : remote)
		index.emplace(RemoteKey(m), &m);
	return index;
}

/* MG001: name the files that changed after being applied (those not pending remotely). */
[[noreturn]] void
ThrowChangedApplied(const SqlError &error, const std::vector<const MigrationFile *> &changed,
                    const std::vector<RemoteMigration> &remote, Output &out)
{
	auto index = IndexRemote(remote);
	nlohmann::json files = nlohmann::json::array();
	for (const MigrationFile *file : changed) {
		auto it = index.find({file->stream, VersionKey(file->version)});
		if (it == index.end() || it->second->state == "pending")
			continue;
		out.Error(file->path + ": this file was changed after it was applied (stream " + file->stream + ", version " +
		          file->version + ", state " + it->second->state + ")");
		files.push_back(file->path);
	}
	out.Error(SqlErrorText(error));
	out.Error("Restore the file as it was applied and put the change in a new migration (pg_migrate new NAME); "
	          "pg_migrate repair will record a deliberate edit once available.");
	nlohmann::json details = SqlErrorJson(error);
	details["files"] = files;
	throw Failure(kExitValidation, "an applied migration was changed; nothing was uploaded", details);
}

/*
 * 22P05: a file holds a character the database's encoding cannot store. The
 * server names the bytes ("character with byte sequence 0xe2 0x82 0xac in
 * encoding "UTF8" has no equivalent in encoding "LATIN1""); find them.
 */
[[noreturn]] void
ThrowUntranslatable(const SqlError &error, const std::vector<const MigrationFile *> &changed, Output &out)
{
	std::string message = error.what(), bytes;
	std::size_t pos = message.find("0x");
	while (pos != std::string::npos && pos + 4 <= message.size()) {
		bytes.push_back(static_cast<char>(std::stoi(message.substr(pos + 2, 2), nullptr, 16)));
		pos = message.find("0x", pos + 4);
		if (pos != std::string::npos && message.compare(pos - 1, 1, " ") != 0)
			break;
	}
	std::string where;
	for (const MigrationFile *file : changed) {
		std::size_t at = bytes.empty() ? std::string::npos : file->content.find(bytes);
		if (at == std::string::npos)
			continue;
		int line = 1 + static_cast<int>(std::count(file->content.begin(), file->content.begin() + at, '\n'));
		where = file->path + ":" + std::to_string(line) + ": ";
		break;
	}
	out.Error(where + message);
	throw Failure(kExitUsage,
	              (where.empty() ? std::string("a file") : where.substr(0, where.size() - 2)) +
	                  " holds a character this database's encoding cannot store; nothing was uploaded. Write it "
	                  "another way (an escape such as U&'\\20AC' or E'\\u20AC' where the encoding allows), or use a "
	                  "database in UTF8",
	              SqlErrorJson(error));
}

/* One refused file: "path:line: message" (":line" when known), the server's SQLSTATE and DETAIL. */
struct Refusal {
	FileProblem problem;
	std::string sqlstate, detail, hint;
};

/* The file line a register() error names: "PATH:LINE: ..." in its message, else "line N" in its context. */
Refusal
RefusalOf(const MigrationFile &file, const SqlError &error)
{
	Refusal refusal{{file.path, 0, error.what()}, error.sqlstate, error.detail, error.hint};
	static const std::regex kPrefix("^(.+?):([0-9]{1,9}): (.*)$");
	static const std::regex kContextLine("line ([0-9]{1,9})");
	std::smatch match;
	std::string message = error.what();
	if (std::regex_match(message, match, kPrefix) && match[1] == file.path) {
		refusal.problem.line = std::stoi(match[2]);
		refusal.problem.message = match[3];
	} else if (message.rfind(file.path + ": ", 0) == 0) {
		refusal.problem.message = message.substr(file.path.size() + 2);
	} else if (std::regex_search(error.context, match, kContextLine) ||
	           std::regex_search(error.detail, match, kContextLine)) {
		refusal.problem.line = std::stoi(match[1]);
	}
	return refusal;
}

/*
 * The upload statement stopped at the first file the server refused. To
 * name every refused file in one run, each is registered again on its own
 * under a savepoint of a transaction that is rolled back: nothing is kept.
 */
[[noreturn]] void
ThrowEveryRefusal(Connection &conn, const std::vector<const MigrationFile *> &changed, const SqlError &first,
                  Output &out)
{
	std::vector<Refusal> refusals;
	try {
		/* the first attempt already showed this upload's warnings */
		Transaction check(conn, "BEGIN; SET LOCAL client_min_messages = error");
		for (const MigrationFile *file : changed) {
			conn.Exec("SAVEPOINT pg_migrate_check");
			try {
				if (conn.Managed()) {
					/* no migrate.register() in a managed database: the engine the client hosts registers */
					const std::vector<std::string_view> one[5] = {
					    {file->stream}, {file->version}, {file->name}, {file->content}, {file->path}};
					engine::ManagedRegisterMany(conn, one);
				} else {
					conn.Exec("SELECT migrate.register($1, $2, $3, $4, $5)",
					          {file->stream, file->version, file->name, file->content, file->path});
				}
				conn.Exec("RELEASE SAVEPOINT pg_migrate_check");
			} catch (const SqlError &e) {
				if (e.connection_lost)
					throw;
				refusals.push_back(RefusalOf(*file, e));
				conn.Exec("ROLLBACK TO SAVEPOINT pg_migrate_check");
			}
		}
		check.Rollback();
	} catch (const SqlError &) {
		refusals.clear();
	}
	if (refusals.empty()) {
		/* the files are fine on their own (or the check could not run): the first error is the answer */
		out.Error(SqlErrorText(first));
		throw Failure(kExitUsage, "the server refused a migration script; nothing was uploaded", SqlErrorJson(first));
	}
	nlohmann::json problems = nlohmann::json::array();
	for (const Refusal &r : refusals) {
		out.Error(r.problem.ToString() + (r.sqlstate.empty() ? "" : " (SQLSTATE " + r.sqlstate + ")") +
		          (r.detail.empty() ? "" : "\nDETAIL: " + r.detail) + (r.hint.empty() ? "" : "\nHINT: " + r.hint));
		nlohmann::json item = {{"file", r.problem.path}, {"message", r.problem.message}, {"sqlstate", r.sqlstate}};
		item["line"] = r.problem.line > 0 ? nlohmann::json(r.problem.line) : nlohmann::json(nullptr);
		if (!r.detail.empty())
			item["detail"] = r.detail;
		if (!r.hint.empty())
			item["hint"] = r.hint;
		problems.push_back(item);
	}
	std::size_t n = refusals.size();
	nlohmann::json details = SqlErrorJson(first);
	details["problems"] = problems;
	throw Failure(kExitUsage,
	              "the server refused " + std::to_string(n) + (n == 1 ? " migration script" : " migration scripts") +
	                  "; nothing was uploaded",
	              details);
}

} // namespace

/*
 * The versions come along in every row (one row of NULLs when nothing is
 * registered), so the version check costs no round trip of its own.
 */
const char *const kRemoteStateSql =
    "SELECT s.stream, s.version, s.checksum, s.state, v.library, v.catalog "
    "FROM (SELECT migrate.version() AS library, (SELECT extversion FROM pg_catalog.pg_extension "
    "WHERE extname = 'pg_migrate') AS catalog) v LEFT JOIN LATERAL migrate.status() s ON true";

namespace {

/*
 * kRemoteStateSql's rows. Without the extension's functions, a database
 * with the managed catalog (install --no-extension) is read by the engine
 * the client hosts; the connection remembers the mode for the calls after.
 */
Result
ReadRemoteState(Connection &conn)
{
	std::optional<SqlError> missing;
	try {
		return conn.HasEarly() ? conn.TakeEarly() : conn.Exec(kRemoteStateSql);
	} catch (const SqlError &e) {
		missing = e;
	}
	if (!engine::SwitchToManaged(conn, *missing))
		throw *missing;
	return engine::ManagedRemoteState(conn);
}

} // namespace

std::vector<RemoteMigration>
ReadRemote(Connection &conn, const std::vector<MigrationFile> &files, ServerVersions *versions)
{
	std::vector<RemoteMigration> out;
	ServerVersions server;
	try {
		Result result = ReadRemoteState(conn);
		out.reserve(static_cast<std::size_t>(result.Rows()));
		for (int r = 0; r < result.Rows(); r++) {
			server = {result.Get(r, 4), result.Get(r, 5)};
			if (!result.IsNull(r, 0))
				out.push_back({result.Get(r, 0), result.Get(r, 1), result.Get(r, 2), result.Get(r, 3)});
		}
	} catch (const SqlError &e) {
		RethrowCatalogError(e, conn);
	}
	bool needs_repeatable =
	    std::any_of(files.begin(), files.end(), [](const MigrationFile &f) { return f.repeatable; });
	if (std::optional<std::string> problem = VersionProblem(server, needs_repeatable))
		throw Failure(kExitConnect, *problem,
		              {{"library_version", server.library}, {"catalog_version", server.catalog}});
	if (versions != nullptr)
		*versions = server;
	return out;
}

std::vector<const MigrationFile *>
ChangedFiles(const std::vector<MigrationFile> &files, const std::vector<RemoteMigration> &remote)
{
	auto index = IndexRemote(remote);
	std::vector<const MigrationFile *> changed;
	for (const MigrationFile &file : files) {
		auto it = index.find({file.stream, VersionKey(file.version)});
		if (it == index.end() || it->second->checksum != file.checksum || it->second->version != file.version)
			changed.push_back(&file);
	}
	return changed;
}

std::vector<Uploaded>
Register(Connection &conn, const std::vector<const MigrationFile *> &changed,
         const std::vector<RemoteMigration> &remote, const ServerVersions &server, Output &out)
{
	std::vector<Uploaded> uploaded;
	if (changed.empty())
		return uploaded;
	/* views of the files' fields, one array per column: nothing is copied before it is encoded */
	std::vector<std::string_view> columns[5];
	for (const MigrationFile *file : changed) {
		columns[0].push_back(file->stream);
		columns[1].push_back(file->version);
		columns[2].push_back(file->name);
		columns[3].push_back(file->content);
		columns[4].push_back(file->path);
	}
	/* One statement is one implicit transaction: every file is registered, or none. */
	static const std::string kManySql =
	    "SELECT stream, version, outcome FROM migrate.register_many($1, $2, $3, $4, $5)";
	static const std::string kPerRowSql =
	    "SELECT f.stream, f.version, migrate.register(f.stream, f.version, f.name, f.script, f.source) "
	    "FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[]) "
	    "WITH ORDINALITY AS f(stream, version, name, script, source, n) ORDER BY n";
	const std::string &sql = AtLeast(server.catalog, kRegisterManyCatalog) ? kManySql : kPerRowSql;
	try {
		/* Moved in, not copied from an initializer list: the scripts' array can be megabytes. */
		std::vector<Param> params;
		params.reserve(5);
		for (const std::vector<std::string_view> &column : columns)
			params.emplace_back(TextArrayBinary(column));
		Result result = conn.Managed() ? engine::ManagedRegisterMany(conn, columns)
		                               : conn.ExecBinary(sql, params, std::vector<bool>(params.size(), true));
		for (int r = 0; r < result.Rows() && r < static_cast<int>(changed.size()); r++)
			uploaded.push_back({changed[static_cast<std::size_t>(r)], result.Get(r, 2)});
	} catch (const SqlError &e) {
		if (e.sqlstate == "MG001")
			ThrowChangedApplied(e, changed, remote, out);
		if (e.sqlstate == "22P05")
			ThrowUntranslatable(e, changed, out);
		if (e.sqlstate == "MG002" || e.sqlstate == "MG003" || e.sqlstate == "42601")
			ThrowEveryRefusal(conn, changed, e, out);
		throw;
	}
	/* register() took a changed applied migration only because it is repeatable: it is pending again */
	auto index = IndexRemote(remote);
	for (const Uploaded &u : uploaded) {
		auto it = index.find({u.file->stream, VersionKey(u.file->version)});
		if (u.outcome == "updated" && it != index.end() && it->second->state == "applied")
			out.Note(u.file->path + ": repeatable migration changed; it is applied again");
	}
	return uploaded;
}

nlohmann::json
UploadedJson(const std::vector<Uploaded> &uploaded)
{
	nlohmann::json array = nlohmann::json::array();
	for (const Uploaded &u : uploaded)
		array.push_back({{"stream", u.file->stream},
		                 {"version", u.file->version},
		                 {"name", u.file->name},
		                 {"file", u.file->path},
		                 {"outcome", u.outcome}});
	return array;
}

Table
UploadedTable(const std::vector<Uploaded> &uploaded)
{
	Table table;
	table.headers = {"stream", "version", "name", "outcome", "file"};
	for (const Uploaded &u : uploaded)
		table.rows.push_back({u.file->stream, u.file->version, u.file->name, u.outcome, u.file->path});
	return table;
}

} // namespace pgmigrate::client
