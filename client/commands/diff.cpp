/*
 * diff.cpp — `pg_migrate diff`: what differs between the schema state the
 * last recorded action left and the live database, object by object
 * (migrate.schema_diff(): the server decides what differs). Text: a unified
 * diff of each object's description; JSON: a list of {kind, object, change,
 * before, after}. Exit 0 when nothing differs, 4 when something does.
 *
 * --against-folder compares with the schema the folders produce instead:
 * a scratch database on the same server (CREATE DATABASE from template0, so
 * the role needs CREATEDB) gets the extension and a deploy of the folders by
 * this same program, is described, and is dropped again.
 */
#include "commands.hpp"

#include "exit_codes.hpp"
#include "session.hpp"

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <map>
#include <sstream>
#include <tuple>
#include <sys/wait.h>
#include <unistd.h>

namespace pgmigrate::client {

namespace {

/* "-" / "+" lines of a description (a whole-object diff: descriptions are short). */
std::string
Lines(const std::string &prefix, const std::string &text)
{
	std::string out;
	std::istringstream in(text);
	std::string line;
	while (std::getline(in, line))
		out += prefix + line + "\n";
	return out;
}

struct Change {
	std::string kind, object, change;
	std::optional<std::string> before, after;
};

using Description = std::map<std::pair<std::string, std::string>, std::string>;

Description
Describe(Connection &conn)
{
	Description rows;
	Result result = conn.Exec("SELECT kind, object, description FROM migrate.describe()");
	for (int r = 0; r < result.Rows(); r++)
		rows[{result.Get(r, 0), result.Get(r, 1)}] = result.Get(r, 2);
	return rows;
}

/* What the folders produce, described in a scratch database that is dropped again. */
Description
DescribeFolders(const GlobalOptions &global, Connection &conn, Output &out)
{
	std::string scratch = "pg_migrate_scratch_" + std::to_string(getpid()) + "_" +
	                      std::to_string(std::chrono::system_clock::now().time_since_epoch().count() % 1000000);
	try {
		conn.Exec("CREATE DATABASE " + scratch + " TEMPLATE template0");
	} catch (const SqlError &e) {
		throw Failure(kExitConnect,
		              "--against-folder builds the folders' schema in a scratch database on this server, which "
		              "needs CREATEDB: " +
		                  std::string(e.what()),
		              SqlErrorJson(e));
	}
	struct Drop {
		Connection &conn;
		std::string name;
		~Drop()
		{
			try {
				conn.Exec("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
			} catch (const SqlError &) {
			}
		}
	} drop{conn, scratch};
	/* Same server, same role; the password goes by environment, never by argv. */
	std::string target =
	    "host='" + conn.Host() + "' port='" + conn.Port() + "' user='" + conn.User() + "' dbname='" + scratch + "'";
	if (!conn.Password().empty())
		setenv("PGPASSWORD", conn.Password().c_str(), 1);
	{
		Connection fresh = Connection::Open(target);
		fresh.Exec("CREATE EXTENSION pg_migrate");
	}
	std::vector<std::string> args = {"pg_migrate", "--db", target, "-q"};
	for (const std::string &dir : global.dirs) {
		args.push_back("--dir");
		args.push_back(dir);
	}
	if (!global.layout.empty()) {
		args.push_back("--layout");
		args.push_back(global.layout);
	}
	args.push_back("deploy");
	out.Verbose("building the folders' schema in the scratch database " + scratch);
	pid_t child = fork();
	if (child == 0) {
		std::vector<char *> argv;
		for (std::string &a : args)
			argv.push_back(a.data());
		argv.push_back(nullptr);
		if (isatty(STDOUT_FILENO) == 0 || global.format == Format::kJson)
			(void)freopen("/dev/null", "w", stdout);
		execv("/proc/self/exe", argv.data());
		_exit(127);
	}
	int status = 0;
	if (child < 0 || waitpid(child, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0)
		throw Failure(kExitFailed, "the folders did not deploy into the scratch database (exit " +
		                               std::to_string(WIFEXITED(status) ? WEXITSTATUS(status) : -1) +
		                               "); pg_migrate deploy against an empty database shows why");
	Connection built = Connection::Open(target);
	return Describe(built);
}

std::vector<Change>
Compare(const Description &reference, const Description &live)
{
	std::vector<Change> changes;
	for (const auto &[key, text] : reference) {
		auto it = live.find(key);
		if (it == live.end())
			changes.push_back({key.first, key.second, "removed", text, std::nullopt});
		else if (it->second != text)
			changes.push_back({key.first, key.second, "changed", text, it->second});
	}
	for (const auto &[key, text] : live)
		if (reference.count(key) == 0)
			changes.push_back({key.first, key.second, "added", std::nullopt, text});
	std::sort(changes.begin(), changes.end(),
	          [](const Change &a, const Change &b) { return std::tie(a.kind, a.object) < std::tie(b.kind, b.object); });
	return changes;
}

} // namespace

int
RunDiff(const GlobalOptions &global, const DiffOptions &options, Output &out)
{
	Connection conn = OpenSession(global, out);
	std::vector<Change> found;
	std::string reference = options.against_folder ? "folders" : "recorded";
	try {
		if (options.against_folder) {
			Description live = Describe(conn);
			found = Compare(DescribeFolders(global, conn, out), live);
		} else {
			Result result = conn.Exec("SELECT kind, object, change, before, after FROM migrate.schema_diff()");
			for (int r = 0; r < result.Rows(); r++)
				found.push_back({result.Get(r, 0), result.Get(r, 1), result.Get(r, 2), result.GetOptional(r, 3),
				                 result.GetOptional(r, 4)});
		}
	} catch (const SqlError &e) {
		RethrowCatalogError(e, conn);
	}
	nlohmann::json changes = nlohmann::json::array();
	std::string text;
	for (const Change &c : found) {
		const std::string &kind = c.kind, &object = c.object, &change = c.change;
		const std::optional<std::string> &before = c.before, &after = c.after;
		changes.push_back({{"kind", kind},
		                   {"object", object},
		                   {"change", change},
		                   {"before", before ? nlohmann::json(*before) : nlohmann::json()},
		                   {"after", after ? nlohmann::json(*after) : nlohmann::json()}});
		text += "--- " + reference + " " + kind + " " + object + "\n+++ live " + kind + " " + object + "\n";
		text += "@@ " + change + " @@\n";
		if (before)
			text += Lines("-", *before);
		if (after)
			text += Lines("+", *after);
	}
	out.Doc()["changes"] = changes;
	if (changes.empty()) {
		out.Note(options.against_folder ? "no drift: the schema is what the folders produce"
		                                : "no drift: the schema is as the last recorded action left it");
		return kExitOk;
	}
	out.Print(text);
	throw Failure(kExitValidation,
	              std::to_string(changes.size()) + (changes.size() == 1 ? " object differs" : " objects differ") +
	                  (options.against_folder
	                       ? " from what the folders produce"
	                       : " from the recorded state; pg_migrate deploy --accept-drift records them"));
}

} // namespace pgmigrate::client
