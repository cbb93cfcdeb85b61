/* lifecycle.cpp — helpers of the lifecycle commands (see lifecycle.hpp). */
#include "lifecycle.hpp"

#include "exit_codes.hpp"
#include "managed_calls.hpp"
#include "script.hpp"
#include "session.hpp"
#include "upload.hpp"

#include <filesystem>
#include <set>

namespace pgmigrate::client {

Result
CallExtension(Connection &conn, const std::string &sql, const std::vector<Param> &params)
{
	if (conn.Managed())
		return engine::ManagedCall(conn, sql, params);
	try {
		return conn.Exec(sql, params);
	} catch (const SqlError &e) {
		/* no extension, the managed catalog: the client's engine answers (managed_calls.hpp) */
		if (!conn.InTransactionBlock() && engine::SwitchToManaged(conn, e))
			return engine::ManagedCall(conn, sql, params);
		/*
		 * 3F000 schema "migrate" does not exist, 42883 function migrate.x(...)
		 * does not exist: the extension is missing or too old. The same codes
		 * from a down or verify section come with pg_migrate's context line.
		 */
		bool ours = e.context.empty() && std::string(e.what()).find("migrate") != std::string::npos;
		if (ours && (e.sqlstate == "3F000" || e.sqlstate == "42883" || e.sqlstate == "42P01"))
			RethrowCatalogError(e, conn);
		throw;
	}
}

std::string
CheckedVersion(const std::string &option, const std::string &value)
{
	try {
		CheckVersion(value);
		return value;
	} catch (const ScriptError &) {
	}
	/* Prisma's habit: name the migration by its folder or file name, 20260105123456_add_tags */
	try {
		std::string file = value;
		if (file.size() < 4 || file.compare(file.size() - 4, 4, ".sql") != 0)
			file += ".sql";
		std::string base = std::filesystem::path(file).filename().string();
		return ParseFileName(base).version;
	} catch (const ScriptError &) {
	}
	throw Failure(kExitUsage, option + " " + value +
	                              ": not a version; a version is digit groups joined by '_' or '.', like "
	                              "20260123120000 or 1.2 (a file name such as 20260123120000_add_users.sql works too)");
}

const MigrationFile *
FileForVersion(const std::vector<MigrationFile> &files, const std::string &stream, const std::string &version)
{
	for (const MigrationFile &f : files)
		if (f.stream == stream && CompareVersions(f.version, version) == 0)
			return &f;
	return nullptr;
}

const MigrationFile *
FileNamed(const std::vector<MigrationFile> &files, const std::string &name)
{
	auto without = [](std::string s, const std::string &suffix) {
		if (s.size() > suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0)
			s.resize(s.size() - suffix.size());
		return s;
	};
	std::string wanted = without(without(without(name, "/"), ".sql"), ".up");
	for (const MigrationFile &f : files)
		if (f.tool_id == name || without(without(f.tool_id, ".sql"), ".up") == wanted)
			return &f;
	return nullptr;
}

std::string
StreamForVersion(const std::string &given, const std::string &version, const std::vector<MigrationFile> &files)
{
	if (!given.empty())
		return given;
	std::set<std::string> streams;
	for (const MigrationFile &f : files)
		if (CompareVersions(f.version, version) == 0)
			streams.insert(f.stream);
	if (streams.empty())
		return "schema";
	if (streams.size() == 1)
		return *streams.begin();
	std::string list;
	for (const std::string &s : streams)
		list += (list.empty() ? "" : ", ") + s;
	throw Failure(kExitUsage, "version " + version + " is used in streams " + list + "; name one with --stream");
}

Connection
ConnectAndUpload(const GlobalOptions &global, Output &out, std::vector<MigrationFile> *files)
{
	out.Doc()["uploaded"] = nlohmann::json::array();
	std::vector<DirSpec> dirs = ParseDirSpecs(global.dirs);
	std::error_code ec;
	if (dirs.size() == 1 && dirs[0].is_default && !std::filesystem::exists(dirs[0].path, ec)) {
		out.Verbose("no --dir and no " + dirs[0].path + ": nothing to upload");
		return OpenSession(global, out);
	}
	Connection conn = ConnectWhileLoading(global, out, files, kRemoteStateSql);
	ServerVersions server;
	std::vector<RemoteMigration> remote = ReadRemote(conn, *files, &server);
	std::vector<Uploaded> uploaded = Register(conn, ChangedFiles(*files, remote), remote, server, out);
	out.Doc()["uploaded"] = UploadedJson(uploaded);
	for (const Uploaded &u : uploaded)
		out.Note("uploaded " + u.file->path + ": " + u.outcome);
	return conn;
}

} // namespace pgmigrate::client
