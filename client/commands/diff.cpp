/*
 * diff.cpp — `pg_migrate diff`: what differs between the schema state the
 * last recorded action left and the live database, object by object
 * (migrate.schema_diff(): the server decides what differs). Text: a unified
 * diff of each object's description; JSON: a list of {kind, object, change,
 * before, after}. Exit 0 when nothing differs, 4 when something does.
 *
 * --against-folder compares with the schema the folders produce instead:
 * a scratch database on the same server (CREATE DATABASE from template0, so
 * the role needs CREATEDB) gets the catalog the database has — the
 * extension, or in managed mode the managed catalog install --no-extension
 * makes — and a deploy of the folders by this same program (which finds the
 * mode as any deploy does), is described, and is dropped again.
 */
#include "commands.hpp"

#include "exit_codes.hpp"
#include "schema_description.hpp"
#include "session.hpp"
#include "testing/scratch.hpp"

#include <chrono>
#include <cstdlib>
#include <sys/wait.h>
#include <unistd.h>

namespace pgmigrate::client {

namespace {

struct DiffOptions {
	bool against_folder = false; /* compare with a scratch database built from the folders */
};

void
AddDiffOptions(CLI::App &command, DiffOptions &options)
{
	command.add_flag("--against-folder", options.against_folder,
	                 "compare with the schema the folders produce (a scratch database on the server; needs CREATEDB)");
}

} // namespace

namespace {

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
		testing::InstallScratchCatalog(fresh, testing::CatalogOf(conn), out);
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

} // namespace

int
RunDiff(const GlobalOptions &global, const DiffOptions &options, Output &out)
{
	Connection conn = OpenSession(global, out);
	std::vector<SchemaChange> found;
	std::string reference = options.against_folder ? "folders" : "recorded";
	try {
		if (options.against_folder) {
			Description live = Describe(conn);
			found = CompareDescriptions(DescribeFolders(global, conn, out), live);
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
	for (const SchemaChange &c : found)
		changes.push_back({{"kind", c.kind},
		                   {"object", c.object},
		                   {"change", c.change},
		                   {"before", c.before ? nlohmann::json(*c.before) : nlohmann::json()},
		                   {"after", c.after ? nlohmann::json(*c.after) : nlohmann::json()}});
	std::string text = ChangesText(found, reference, "live");
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

const Command kDiffCommand = {"diff", "what differs between the recorded schema state and the database (exit 4 if any)",
                              WithOptions<DiffOptions, AddDiffOptions, RunDiff>, ManyDatabases::kRefused};

} // namespace pgmigrate::client
