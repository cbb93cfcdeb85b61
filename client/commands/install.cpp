/* install.cpp — `pg_migrate install`: create or update the extension. */
#include "commands.hpp"

#include "exit_codes.hpp"
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

int
RunInstall(const GlobalOptions &global, Output &out)
{
	Connection conn = OpenSession(global, out);
	try {
		/*
		 * Several installs at once (deploy jobs, replicas of one service starting)
		 * would race: a second CREATE EXTENSION fails with 23505 on the catalog's
		 * unique index, a second ALTER EXTENSION with "tuple concurrently
		 * updated". A transaction-scoped advisory lock lets one at a time in;
		 * the next sees the extension (each statement takes a new snapshot) and
		 * has nothing left to do.
		 */
		conn.Exec("BEGIN");
		conn.Exec("SELECT pg_catalog.pg_advisory_xact_lock($1::bigint)", {kInstallLockKey});
		conn.Exec("CREATE EXTENSION IF NOT EXISTS pg_migrate");
		/* Brings an older installation to the version the server's files provide. */
		conn.Exec("ALTER EXTENSION pg_migrate UPDATE");
		conn.Exec("COMMIT");
	} catch (const SqlError &e) {
		RethrowLibraryMismatch(e);
		/* 58P01 undefined_file: the server has no pg_migrate.control */
		if (e.sqlstate == "58P01")
			throw Failure(kExitConnect,
			              "the pg_migrate extension is not available on this PostgreSQL server; install its files "
			              "on the database host (make install) first",
			              SqlErrorJson(e));
		throw;
	}
	Result result = conn.Exec("SELECT extversion FROM pg_catalog.pg_extension WHERE extname = $1", {"pg_migrate"});
	std::string version = result.Rows() > 0 ? result.Get(0, 0) : "";
	out.Doc()["extension_version"] = version;
	out.Doc()["database"] = conn.Database();
	out.Print("pg_migrate " + version + " is installed in database " + conn.Database());
	return kExitOk;
}

const Command kInstallCommand = {"install", "create the pg_migrate extension, or update it", WithoutOptions<RunInstall>,
                                 ManyDatabases::kLastDb};

} // namespace pgmigrate::client
