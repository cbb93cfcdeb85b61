/*
 * validate.cpp — `pg_migrate validate`: every problem migrate.validate()
 * finds (out-of-order or unmet requirements, checksum mismatches, failed
 * steps, invalid indexes, drift); exit 4 when there is any.
 */
#include "commands.hpp"

#include "exit_codes.hpp"
#include "lifecycle.hpp"
#include "rows.hpp"
#include "session.hpp"

namespace pgmigrate::client {

int
RunValidate(const GlobalOptions &global, Output &out)
{
	Connection conn = OpenSession(global, out);
	Result result =
	    CallExtension(conn, "SELECT severity, check_name, stream, version, message FROM migrate.validate()");
	out.Doc()["problems"] = out.Raw(RowsJsonText(result));
	if (result.Rows() == 0) {
		out.Note("no problems found");
		return kExitOk;
	}
	out.Print(ResultTable(result, {"severity", "check_name", "stream", "version", "message"}).Render());
	throw Failure(kExitValidation,
	              std::to_string(result.Rows()) + (result.Rows() == 1 ? " problem found" : " problems found"));
}

} // namespace pgmigrate::client
