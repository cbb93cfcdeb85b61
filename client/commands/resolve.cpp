/*
 * resolve.cpp — `pg_migrate resolve (--applied V | --rolled-back V)
 * [--stream S]`: migrate.resolve() marks a migration applied (it was run by
 * hand) or rolled back (a failed attempt was cleaned up by hand) without
 * running anything; recorded in migrate.history.
 *
 * New files are uploaded first, so a migration written and applied by hand
 * but never deployed can be resolved. V may also be the file name
 * (20260105123456_add_tags), as Prisma users name migrations.
 */
#include "commands.hpp"

#include "exit_codes.hpp"
#include "lifecycle.hpp"
#include "script.hpp"
#include "session.hpp"

#include <optional>

namespace pgmigrate::client {

namespace {

/* resolve: exactly one of applied, rolled_back */
struct ResolveOptions {
	std::string applied, rolled_back;
	std::string stream; /* empty: the stream of the file with that version, else schema */
};

void
AddResolveOptions(CLI::App &command, ResolveOptions &options)
{
	CLI::Option *applied = command.add_option("--applied", options.applied, "version (or file name) applied by hand");
	command.add_option("--rolled-back", options.rolled_back, "version (or file name) of a cleaned-up attempt")
	    ->excludes(applied);
	command.add_option("--stream", options.stream, "stream (default: the file's, else schema)");
}

} // namespace

namespace {

struct Current {
	std::string version; /* as registered */
	std::string name;
	std::string state;
};

/* The registered migration stream/version, if any. */
std::optional<Current>
Lookup(Connection &conn, const std::string &stream, const std::string &version)
{
	Result result = CallExtension(conn, "SELECT version, name, state FROM migrate.status($1)", {stream});
	std::string key = VersionKey(version);
	for (int r = 0; r < result.Rows(); r++) {
		try {
			if (VersionKey(result.Get(r, 0)) == key)
				return Current{result.Get(r, 0), result.Get(r, 1), result.Get(r, 2)};
		} catch (const ScriptError &) {
		}
	}
	return std::nullopt;
}

/* INVALID indexes a failed build of this migration left behind (validate() names them and the cleanup). */
std::vector<std::string>
InvalidIndexes(Connection &conn, const std::string &stream, const std::string &version)
{
	Result result = CallExtension(conn,
	                              "SELECT message FROM migrate.validate() "
	                              "WHERE check_name = 'invalid-index' AND stream = $1 AND version = $2",
	                              {stream, version});
	std::vector<std::string> messages;
	for (int r = 0; r < result.Rows(); r++)
		messages.push_back(result.Get(r, 0));
	return messages;
}

} // namespace

int
RunResolve(const GlobalOptions &global, const ResolveOptions &options, Output &out)
{
	if (options.applied.empty() == options.rolled_back.empty())
		throw Failure(kExitUsage, "resolve needs exactly one of --applied V and --rolled-back V");
	bool applied = !options.applied.empty();
	std::string version =
	    applied ? CheckedVersion("--applied", options.applied) : CheckedVersion("--rolled-back", options.rolled_back);
	std::string state = applied ? "applied" : "rolled_back";

	std::vector<MigrationFile> files;
	Connection conn = ConnectAndUpload(global, out, &files);
	/* a name (20260630120000_drop_y) picks its file even when another shares its timestamp */
	std::string stream;
	if (const MigrationFile *named = FileNamed(files, applied ? options.applied : options.rolled_back)) {
		version = named->version;
		stream = options.stream.empty() ? named->stream : options.stream;
	} else {
		stream = StreamForVersion(options.stream, version, files);
	}
	out.Doc()["stream"] = stream;
	out.Doc()["version"] = version;
	out.Doc()["state"] = state;

	std::optional<Current> before = Lookup(conn, stream, version);
	out.Doc()["previous_state"] = before ? nlohmann::json(before->state) : nlohmann::json();
	if (before)
		version = before->version;
	if (before && !applied && before->state == "failed") {
		/* Marking a failed build rolled back leaves its INVALID index, which IF NOT EXISTS would then keep. */
		for (const std::string &message : InvalidIndexes(conn, stream, version))
			out.Error("warning: " + message);
	}
	/* unknown stream or version: migrate.resolve refuses with MG009 (exit 4) */
	CallExtension(conn, "SELECT migrate.resolve($1, $2, $3)", {stream, version, state});

	std::string what = stream + "/" + version + (before ? "_" + before->name : "");
	bool unchanged = before && ((applied && before->state == "applied") || (!applied && before->state == "pending"));
	out.Doc()["changed"] = !unchanged;
	if (unchanged)
		out.Print("migration " + what + " is already " + (applied ? "applied" : "not applied") +
		          "; nothing to resolve");
	else if (applied)
		out.Print("marked " + what + " applied without running it");
	else
		out.Print("marked " + what + " rolled back without running its down section; the next deploy applies it");
	return kExitOk;
}

const Command kResolveCommand = {"resolve", "mark a migration applied or rolled back without running it",
                                 WithOptions<ResolveOptions, AddResolveOptions, RunResolve>, ManyDatabases::kRefused};

} // namespace pgmigrate::client
