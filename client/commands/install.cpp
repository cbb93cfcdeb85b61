/* install.cpp — `pg_migrate install`: create or update the extension. */
#include "commands.hpp"

#include "exit_codes.hpp"
#include "managed_catalog.hpp"
#include "session.hpp"

namespace pgmigrate::client {

namespace {

/*
 * The advisory lock key of `pg_migrate install` ("pg_migra" in ASCII). A
 * bigint key: the extension's own advisory locks are (int4, int4) pairs,
 * which never share a lock with a bigint one.
 */
constexpr const char *kInstallLockKey = "8099547378373587553";

} // namespace

namespace {

struct InstallOptions {
	bool no_extension = false;
};

void
AddInstallOptions(CLI::App &command, InstallOptions &options)
{
	command.add_flag("--no-extension", options.no_extension,
	                 "make the catalog as plain SQL run by this role, for servers that forbid C extensions "
	                 "(managed mode; the client runs the engine)");
}

/* Begins the install transaction under its advisory lock (see kInstallLockKey). */
void
BeginLocked(Connection &conn)
{
	conn.Exec("BEGIN");
	conn.Exec("SELECT pg_catalog.pg_advisory_xact_lock($1::bigint)", {kInstallLockKey});
}

int
InstallManaged(Connection &conn, Output &out, const std::string &why)
{
	if (!why.empty())
		out.Note(why);
	BeginLocked(conn);
	std::string version = InstallManagedCatalog(conn, out);
	conn.Exec("COMMIT");
	out.Doc()["extension_version"] = nullptr;
	out.Doc()["catalog_version"] = version;
	out.Doc()["mode"] = "managed";
	out.Doc()["database"] = conn.Database();
	out.Print("pg_migrate catalog " + version + " installed in database " + conn.Database() +
	          " without the extension (managed mode)");
	return kExitOk;
}

} // namespace

int
RunInstall(const GlobalOptions &global, const InstallOptions &options, Output &out)
{
	Connection conn = OpenSession(global, out);
	if (options.no_extension)
		return InstallManaged(conn, out, "");
	bool managed = false;
	try {
		/*
		 * Several installs at once (deploy jobs, replicas of one service starting)
		 * would race: a second CREATE EXTENSION fails with 23505 on the catalog's
		 * unique index, a second ALTER EXTENSION with "tuple concurrently
		 * updated". A transaction-scoped advisory lock lets one at a time in;
		 * the next sees the extension (each statement takes a new snapshot) and
		 * has nothing left to do.
		 */
		BeginLocked(conn);
		/* read under the lock: a concurrent install may have adopted it a moment ago */
		managed = !ManagedCatalogVersion(conn).empty();
		if (managed) {
			/* the server allows the extension now: it takes the managed catalog over, rows and all */
			out.Note(AdoptManagedCatalog(conn));
		} else {
			conn.Exec("CREATE EXTENSION IF NOT EXISTS pg_migrate");
		}
		/* Brings an older installation to the version the server's files provide. */
		conn.Exec("ALTER EXTENSION pg_migrate UPDATE");
		conn.Exec("COMMIT");
	} catch (const SqlError &e) {
		RethrowLibraryMismatch(e);
		/* 58P01 undefined_file: no pg_migrate.control; 42501: the role may not create it (superuser = true) */
		if ((e.sqlstate == "58P01" || e.sqlstate == "42501") && !e.connection_lost) {
			conn.Exec("ROLLBACK");
			std::string why = e.sqlstate == "58P01" ? "the pg_migrate extension is not available on this server"
			                                        : "this role may not create the pg_migrate extension";
			if (managed)
				return InstallManaged(conn, out, why + "; the managed catalog stays");
			return InstallManaged(conn, out,
			                      why + "; installing the catalog without it (managed mode: the client "
			                            "runs the engine)");
		}
		throw;
	}
	Result result = conn.Exec("SELECT extversion FROM pg_catalog.pg_extension WHERE extname = $1", {"pg_migrate"});
	std::string version = result.Rows() > 0 ? result.Get(0, 0) : "";
	out.Doc()["extension_version"] = version;
	out.Doc()["catalog_version"] = version;
	out.Doc()["mode"] = "extension";
	out.Doc()["database"] = conn.Database();
	out.Print("pg_migrate " + version + " is installed in database " + conn.Database());
	return kExitOk;
}

const Command kInstallCommand = {"install",
                                 "create the pg_migrate extension, or update it (--no-extension: managed mode)",
                                 WithOptions<InstallOptions, AddInstallOptions, RunInstall>, ManyDatabases::kLastDb};

} // namespace pgmigrate::client
