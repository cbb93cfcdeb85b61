/*
 * drift.cpp — `pg_migrate drift [--all]`: DDL run outside pg_migrate, as
 * migrate.drift() lists it; `pg_migrate drift --ack ID` acknowledges one
 * entry (migrate.acknowledge_drift), so validate() stops reporting it.
 *
 * Listing is a report, exit 0 whatever it finds; `pg_migrate validate` is
 * the command that fails (exit 4) on unacknowledged drift.
 *
 * Managed mode has no event trigger (a managed role may not create one), so
 * no log: drift there is what migrate.schema_diff() finds between the schema
 * recorded at the last deploy and the live one, in the same columns (no id,
 * time or role; nothing to acknowledge: deploy --accept-drift records the
 * schema as it is now).
 */
#include "commands.hpp"

#include "exit_codes.hpp"
#include "managed_calls.hpp"
#include "rows.hpp"
#include "session.hpp"

#include <optional>

namespace pgmigrate::client {

namespace {

struct DriftOptions {
	bool all = false;             /* also acknowledged entries */
	std::optional<long long> ack; /* acknowledge this entry instead of listing */
};

void
AddDriftOptions(CLI::App &command, DriftOptions &options)
{
	command.add_flag("--all", options.all, "also list acknowledged entries");
	command.add_option("--ack", options.ack, "acknowledge the drift entry with this id");
}

} // namespace

namespace {

/* One line, at most max code points, for the text table: queries can be long and span lines. */
std::string
OneLine(const std::string &text, std::size_t max)
{
	std::string out;
	std::size_t points = 0;
	bool pending_space = false;
	for (char ch : text) {
		unsigned char c = static_cast<unsigned char>(ch);
		if (c == '\n' || c == '\r' || c == '\t' || c == ' ') {
			pending_space = !out.empty();
			continue;
		}
		if ((c & 0xC0) != 0x80) { /* first byte of a code point */
			if (points + (pending_space ? 1 : 0) >= max)
				return out + "...";
			if (pending_space) {
				out.push_back(' ');
				points++;
				pending_space = false;
			}
			points++;
		}
		out.push_back(ch);
	}
	return out;
}

const char *const kNoLogInManagedMode =
    "managed mode keeps no drift log (its event trigger needs a superuser); pg_migrate drift lists what differs "
    "from the schema recorded at the last deploy, and pg_migrate deploy --accept-drift records the schema as it is now";

/* drift_log's columns, from the recorded schema state (managed mode) */
const char *const kSchemaDiffAsDrift =
    "SELECT NULL::bigint AS id, NULL::timestamptz AS at, NULL::text AS role, "
    "d.change || ' ' || d.kind AS command_tag, d.kind AS object_type, d.object AS object_identity, "
    "NULL::text AS query, false AS acknowledged FROM migrate.schema_diff() d";

int
Acknowledge(Connection &conn, long long id, Output &out)
{
	try {
		conn.Exec("SELECT migrate.acknowledge_drift($1::bigint)", {std::to_string(id)});
	} catch (const SqlError &e) {
		if (engine::SwitchToManaged(conn, e))
			throw Failure(kExitConnect, kNoLogInManagedMode);
		RethrowCatalogError(e, conn);
	}
	out.Doc()["acknowledged"] = id;
	out.Note("drift entry " + std::to_string(id) + " acknowledged");
	return kExitOk;
}

} // namespace

int
RunDrift(const GlobalOptions &global, const DriftOptions &options, Output &out)
{
	Connection conn = OpenSession(global, out);
	if (options.ack)
		return Acknowledge(conn, *options.ack, out);

	std::optional<Result> result;
	try {
		result.emplace(conn.Exec("SELECT id, at, role, command_tag, object_type, object_identity, query, acknowledged "
		                         "FROM migrate.drift(include_acknowledged => $1) ORDER BY id",
		                         {std::string(options.all ? "true" : "false")}));
	} catch (const SqlError &e) {
		if (!engine::SwitchToManaged(conn, e))
			RethrowCatalogError(e, conn);
		result.emplace(conn.Exec(kSchemaDiffAsDrift));
	}
	out.Doc()["mode"] = conn.Managed() ? "managed" : "extension";
	out.Doc()["drift"] = out.Raw(RowsJsonText(*result));
	if (out.Json())
		return kExitOk;
	if (result->Rows() == 0) {
		out.Print(conn.Managed() ? "no drift: the schema is as the last deploy recorded it"
		          : options.all  ? "no drift: no DDL has run outside pg_migrate"
		                         : "no unacknowledged drift (--all lists acknowledged entries too)");
		return kExitOk;
	}
	if (conn.Managed()) {
		out.Print(ResultTable(*result, {"command_tag", "object_identity"}).Render());
		out.Note("changed outside pg_migrate since the last deploy (managed mode: from the recorded schema state); "
		         "a migration that makes the same change, or pg_migrate deploy --accept-drift, settles it");
		return kExitOk;
	}
	std::vector<std::string> columns = {"id", "at", "role", "command_tag", "object_identity"};
	if (options.all)
		columns.push_back("acknowledged");
	columns.push_back("query");
	Table table = ResultTable(*result, columns);
	std::size_t query_column = columns.size() - 1;
	for (auto &row : table.rows)
		row[query_column] = OneLine(row[query_column], 60);
	out.Print(table.Render());
	bool unacknowledged = false;
	int ack_column = result->Column("acknowledged");
	for (int r = 0; r < result->Rows(); r++)
		unacknowledged = unacknowledged || result->Get(r, ack_column) != "t";
	if (unacknowledged)
		out.Note("acknowledge an entry once a migration has it (or it was undone): pg_migrate drift --ack ID");
	return kExitOk;
}

const Command kDriftCommand = {"drift", "DDL run outside pg_migrate, or --ack ID to acknowledge one entry",
                               WithOptions<DriftOptions, AddDriftOptions, RunDrift>, ManyDatabases::kRefused};

} // namespace pgmigrate::client
