/*
 * fixtures.hpp — the migration folders of test/fixtures (one per layout:
 * prisma, flyway, drizzle) and what the layout and adopt tests need around
 * them.
 */
#pragma once

#include "harness.hpp"

#include <libpq-fe.h>

#include <filesystem>
#include <string>

namespace pgmtest {

/* test/fixtures of the source tree this test was built from. */
inline std::string
FixturesDir()
{
	return (std::filesystem::path(__FILE__).parent_path().parent_path() / "fixtures").string();
}

/* Copies test/fixtures/<name> into dest_dir/<name> (so a test may change it); returns the copy's path. */
inline std::string
CopyFixture(const std::string &name, const std::string &dest_dir)
{
	std::filesystem::path dest = std::filesystem::path(dest_dir) / name;
	std::filesystem::create_directories(dest);
	std::filesystem::copy(std::filesystem::path(FixturesDir()) / name, dest,
	                      std::filesystem::copy_options::recursive | std::filesystem::copy_options::overwrite_existing);
	return dest.string();
}

/*
 * Runs a script of several statements on the database conninfo names, the
 * way psql -f would (simple query protocol, one implicit transaction).
 * Returns the error message, "" on success.
 */
inline std::string
ExecScript(const std::string &conninfo, const std::string &sql)
{
	PGconn *conn = PQconnectdb(conninfo.c_str());
	if (PQstatus(conn) != CONNECTION_OK) {
		std::string message = PQerrorMessage(conn);
		PQfinish(conn);
		return "cannot connect: " + message;
	}
	PQsetNoticeProcessor(
	    conn, [](void *, const char *) {}, nullptr);
	PGresult *res = PQexec(conn, sql.c_str());
	ExecStatusType status = PQresultStatus(res);
	std::string error = status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK ? "" : PQerrorMessage(conn);
	PQclear(res);
	PQfinish(conn);
	return error;
}

} // namespace pgmtest
