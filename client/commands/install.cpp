/* install.cpp — `pg_migrate install`: create or update the extension. */
#include "commands.hpp"

#include "exit_codes.hpp"
#include "session.hpp"

namespace pgmigrate::client {

int
RunInstall(const GlobalOptions &global, Output &out)
{
	Connection conn = OpenSession(global, out);
	try {
		conn.Exec("CREATE EXTENSION IF NOT EXISTS pg_migrate");
		/* Brings an older installation to the version the server's files provide. */
		conn.Exec("ALTER EXTENSION pg_migrate UPDATE");
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

} // namespace pgmigrate::client
