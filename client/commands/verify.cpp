/*
 * verify.cpp — `pg_migrate verify [--stream S]`: migrate.verify() runs the
 * verify sections of applied migrations and changes nothing; exit 1 when one
 * fails.
 */
#include "commands.hpp"

#include "exit_codes.hpp"
#include "lifecycle.hpp"
#include "rows.hpp"
#include "session.hpp"

namespace pgmigrate::client {

int
RunVerify(const GlobalOptions &global, const VerifyOptions &options, Output &out)
{
	Connection conn = OpenSession(global, out);
	Result result = CallExtension(conn, "SELECT stream, version, name, ok, message FROM migrate.verify($1)",
	                              {options.stream.empty() ? Param() : Param(options.stream)});
	out.Doc()["verify"] = out.Raw(RowsJsonText(result));
	int ok_column = result.Column("ok");
	int failed = 0;
	for (int r = 0; r < result.Rows(); r++)
		if (result.Get(r, ok_column) != "t")
			failed++;
	out.Doc()["failed"] = failed;
	if (result.Rows() == 0) {
		out.Note("nothing to verify: no applied migration has a verify section");
		return kExitOk;
	}
	out.Print(ResultTable(result, {"stream", "version", "name", "ok", "message"}).Render());
	if (failed > 0)
		throw Failure(kExitFailed, std::to_string(failed) + " of " + std::to_string(result.Rows()) +
		                               " verify sections failed; nothing was changed");
	out.Note("all " + std::to_string(result.Rows()) + " verify sections passed");
	return kExitOk;
}

} // namespace pgmigrate::client
