/*
 * layout_drizzle.cpp — Drizzle: files listed in meta/_journal.json, or
 * drizzle-kit v1's <timestamp>_<name>/ folders; statement breakpoints
 * (layouts.hpp).
 */
#include "layout_internal.hpp"

#include "script.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <filesystem>
#include <set>
#include <utility>

namespace pgmigrate::client {

namespace layout {

namespace fs = std::filesystem;

namespace {

/* drizzle-kit: <NNNN>_<name>.sql files in the order of meta/_journal.json. */
std::vector<ToolMigration>
ReadJournal(const DirSpec &dir, const std::vector<DirEntry> &entries, std::vector<FileProblem> *problems,
            std::vector<FileProblem> *warnings)
{
	std::vector<ToolMigration> out;
	std::string journal_path = JoinPath(JoinPath(dir.path, "meta"), "_journal.json");
	std::string text;
	if (!ReadInto(journal_path, &text, problems))
		return out;
	nlohmann::json journal = nlohmann::json::parse(text, nullptr, false);
	if (journal.is_discarded() || !journal.is_object() || !journal.contains("entries") ||
	    !journal["entries"].is_array()) {
		problems->push_back(
		    {journal_path, 0, "not a drizzle journal: expected a JSON object with an \"entries\" array"});
		return out;
	}
	std::set<std::string> listed;
	int index = 0;
	for (const nlohmann::json &entry : journal["entries"]) {
		index++;
		if (!entry.is_object() || !entry.contains("tag") || !entry["tag"].is_string() || !entry.contains("when") ||
		    !entry["when"].is_number_integer()) {
			problems->push_back(
			    {journal_path, 0,
			     "entry " + std::to_string(index) + " of \"entries\" needs a string \"tag\" and an integer \"when\""});
			continue;
		}
		std::string tag = entry["tag"].get<std::string>();
		if (tag.empty() || tag.find('/') != std::string::npos || tag[0] == '.') {
			problems->push_back(
			    {journal_path, 0, "entry " + std::to_string(index) + ": \"" + tag + "\" is not a migration file name"});
			continue;
		}
		std::string path = JoinPath(dir.path, tag + ".sql");
		listed.insert(tag + ".sql");
		ToolMigration m = NewMigration(Layout::kDrizzle, dir, path, tag);
		FileName fn;
		if (!SplitVersionName(tag, path, &fn, problems))
			continue;
		m.file.version = fn.version;
		m.file.name = fn.name;
		m.file.created_millis = entry["when"].get<long long>();
		std::string up, error;
		bool ok = ReadFileBytes(path, &up, &error);
		if (!ok) {
			problems->push_back({path, 0, "listed in meta/_journal.json, but " + error});
			continue;
		}
		std::string statements = DrizzleStatements(up);
		SetScript(&m, Layout::kDrizzle, std::move(up), nullptr, "", false, statements);
		out.push_back(std::move(m));
	}
	for (const DirEntry &entry : entries)
		if (!entry.is_directory && Classify(entry) == Kind::kNative && listed.count(entry.name) == 0)
			warnings->push_back({JoinPath(dir.path, entry.name), 0,
			                     "not listed in meta/_journal.json, so drizzle never runs it; skipped (add it to "
			                     "the journal, as drizzle-kit generate does, to deploy it)"});
	return out;
}

/*
 * drizzle-kit v1's created_at for a folder: its timestamp YYYYMMDDHHMMSS read
 * as UTC, in milliseconds since 1970 (what the journal's "when" was); 0 when
 * the version is not such a timestamp.
 */
long long
FolderMillis(const std::string &version)
{
	if (version.size() != 14 ||
	    !std::all_of(version.begin(), version.end(), [](char c) { return c >= '0' && c <= '9'; }))
		return 0;
	auto number = [&](std::size_t at, std::size_t n) { return std::stoi(version.substr(at, n)); };
	int year = number(0, 4), month = number(4, 2), day = number(6, 2);
	int hour = number(8, 2), minute = number(10, 2), second = number(12, 2);
	if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60)
		return 0;
	/* days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil) */
	int y = year - (month <= 2 ? 1 : 0);
	int era = (y >= 0 ? y : y - 399) / 400;
	int yoe = y - era * 400;
	int doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
	int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	long long days = static_cast<long long>(era) * 146097 + doe - 719468;
	return ((days * 24 + hour) * 60 + minute) * 60000LL + second * 1000LL;
}

/* drizzle-kit v1: one <timestamp>_<name>/ folder per migration, with migration.sql and snapshot.json. */
std::vector<ToolMigration>
ReadDrizzleFolders(const DirSpec &dir, const std::vector<DirEntry> &entries, std::vector<FileProblem> *problems)
{
	std::vector<ToolMigration> out;
	for (const DirEntry &entry : entries) {
		if (!entry.is_directory || !IsPrismaFolderName(entry.name))
			continue; /* meta/, README.md: not migrations */
		std::string folder = JoinPath(dir.path, entry.name);
		FileName fn;
		if (!SplitVersionName(entry.name, folder, &fn, problems))
			continue;
		std::string path = JoinPath(folder, "migration.sql");
		ToolMigration m = NewMigration(Layout::kDrizzle, dir, path, entry.name);
		m.file.version = fn.version;
		m.file.name = fn.name;
		m.file.created_millis = FolderMillis(fn.version);
		std::string up, error;
		if (!ReadFileBytes(path, &up, &error)) {
			problems->push_back({folder, 0, "drizzle migration folder without a readable migration.sql: " + error});
			continue;
		}
		std::string statements = DrizzleStatements(up);
		SetScript(&m, Layout::kDrizzle, std::move(up), nullptr, "", false, statements);
		out.push_back(std::move(m));
	}
	SeparateSharedTimestamps(&out);
	return out;
}

} // namespace

std::vector<ToolMigration>
ReadDrizzle(const DirSpec &dir, const std::vector<DirEntry> &entries, std::vector<FileProblem> *problems,
            std::vector<FileProblem> *warnings)
{
	if (!HasJournal(dir))
		return ReadDrizzleFolders(dir, entries, problems);
	return ReadJournal(dir, entries, problems, warnings);
}

bool
HasJournal(const DirSpec &dir)
{
	std::error_code ec;
	return fs::exists(JoinPath(JoinPath(dir.path, "meta"), "_journal.json"), ec);
}

bool
LooksLikeDrizzleFolders(const DirSpec &dir, const std::vector<DirEntry> &entries)
{
	bool has_lock = std::any_of(entries.begin(), entries.end(),
	                            [](const DirEntry &e) { return !e.is_directory && e.name == "migration_lock.toml"; });
	if (has_lock)
		return false;
	std::error_code ec;
	return std::any_of(entries.begin(), entries.end(), [&](const DirEntry &e) {
		return e.is_directory && IsPrismaFolderName(e.name) &&
		       fs::exists(JoinPath(JoinPath(dir.path, e.name), "snapshot.json"), ec);
	});
}

} // namespace layout

std::string
DrizzleStatements(const std::string &sql)
{
	static const std::string kBreakpoint = "--> statement-breakpoint";
	std::string out;
	out.reserve(sql.size() + 8);
	bool open_statement = false; /* SQL since the last breakpoint that does not end with ';' */
	std::size_t pos = 0;
	while (pos < sql.size()) {
		std::size_t nl = sql.find('\n', pos);
		std::size_t end = nl == std::string::npos ? sql.size() : nl + 1;
		std::string_view line(sql.data() + pos, end - pos);
		pos = end;
		/* drizzle-kit writes the breakpoint on a line of its own, or right after the statement's ';' */
		std::size_t mark = line.find(kBreakpoint);
		std::string_view code = line.substr(0, mark);
		std::size_t a = code.find_first_not_of(" \t\r\n");
		if (a != std::string_view::npos && code.compare(a, 2, "--") != 0)
			open_statement = code[code.find_last_not_of(" \t\r\n")] != ';';
		if (mark == std::string_view::npos) {
			out.append(line);
			continue;
		}
		out.append(code);
		if (open_statement)
			out += ';';
		out.append(line.substr(mark));
		open_statement = false;
	}
	return out;
}

} // namespace pgmigrate::client
