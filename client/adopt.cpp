/* adopt.cpp — which files another tool applied, from its history table (see adopt.hpp). */
#include "adopt.hpp"

#include "checksum.hpp"
#include "layouts.hpp"
#include "script.hpp"
#include "strings.hpp"

#include <algorithm>
#include <filesystem>
#include <map>
#include <optional>
#include <set>

namespace pgmigrate::client {

namespace {

/* A JSON value as text: strings as they are, numbers and booleans as written, null as "". */
std::string
Text(const nlohmann::json &row, const char *column)
{
	auto it = row.find(column);
	if (it == row.end() || it->is_null())
		return "";
	if (it->is_string())
		return it->get<std::string>();
	return it->dump();
}

bool
IsNull(const nlohmann::json &row, const char *column)
{
	auto it = row.find(column);
	return it == row.end() || it->is_null();
}

bool
IsTrue(const nlohmann::json &row, const char *column)
{
	auto it = row.find(column);
	return it != row.end() && ((it->is_boolean() && it->get<bool>()) || (it->is_string() && *it == "true"));
}

/* Sort key of a number column (installed_rank, id); rows without one keep their order. */
long long
Number(const nlohmann::json &row, const char *column)
{
	try {
		return std::stoll(Text(row, column));
	} catch (const std::exception &) {
		return 0;
	}
}

std::optional<std::string>
KeyOf(const std::string &version)
{
	try {
		return VersionKey(version);
	} catch (const ScriptError &) {
		return std::nullopt;
	}
}

/* The first line of a text, for a short message. */
std::string
FirstLine(const std::string &text)
{
	std::string line = text.substr(0, text.find('\n'));
	return line.size() > 200 ? line.substr(0, 200) + "..." : line;
}

/* Prisma accepts a checksum of the file with Unix or Windows line endings. */
bool
PrismaChecksumMatches(const std::string &bytes, const std::string &recorded)
{
	if (Sha256Hex(bytes) == recorded)
		return true;
	std::string unix_endings = ReplaceAll(bytes, "\r\n", "\n");
	return Sha256Hex(unix_endings) == recorded || Sha256Hex(ReplaceAll(unix_endings, "\n", "\r\n")) == recorded;
}

/* Matches what the tool recorded to files, and checks that no file is missing in between. */
class Matcher {
public:
	Matcher(Tool tool, const std::vector<MigrationFile> &files, AdoptionPlan *plan)
	    : tool_(ToolName(tool)), files_(files), plan_(plan)
	{}

	/* The versioned file with this version; a problem (and nullptr) when none or several. */
	const MigrationFile *
	ByVersion(const std::string &version, const std::string &recorded_as)
	{
		std::optional<std::string> key = KeyOf(version);
		std::vector<const MigrationFile *> found;
		if (key)
			for (const MigrationFile &f : files_)
				if (!f.repeatable && VersionKey(f.version) == *key)
					found.push_back(&f);
		if (found.size() == 1)
			return found[0];
		if (found.empty())
			Missing(recorded_as);
		else
			plan_->problems.push_back(recorded_as + ": version " + version + " matches files in several streams (" +
			                          found[0]->path + ", " + found[1]->path +
			                          "); adopt one folder at a time with --dir");
		return nullptr;
	}

	/* The file the predicate picks; a problem (and nullptr) when none. */
	template <typename Pred>
	const MigrationFile *
	Find(const std::string &recorded_as, Pred pred)
	{
		for (const MigrationFile &f : files_)
			if (pred(f))
				return &f;
		Missing(recorded_as);
		return nullptr;
	}

	/* The file the predicate picks, or nullptr (no problem added). */
	template <typename Pred>
	const MigrationFile *
	FindIfAny(Pred pred) const
	{
		for (const MigrationFile &f : files_)
			if (pred(f))
				return &f;
		return nullptr;
	}

	void
	Applied(const MigrationFile *file, const std::string &recorded_as)
	{
		if (file != nullptr && applied_.insert(file).second)
			plan_->applied.push_back({file, recorded_as});
	}

	/* Every versioned file up to version (golang-migrate's current version, a Flyway baseline). */
	void
	AppliedUpTo(const std::string &version, const std::string &recorded_as)
	{
		std::optional<std::string> key = KeyOf(version);
		if (!key)
			return;
		for (const MigrationFile &f : files_)
			if (!f.repeatable && VersionKey(f.version) <= *key)
				Applied(&f, recorded_as);
	}

	/* One problem per file: the tool did record it, so CheckNoGaps does not report it again. */
	void
	Changed(const MigrationFile *file, const std::string &recorded_as)
	{
		if (!changed_.insert(file).second)
			return;
		plan_->problems.push_back(file->path + ": changed since " + tool_ + " applied it (" + recorded_as +
		                          " has another checksum); restore the file as it was applied");
	}

	/* A file neither recorded nor newer than everything recorded in its stream: the tool skipped it. */
	void
	CheckNoGaps()
	{
		std::map<std::string, const MigrationFile *> newest; /* stream -> newest applied file */
		for (const AdoptedFile &a : plan_->applied) {
			const MigrationFile *&n = newest[a.file->stream];
			if (n == nullptr || VersionKey(a.file->version) > VersionKey(n->version))
				n = a.file;
		}
		for (const MigrationFile &f : files_) {
			auto it = newest.find(f.stream);
			if (f.repeatable || applied_.count(&f) > 0 || changed_.count(&f) > 0 || it == newest.end())
				continue;
			if (VersionKey(f.version) < VersionKey(it->second->version))
				plan_->problems.push_back(f.path + ": " + tool_ +
				                          " has no record of applying it, although it applied "
				                          "the later " +
				                          it->second->path +
				                          "; files and history table disagree (apply it by hand and record it "
				                          "with the old tool, or move it after the applied migrations)");
		}
	}

private:
	void
	Missing(const std::string &recorded_as)
	{
		plan_->problems.push_back(recorded_as + ": recorded as applied by " + tool_ +
		                          ", but no migration file matches it; restore the file, or read the folder it is "
		                          "in with --dir");
	}

	std::string tool_;
	const std::vector<MigrationFile> &files_;
	AdoptionPlan *plan_;
	std::set<const MigrationFile *> applied_;
	std::set<const MigrationFile *> changed_; /* recorded by the tool with another checksum */
};

void
PlanPrisma(const std::vector<nlohmann::json> &rows, Matcher &match, AdoptionPlan *plan)
{
	/* one row per attempt: a migration is applied when one attempt finished and was not rolled back */
	std::map<std::string, std::vector<const nlohmann::json *>> attempts;
	std::vector<std::string> order;
	for (const nlohmann::json &row : rows) {
		std::string name = Text(row, "migration_name");
		if (attempts.count(name) == 0)
			order.push_back(name);
		attempts[name].push_back(&row);
	}
	for (const std::string &name : order) {
		const nlohmann::json *done = nullptr, *unfinished = nullptr, *rolled_back = nullptr;
		for (const nlohmann::json *row : attempts[name]) {
			if (!IsNull(*row, "rolled_back_at"))
				rolled_back = row;
			else if (!IsNull(*row, "finished_at"))
				done = row;
			else
				unfinished = row;
		}
		std::string label = "_prisma_migrations " + name;
		if (done == nullptr) {
			if (unfinished != nullptr) {
				std::string logs = Text(*unfinished, "logs");
				plan->problems.push_back(label + ": failed or unfinished (started_at " +
				                         Text(*unfinished, "started_at") + ", finished_at NULL" +
				                         (logs.empty() ? "" : ", logs: " + FirstLine(logs)) +
				                         "); fix it and run prisma migrate resolve --applied or --rolled-back first");
			} else if (rolled_back != nullptr) {
				plan->problems.push_back(label + ": rolled back (rolled_back_at " +
				                         Text(*rolled_back, "rolled_back_at") +
				                         ") and not applied again; finish it with prisma migrate deploy first");
			}
			continue;
		}
		const MigrationFile *file = match.Find(label, [&](const MigrationFile &f) { return f.tool_id == name; });
		if (file == nullptr)
			continue;
		std::string checksum = Text(*done, "checksum");
		if (!checksum.empty() && !PrismaChecksumMatches(file->ToolBytes(), checksum)) {
			match.Changed(file, label);
			continue;
		}
		match.Applied(file, label);
	}
}

void
PlanFlyway(std::vector<nlohmann::json> rows, Matcher &match, const std::vector<MigrationFile> &files,
           AdoptionPlan *plan)
{
	std::stable_sort(rows.begin(), rows.end(), [](const nlohmann::json &a, const nlohmann::json &b) {
		return Number(a, "installed_rank") < Number(b, "installed_rank");
	});
	/* the last row of each version (by version key) and of each repeatable script decides */
	std::map<std::string, const nlohmann::json *> versioned;  /* key -> row */
	std::map<std::string, const nlohmann::json *> repeatable; /* script file name -> row */
	std::string baseline;
	for (const nlohmann::json &row : rows) {
		std::string type = Text(row, "type"), version = Text(row, "version");
		if (type == "SCHEMA" || type == "TABLE")
			continue; /* Flyway's marker that it created the schema */
		if (type == "BASELINE" || type == "SQL_BASELINE") {
			std::optional<std::string> key = KeyOf(version);
			if (key && IsTrue(row, "success") && (baseline.empty() || *key > VersionKey(baseline)))
				baseline = version;
			continue;
		}
		if (version.empty()) {
			repeatable[std::filesystem::path(Text(row, "script")).filename().string()] = &row;
			continue;
		}
		std::optional<std::string> key = KeyOf(version);
		if (!key) {
			plan->problems.push_back("flyway_schema_history rank " + Text(row, "installed_rank") + ": version " +
			                         version + " is not digit groups joined by '.'");
			continue;
		}
		bool undo = type.rfind("UNDO_", 0) == 0;
		if (type == "DELETE" || (undo && IsTrue(row, "success")))
			versioned.erase(*key); /* flyway repair deleted it, or an undo ran */
		else
			versioned[*key] = &row;
	}
	if (!baseline.empty())
		match.AppliedUpTo(baseline, "flyway_schema_history baseline " + baseline);
	for (const auto &[key, row] : versioned) {
		std::string version = Text(*row, "version"), type = Text(*row, "type");
		std::string label = "flyway_schema_history V" + version + " (" + Text(*row, "script") + ")";
		if (!IsTrue(*row, "success")) {
			plan->problems.push_back(label + ": failed (success = false, installed_on " + Text(*row, "installed_on") +
			                         "); clean up and run flyway repair, or finish it with flyway migrate, first");
			continue;
		}
		if (!baseline.empty() && key <= VersionKey(baseline))
			continue; /* below the baseline: already counted */
		if (type != "SQL" && type != "UNDO_SQL") {
			plan->problems.push_back(label + ": a " + type +
			                         " migration; pg_migrate reads SQL files only, so it cannot be matched");
			continue;
		}
		const MigrationFile *file = match.ByVersion(version, label);
		if (file == nullptr)
			continue;
		std::string checksum = Text(*row, "checksum");
		if (!checksum.empty() && checksum != std::to_string(FlywayChecksum(file->ToolBytes()))) {
			match.Changed(file, label);
			continue;
		}
		match.Applied(file, label);
	}
	for (const MigrationFile &f : files) {
		if (!f.repeatable)
			continue;
		std::string script = std::filesystem::path(f.tool_id).filename().string();
		auto it = repeatable.find(script);
		if (it == repeatable.end()) {
			plan->notes.push_back(f.path + ": repeatable migration flyway never ran; pg_migrate deploy applies it");
			continue;
		}
		const nlohmann::json &row = *it->second;
		std::string label = "flyway_schema_history " + script + " (rank " + Text(row, "installed_rank") + ")";
		if (!IsTrue(row, "success")) {
			plan->problems.push_back(label + ": failed (success = false); fix it and run flyway repair first");
			continue;
		}
		if (Text(row, "checksum") != std::to_string(FlywayChecksum(f.ToolBytes()))) {
			plan->notes.push_back(f.path + ": repeatable migration changed since flyway ran it; pg_migrate deploy "
			                               "applies it again, as flyway migrate would");
			continue;
		}
		plan->repeatables.push_back({&f, label});
	}
	for (const auto &[script, row] : repeatable) {
		bool has_file = std::any_of(files.begin(), files.end(), [&](const MigrationFile &f) {
			return f.repeatable && std::filesystem::path(f.tool_id).filename().string() == script;
		});
		if (!has_file)
			plan->notes.push_back("flyway_schema_history " + script +
			                      ": repeatable migration without a file now; nothing to adopt for it");
	}
}

void
PlanDbmate(const std::vector<nlohmann::json> &rows, Matcher &match)
{
	for (const nlohmann::json &row : rows) {
		std::string version = Text(row, "version");
		std::string label = "schema_migrations version " + version;
		match.Applied(match.ByVersion(version, label), label);
	}
}

void
PlanGolang(const std::vector<nlohmann::json> &rows, Matcher &match, AdoptionPlan *plan)
{
	if (rows.size() > 1) {
		plan->problems.push_back("schema_migrations has " + std::to_string(rows.size()) +
		                         " rows; golang-migrate keeps one (its current version): is this dbmate's table? "
		                         "use --from dbmate");
		return;
	}
	if (rows.empty())
		return; /* nothing applied yet */
	std::string version = Text(rows[0], "version");
	std::string label = "schema_migrations version " + version;
	if (IsTrue(rows[0], "dirty")) {
		plan->problems.push_back(label +
		                         ": dirty = true, golang-migrate stopped in the middle of this migration; "
		                         "fix the database and run migrate force " +
		                         version + " (or the previous version) first");
		return;
	}
	if (version == "-1" || version.empty())
		return; /* migrate force -1: nothing applied */
	if (match.ByVersion(version, label) != nullptr)
		match.AppliedUpTo(version, label);
}

/*
 * A drizzle-kit v1 folder (<timestamp>_<name>/migration.sql) has no journal
 * "when": its created_at is taken to be the folder's timestamp, read as UTC
 * in milliseconds (created_millis), or written as the timestamp's digits
 * (this). Empty for a journal file.
 */
std::string
V1Timestamp(const MigrationFile &f)
{
	bool v1 = f.path.size() > 14 && f.path.compare(f.path.size() - 14, 14, "/migration.sql") == 0;
	return v1 ? f.version.substr(0, f.version.find('.')) : "";
}

void
PlanDrizzle(std::vector<nlohmann::json> rows, Matcher &match)
{
	std::stable_sort(rows.begin(), rows.end(), [](const nlohmann::json &a, const nlohmann::json &b) {
		return Number(a, "id") < Number(b, "id");
	});
	for (const nlohmann::json &row : rows) {
		std::string created_at = Text(row, "created_at");
		std::string label = "__drizzle_migrations id " + Text(row, "id") + " (created_at " + created_at + ")";
		std::string hash = Text(row, "hash");
		auto same_time = [&](const MigrationFile &f) {
			return f.layout == "drizzle" &&
			       (std::to_string(f.created_millis) == created_at || V1Timestamp(f) == created_at);
		};
		/* v1 folders may share a timestamp: the one with the recorded hash first */
		const MigrationFile *file =
		    match.FindIfAny([&](const MigrationFile &f) { return same_time(f) && Sha256Hex(f.ToolBytes()) == hash; });
		if (file == nullptr)
			file = match.Find(label, same_time);
		if (file == nullptr)
			continue;
		if (!hash.empty() && hash != Sha256Hex(file->ToolBytes())) {
			match.Changed(file, label);
			continue;
		}
		match.Applied(file, label);
	}
}

} // namespace

const char *
ToolName(Tool tool)
{
	return NameOf(kTools, tool, "");
}

bool
ToolFromName(const std::string &name, Tool *tool)
{
	return ValueOf(kTools, name, tool);
}

std::vector<std::string>
ToolNames()
{
	return NamesOf(kTools);
}

const char *
DefaultHistoryTable(Tool tool)
{
	switch (tool) {
	case Tool::kPrisma:
		return "_prisma_migrations";
	case Tool::kFlyway:
		return "flyway_schema_history";
	case Tool::kDbmate:
	case Tool::kGolangMigrate:
		return "schema_migrations";
	case Tool::kDrizzle:
		return "drizzle.__drizzle_migrations";
	}
	return "";
}

std::vector<std::string>
RequiredColumns(Tool tool)
{
	switch (tool) {
	case Tool::kPrisma:
		return {"id", "checksum", "finished_at", "migration_name", "rolled_back_at", "started_at"};
	case Tool::kFlyway:
		return {"installed_rank", "version", "type", "script", "checksum", "success"};
	case Tool::kDbmate:
		return {"version"};
	case Tool::kGolangMigrate:
		return {"version", "dirty"};
	case Tool::kDrizzle:
		return {"id", "hash", "created_at"};
	}
	return {};
}

AdoptionPlan
PlanAdoption(Tool tool, const std::vector<nlohmann::json> &rows, const std::vector<MigrationFile> &files)
{
	AdoptionPlan plan;
	Matcher match(tool, files, &plan);
	switch (tool) {
	case Tool::kPrisma:
		PlanPrisma(rows, match, &plan);
		break;
	case Tool::kFlyway:
		PlanFlyway(rows, match, files, &plan);
		break;
	case Tool::kDbmate:
		PlanDbmate(rows, match);
		break;
	case Tool::kGolangMigrate:
		PlanGolang(rows, match, &plan);
		break;
	case Tool::kDrizzle:
		PlanDrizzle(rows, match);
		break;
	}
	match.CheckNoGaps();
	return plan;
}

AdoptionReport
BuildAdoptionReport(const AdoptionPlan &plan, const std::vector<MigrationFile> &files,
                    const std::function<bool(const MigrationFile &)> &applied_here)
{
	AdoptionReport report;
	std::set<const MigrationFile *> taken;
	for (const std::vector<AdoptedFile> *list : {&plan.applied, &plan.repeatables}) {
		for (const AdoptedFile &a : *list) {
			taken.insert(a.file);
			report.adopted.push_back({a.file, a.recorded_as, applied_here(*a.file)});
		}
	}
	for (const MigrationFile &f : files)
		if (taken.count(&f) == 0 && !applied_here(f))
			report.pending.push_back(&f);
	return report;
}

} // namespace pgmigrate::client
