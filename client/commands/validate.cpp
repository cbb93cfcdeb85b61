/*
 * validate.cpp — `pg_migrate validate`: every problem migrate.validate()
 * finds (out-of-order or unmet requirements, failed or interrupted steps,
 * invalid indexes, drift), plus applied migrations whose file on disk no
 * longer matches what was applied (a checksum mismatch deploy would refuse
 * with MG001); exit 4 when there is any.
 */
#include "commands.hpp"

#include "exit_codes.hpp"
#include "lifecycle.hpp"
#include "rows.hpp"
#include "session.hpp"
#include "stored_content.hpp"
#include "upload.hpp"

#include <sys/stat.h>

namespace pgmigrate::client {

int
RunValidate(const GlobalOptions &global, Output &out)
{
	std::vector<MigrationFile> files;
	bool with_files = HasFolders(global);
	Connection conn = with_files ? ConnectWhileLoading(global, out, &files, kRemoteStateSql) : OpenSession(global, out);

	Table changed;
	changed.headers = {"severity", "check_name", "stream", "version", "message"};
	changed.right_aligned.assign(changed.headers.size(), false);
	nlohmann::json changed_json = nlohmann::json::array();
	if (with_files) {
		for (const auto &[key, path] : ChangedAppliedFiles(ReadRemote(conn), files)) {
			std::string message = "file " + path +
			                      " changed after it was applied (deploy refuses it, MG001); restore it and put "
			                      "the change in a new migration, or record a cosmetic edit with pg_migrate repair " +
			                      key.second;
			changed.rows.push_back({"error", "checksum", key.first, key.second, message});
			changed_json.push_back({{"severity", "error"},
			                        {"check_name", "checksum"},
			                        {"stream", key.first},
			                        {"version", key.second},
			                        {"message", message}});
		}
	}

	Result result =
	    CallExtension(conn, "SELECT severity, check_name, stream, version, message FROM migrate.validate()");
	nlohmann::json problems = nlohmann::json::parse(RowsJsonText(result));
	for (auto &row : changed_json)
		problems.push_back(row);
	out.Doc()["problems"] = problems;
	std::size_t count = static_cast<std::size_t>(result.Rows()) + changed_json.size();
	if (count == 0) {
		out.Note("no problems found");
		return kExitOk;
	}
	if (!changed_json.empty())
		out.Print(changed.Render());
	if (result.Rows() > 0)
		out.Print(ResultTable(result, {"severity", "check_name", "stream", "version", "message"}).Render());
	throw Failure(kExitValidation, std::to_string(count) + (count == 1 ? " problem found" : " problems found"));
}

const Command kValidateCommand = {"validate", "list every problem migrate.validate() finds (exit 4 if any)",
                                  WithoutOptions<RunValidate>, ManyDatabases::kRefused};

} // namespace pgmigrate::client
