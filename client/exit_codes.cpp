/* exit_codes.cpp — SQLSTATE to exit code (ARCHITECTURE.md §10, §11). */
#include "exit_codes.hpp"

namespace pgmigrate::client {

int
ExitCodeForSqlState(const std::string &sqlstate)
{
	/* Problems the operator must resolve before anything can be applied. */
	if (sqlstate == "MG001" || sqlstate == "MG004" || sqlstate == "MG005" || sqlstate == "MG006" ||
	    sqlstate == "MG007" || sqlstate == "MG008" || sqlstate == "MG009" || sqlstate == "MG010" || sqlstate == "MG011")
		return kExitValidation;
	/* The files themselves are wrong: fix them and run again. */
	if (sqlstate == "MG002" || sqlstate == "MG003")
		return kExitUsage;
	/* Connection exceptions and server shutdowns: the database went away. */
	if (sqlstate.compare(0, 2, "08") == 0 || sqlstate == "57P01" || sqlstate == "57P02" || sqlstate == "57P03")
		return kExitConnect;
	return kExitFailed;
}

} // namespace pgmigrate::client
