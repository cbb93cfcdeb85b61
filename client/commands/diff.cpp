/*
 * diff.cpp — `pg_migrate diff`: what differs between the schema state the
 * last recorded action left and the live database, object by object
 * (migrate.schema_diff(): the server decides what differs). Text: a unified
 * diff of each object's description; JSON: a list of {kind, object, change,
 * before, after}. Exit 0 when nothing differs, 4 when something does.
 */
#include "commands.hpp"

#include "exit_codes.hpp"
#include "session.hpp"

#include <sstream>

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

} // namespace

int
RunDiff(const GlobalOptions &global, Output &out)
{
	Connection conn = OpenSession(global, out);
	std::optional<Result> result;
	try {
		result.emplace(conn.Exec("SELECT kind, object, change, before, after FROM migrate.schema_diff()"));
	} catch (const SqlError &e) {
		RethrowCatalogError(e, conn);
	}
	nlohmann::json changes = nlohmann::json::array();
	std::string text;
	for (int r = 0; r < result->Rows(); r++) {
		std::string kind = result->Get(r, 0), object = result->Get(r, 1), change = result->Get(r, 2);
		std::optional<std::string> before = result->GetOptional(r, 3), after = result->GetOptional(r, 4);
		changes.push_back({{"kind", kind},
		                   {"object", object},
		                   {"change", change},
		                   {"before", before ? nlohmann::json(*before) : nlohmann::json()},
		                   {"after", after ? nlohmann::json(*after) : nlohmann::json()}});
		text += "--- recorded " + kind + " " + object + "\n+++ live " + kind + " " + object + "\n";
		text += "@@ " + change + " @@\n";
		if (before)
			text += Lines("-", *before);
		if (after)
			text += Lines("+", *after);
	}
	out.Doc()["changes"] = changes;
	if (changes.empty()) {
		out.Note("no drift: the schema is as the last recorded action left it");
		return kExitOk;
	}
	out.Print(text);
	throw Failure(kExitValidation, std::to_string(changes.size()) +
	                                   (changes.size() == 1 ? " object differs" : " objects differ") +
	                                   " from the recorded state; pg_migrate deploy --accept-drift records them");
}

} // namespace pgmigrate::client
