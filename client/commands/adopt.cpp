/*
 * adopt.cpp — `pg_migrate adopt --from prisma|flyway|dbmate|drizzle|golang-migrate
 * [--table NAME]`: switching a database from another tool without running
 * anything twice.
 *
 * Reads the tool's history table and the migration folders first, changing
 * nothing; refuses (exit 4, nothing changed) when the tool recorded a failed
 * or unfinished migration or when files and table disagree (adopt.hpp).
 * Otherwise, in one transaction: uploads new and changed files as push does,
 * baselines each stream at the newest migration the tool applied (history
 * action 'baseline') and resolves unchanged Flyway repeatables applied
 * (action 'resolve'). These history rows carry application_name
 * "pg_migrate adopt --from TOOL": the extension's baseline() and resolve()
 * take no note of their own. A later deploy applies only what the tool never ran.
 */
#include "commands.hpp"

#include "adopt.hpp"
#include "exit_codes.hpp"
#include "lifecycle.hpp"
#include "script.hpp"
#include "session.hpp"
#include "upload.hpp"

#include <map>
#include <set>

namespace pgmigrate::client {

namespace {

/* adopt --from TOOL [--table NAME] */
struct AdoptOptions {
	std::string from;  /* prisma, flyway, dbmate, drizzle, golang-migrate */
	std::string table; /* empty: the tool's default history table */
};

void
AddAdoptOptions(CLI::App &command, AdoptOptions &options)
{
	command.add_option("--from", options.from, "the tool: prisma, flyway, dbmate, drizzle, golang-migrate")
	    ->required()
	    ->check(CLI::IsMember(ToolNames()));
	command.add_option("--table", options.table,
	                   "its history table, if not the default (_prisma_migrations, flyway_schema_history, "
	                   "schema_migrations, drizzle.__drizzle_migrations)");
}

} // namespace

namespace {

/* The table's name as the server quotes it, or "" when there is none. */
std::string
FindTable(Connection &conn, const std::string &table)
{
	try {
		Result result = conn.Exec("SELECT to_regclass($1)::text", {table});
		return result.Rows() == 0 || result.IsNull(0, 0) ? "" : result.Get(0, 0);
	} catch (const SqlError &e) {
		/* e.g. a name with too many dots */
		throw Failure(kExitUsage, "--table " + table + ": " + e.what());
	}
}

/* The tool's rows, each as a JSON object (row_to_json). */
std::vector<nlohmann::json>
ReadToolRows(Connection &conn, Tool tool, const std::string &table, const std::string &quoted)
{
	Result columns = conn.Exec("SELECT attname FROM pg_attribute WHERE attrelid = to_regclass($1) AND attnum > 0 "
	                           "AND NOT attisdropped",
	                           {table});
	std::set<std::string> have;
	for (int r = 0; r < columns.Rows(); r++)
		have.insert(columns.Get(r, 0));
	std::string missing;
	for (const std::string &c : RequiredColumns(tool))
		if (have.count(c) == 0)
			missing += (missing.empty() ? "" : ", ") + c;
	if (!missing.empty())
		throw Failure(kExitValidation, "table " + quoted + " has no column " + missing + ": it is not " +
		                                   ToolName(tool) + "'s history table; nothing was changed");
	/* quoted is the server's own rendering of a regclass, never text from the command line */
	Result result = conn.Exec("SELECT row_to_json(t)::text FROM " + quoted + " AS t");
	std::vector<nlohmann::json> rows;
	for (int r = 0; r < result.Rows(); r++) {
		nlohmann::json row = nlohmann::json::parse(result.Get(r, 0), nullptr, false);
		if (row.is_object())
			rows.push_back(std::move(row));
	}
	return rows;
}

nlohmann::json
FileJson(const MigrationFile &f)
{
	return {{"stream", f.stream}, {"version", f.version}, {"name", f.name}, {"file", f.path}};
}

const char *
Outcome(const AdoptionOutcome &a)
{
	return a.already_applied ? "already applied" : "marked applied";
}

/* The document's adopted, marked_applied and pending fields. */
void
RenderJson(const AdoptionReport &report, long marked, Output &out)
{
	nlohmann::json adopted = nlohmann::json::array();
	for (const AdoptionOutcome &a : report.adopted) {
		nlohmann::json item = FileJson(*a.file);
		item["recorded_as"] = a.recorded_as;
		item["outcome"] = Outcome(a);
		adopted.push_back(item);
	}
	out.Doc()["adopted"] = adopted;
	out.Doc()["marked_applied"] = marked;
	nlohmann::json pending = nlohmann::json::array();
	for (const MigrationFile *f : report.pending)
		pending.push_back(FileJson(*f));
	out.Doc()["pending"] = pending;
}

/* The adopted files as a table (nothing when none). */
void
RenderText(const AdoptionReport &report, Output &out)
{
	Table table;
	table.headers = {"stream", "version", "name", "recorded as", "outcome"};
	for (const AdoptionOutcome &a : report.adopted)
		table.rows.push_back({a.file->stream, a.file->version, a.file->name, a.recorded_as, Outcome(a)});
	if (!table.rows.empty())
		out.Print(table.Render());
}

} // namespace

int
RunAdopt(const GlobalOptions &global, const AdoptOptions &options, Output &out)
{
	Tool tool;
	if (!ToolFromName(options.from, &tool))
		throw Failure(kExitUsage,
		              "--from " + options.from + ": one of prisma, flyway, dbmate, drizzle, golang-migrate");
	std::string table = options.table.empty() ? DefaultHistoryTable(tool) : options.table;
	out.Doc()["from"] = ToolName(tool);
	out.Doc()["table"] = table;
	out.Doc()["uploaded"] = nlohmann::json::array();
	out.Doc()["adopted"] = nlohmann::json::array();
	out.Doc()["pending"] = nlohmann::json::array();

	std::vector<MigrationFile> files;
	Connection conn = ConnectWhileLoading(global, out, &files, kRemoteStateSql);
	ServerVersions server;
	std::vector<RemoteMigration> remote = ReadRemote(conn, files, &server);

	std::string quoted = FindTable(conn, table);
	if (quoted.empty())
		throw Failure(kExitValidation, "no table " + table + " in database " + conn.Database() + ": " + ToolName(tool) +
		                                   " has recorded nothing here, so there is nothing to adopt (a table in "
		                                   "another schema: --table SCHEMA.TABLE); nothing was changed");
	out.Doc()["table"] = quoted;
	std::vector<nlohmann::json> rows = ReadToolRows(conn, tool, table, quoted);
	AdoptionPlan plan = PlanAdoption(tool, rows, files);
	if (!plan.problems.empty()) {
		nlohmann::json problems = nlohmann::json::array();
		for (const std::string &p : plan.problems) {
			out.Error(p);
			problems.push_back(p);
		}
		std::size_t n = plan.problems.size();
		throw Failure(kExitValidation,
		              "cannot adopt " + std::string(ToolName(tool)) + "'s history: " + std::to_string(n) +
		                  (n == 1 ? " problem" : " problems") + " above; nothing was changed",
		              {{"problems", problems}});
	}

	std::map<std::pair<std::string, std::string>, std::string> remote_state; /* (stream, key) -> state */
	for (const RemoteMigration &m : remote) {
		try {
			remote_state[{m.stream, VersionKey(m.version)}] = m.state;
		} catch (const ScriptError &) {
		}
	}
	auto state_of = [&](const MigrationFile &f) {
		auto it = remote_state.find({f.stream, VersionKey(f.version)});
		return it == remote_state.end() ? std::string() : it->second;
	};

	/* a changed repeatable already applied here is left to deploy, which applies it again */
	std::vector<const MigrationFile *> changed;
	for (const MigrationFile *f : ChangedFiles(files, remote))
		if (!(f->repeatable && state_of(*f) == "applied"))
			changed.push_back(f);
	std::map<std::string, const MigrationFile *> newest; /* stream -> newest file the tool applied */
	for (const AdoptedFile &a : plan.applied) {
		const MigrationFile *&n = newest[a.file->stream];
		if (n == nullptr || VersionKey(a.file->version) > VersionKey(n->version))
			n = a.file;
	}

	long marked = 0;
	{
		Transaction tx(conn);
		conn.Exec("SELECT set_config('application_name', $1, true)",
		          {std::string("pg_migrate adopt --from ") + ToolName(tool)});
		std::vector<Uploaded> uploaded = Register(conn, changed, remote, server, out);
		out.Doc()["uploaded"] = UploadedJson(uploaded);
		for (const auto &[stream, file] : newest) {
			Result r = CallExtension(conn, "SELECT migrate.baseline($1, $2)", {stream, file->version});
			marked += std::stol(r.Get(0, 0));
		}
		for (const AdoptedFile &a : plan.repeatables) {
			if (state_of(*a.file) == "applied")
				continue;
			CallExtension(conn, "SELECT migrate.resolve($1, $2, 'applied')", {a.file->stream, a.file->version});
			marked++;
		}
		tx.Commit();
	}

	AdoptionReport report =
	    BuildAdoptionReport(plan, files, [&](const MigrationFile &f) { return state_of(f) == "applied"; });
	RenderJson(report, marked, out);
	if (!out.Json())
		RenderText(report, out);
	for (const std::string &note : plan.notes)
		out.Note(note);
	out.Note(std::to_string(marked) + (marked == 1 ? " migration" : " migrations") + " marked applied from " +
	         ToolName(tool) + "'s " + quoted + " without running anything; " + std::to_string(report.pending.size()) +
	         " pending (pg_migrate deploy applies " + (report.pending.size() == 1 ? "it" : "them") + ")");
	return kExitOk;
}

const Command kAdoptCommand = {"adopt",
                               "switch from another tool: mark what its history table applied, running nothing",
                               WithOptions<AdoptOptions, AddAdoptOptions, RunAdopt>, ManyDatabases::kRefused};

} // namespace pgmigrate::client
