/* layouts.cpp — other tools' migrations folders (see layouts.hpp). */
#include "layouts.hpp"

#include "script.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <array>
#include <filesystem>
#include <map>
#include <set>
#include <utility>

namespace pgmigrate::client {

namespace fs = std::filesystem;

namespace {

/* What an entry of a folder looks like, judged by its name alone. */
enum class Kind {
	kNone,   /* not a migration of any layout (README.md, .git, meta, ...) */
	kNative, /* <digits>..._<name>.sql */
	kPrisma, /* <digits>_<name>/ folder or migration_lock.toml */
	kFlyway, /* V<version>__<desc>.sql, U<version>__<desc>.sql, R__<desc>.sql */
	kGolang, /* <digits>_<name>.up.sql / .down.sql */
	kOther,  /* a .sql file that fits no layout */
};

const char *
KindName(Kind kind)
{
	switch (kind) {
	case Kind::kNative:
		return "native (dbmate-style)";
	case Kind::kPrisma:
		return "prisma";
	case Kind::kFlyway:
		return "flyway";
	case Kind::kGolang:
		return "golang-migrate";
	default:
		return "unknown";
	}
}

bool
EndsWith(std::string_view s, std::string_view suffix)
{
	return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

bool
StartsWithDigit(std::string_view s)
{
	return !s.empty() && s[0] >= '0' && s[0] <= '9';
}

/* "<digits>_<something>": the shape of a Prisma migration folder. */
bool
IsPrismaFolderName(std::string_view name)
{
	std::size_t i = 0;
	while (i < name.size() && name[i] >= '0' && name[i] <= '9')
		i++;
	return i > 0 && i + 1 < name.size() && name[i] == '_';
}

bool
IsGolangName(std::string_view name)
{
	return StartsWithDigit(name) && (EndsWith(name, ".up.sql") || EndsWith(name, ".down.sql"));
}

/* V1__x.sql, V1.2__x.sql, V1_2__x.sql, U1__x.sql, R__x.sql */
bool
IsFlywayName(std::string_view name)
{
	if (name.size() < 8 || !EndsWith(name, ".sql"))
		return false;
	if (name[0] == 'R')
		return name.compare(1, 2, "__") == 0;
	if (name[0] != 'V' && name[0] != 'U')
		return false;
	std::size_t sep = name.find("__", 1);
	if (sep == std::string_view::npos || sep == 1)
		return false;
	for (std::size_t i = 1; i < sep; i++)
		if (!((name[i] >= '0' && name[i] <= '9') || name[i] == '.' || name[i] == '_'))
			return false;
	return StartsWithDigit(name.substr(1));
}

Kind
Classify(const DirEntry &entry)
{
	const std::string &name = entry.name;
	if (name.empty() || name[0] == '.')
		return Kind::kNone;
	if (entry.is_directory) {
		if (EndsWith(name, ".sql"))
			return Kind::kNative; /* the native reader says it is a directory */
		return IsPrismaFolderName(name) ? Kind::kPrisma : Kind::kNone;
	}
	if (name == "migration_lock.toml")
		return Kind::kPrisma;
	if (!EndsWith(name, ".sql"))
		return Kind::kNone;
	if (IsGolangName(name))
		return Kind::kGolang;
	if (IsFlywayName(name))
		return Kind::kFlyway;
	return StartsWithDigit(name) ? Kind::kNative : Kind::kOther;
}

const char *
ExpectedNames(Layout layout)
{
	switch (layout) {
	case Layout::kNative:
		return "<version>_<name>.sql";
	case Layout::kPrisma:
		return "<version>_<name>/migration.sql folders";
	case Layout::kFlyway:
		return "V<version>__<description>.sql, U<version>__<description>.sql or R__<description>.sql";
	case Layout::kDrizzle:
		return "<NNNN>_<name>.sql listed in meta/_journal.json, or drizzle-kit v1's <timestamp>_<name>/migration.sql "
		       "folders";
	case Layout::kGolangMigrate:
		return "<version>_<name>.up.sql and <version>_<name>.down.sql";
	}
	return "";
}

/* Whether an entry of this kind is read (or quietly ignored) by the layout, rather than a problem. */
bool
Fits(Layout layout, Kind kind, bool forced, bool drizzle_folders)
{
	switch (layout) {
	case Layout::kNative:
		/* forced native reads every .sql file as native and reports its own problems */
		return forced || kind == Kind::kNone || kind == Kind::kNative || kind == Kind::kOther;
	case Layout::kPrisma:
		return kind == Kind::kNone || kind == Kind::kPrisma;
	case Layout::kFlyway:
		return kind == Kind::kNone || kind == Kind::kFlyway;
	case Layout::kDrizzle:
		return kind == Kind::kNone || kind == (drizzle_folders ? Kind::kPrisma : Kind::kNative);
	case Layout::kGolangMigrate:
		return kind == Kind::kNone || kind == Kind::kGolang;
	}
	return false;
}

bool
HasStatement(std::string_view sql)
{
	std::size_t pos = 0;
	while (pos < sql.size()) {
		std::size_t nl = sql.find('\n', pos);
		if (nl == std::string_view::npos)
			nl = sql.size();
		std::string_view line = sql.substr(pos, nl - pos);
		std::size_t a = line.find_first_not_of(" \t\r\f\v");
		if (a != std::string_view::npos && line.compare(a, 2, "--") != 0)
			return true;
		pos = nl + 1;
	}
	return false;
}

/* Words of sql, upper-cased: letters, digits, '_' and '$' (the rest separates them). */
std::vector<std::string>
UpperWords(std::string_view sql)
{
	std::vector<std::string> words;
	std::string word;
	for (char c : sql) {
		bool part = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '$';
		if (part) {
			word.push_back(c >= 'a' && c <= 'z' ? static_cast<char>(c - 'a' + 'A') : c);
		} else if (!word.empty()) {
			words.push_back(std::move(word));
			word.clear();
		}
	}
	if (!word.empty())
		words.push_back(std::move(word));
	return words;
}

/*
 * Whether a translation carries "-- migrate:no-transaction if-needed": when
 * the text has a word that every statement the server runs outside a
 * transaction contains (statements.cpp decides which statements do; this
 * only leaves the directive out where none can). Every other script stays
 * the tool's file, as earlier versions uploaded it, so its checksum stays.
 */
bool
MayNeedNoTransaction(std::string_view sql)
{
	static const std::set<std::string> kWords = {"CONCURRENTLY", "VACUUM", "REINDEX"};
	static const std::set<std::pair<std::string, std::string>> kPairs = {
	    {"ALTER", "SYSTEM"},      {"CREATE", "DATABASE"}, {"DROP", "DATABASE"},       {"ALTER", "DATABASE"},
	    {"CREATE", "TABLESPACE"}, {"DROP", "TABLESPACE"}, {"CREATE", "SUBSCRIPTION"}, {"DROP", "SUBSCRIPTION"}};
	std::vector<std::string> words = UpperWords(sql);
	for (std::size_t i = 0; i < words.size(); i++) {
		if (kWords.count(words[i]) > 0)
			return true;
		if (i + 1 < words.size() && kPairs.count({words[i], words[i + 1]}) > 0)
			return true;
	}
	return false;
}

const char *
PolicyDirective(NoTransactionIf policy)
{
	switch (policy) {
	case NoTransactionIf::kNeeded:
		return "-- migrate:no-transaction if-needed\n";
	case NoTransactionIf::kNeededBetweenBreakpoints:
		return "-- migrate:no-transaction if-needed-between-breakpoints\n";
	case NoTransactionIf::kNever:
		break;
	}
	return "";
}

/* name's bytes, 7 per group (at most groups of them), as big-endian numbers joined by '.'. */
std::string
NameGroups(std::string_view name, std::size_t groups)
{
	constexpr std::size_t kBytesPerGroup = 7;
	std::string version;
	std::size_t length = std::min(name.size(), kBytesPerGroup * groups);
	for (std::size_t start = 0; start == 0 || start < length; start += kBytesPerGroup) {
		unsigned long long value = 0;
		for (std::size_t i = 0; i < kBytesPerGroup; i++) {
			unsigned char byte = start + i < length ? static_cast<unsigned char>(name[start + i]) : 0;
			value = value * 256 + byte;
		}
		if (!version.empty())
			version += '.';
		version += std::to_string(value);
	}
	return version;
}

void
EndLine(std::string *s)
{
	if (!s->empty() && s->back() != '\n')
		s->push_back('\n');
}

int
CountLines(const std::string &s)
{
	return static_cast<int>(std::count(s.begin(), s.end(), '\n'));
}

/* Reads path into *bytes; adds a problem and returns false when it cannot. */
bool
ReadInto(const std::string &path, std::string *bytes, std::vector<FileProblem> *problems)
{
	std::string error;
	if (ReadFileBytes(path, bytes, &error))
		return true;
	problems->push_back({path, 0, error});
	return false;
}

/* Version and name from "<version>_<name>" (Prisma folders, drizzle tags, golang-migrate bases). */
bool
SplitVersionName(const std::string &base, const std::string &path, FileName *out, std::vector<FileProblem> *problems)
{
	try {
		*out = ParseFileName(base + ".sql");
		return true;
	} catch (const ScriptError &e) {
		problems->push_back({path, 0, e.what()});
		return false;
	}
}

ToolMigration
NewMigration(Layout layout, const DirSpec &dir, const std::string &path, const std::string &tool_id)
{
	ToolMigration m;
	m.file.path = path;
	m.file.stream = dir.stream;
	m.file.layout = LayoutName(layout);
	m.file.tool_id = tool_id;
	return m;
}

/* How each layout's tool runs a file with a statement that cannot run in a transaction (README). */
NoTransactionIf
PolicyOf(Layout layout)
{
	switch (layout) {
	case Layout::kPrisma:
	case Layout::kFlyway:
		return NoTransactionIf::kNeeded;
	case Layout::kDrizzle:
		return NoTransactionIf::kNeededBetweenBreakpoints;
	case Layout::kNative:
	case Layout::kGolangMigrate:
		break;
	}
	return NoTransactionIf::kNever;
}

void
SetScript(ToolMigration *m, Layout layout, std::string up, const std::string *down, const std::string &down_path,
          bool repeatable, const std::string &translated_up = "")
{
	Translation t = TranslateScript(translated_up.empty() ? up : translated_up, down, repeatable, PolicyOf(layout));
	m->file.content = std::move(t.script);
	m->file.original = std::move(up);
	m->file.repeatable = repeatable;
	m->down_first_line = t.down_first_line;
	if (t.down_first_line > 0)
		m->down_path = down_path;
}

/*
 * Prisma (and drizzle v1) identify a migration by its folder name, so two
 * folders may share a timestamp. The first of them in name order (the
 * tool's order) keeps the timestamp as its version; each later one gets
 * the timestamp followed by its name's bytes as digit groups (NameGroups),
 * which sort after the timestamp and among themselves as the names do, and
 * depend on nothing but the folder's own name.
 */
void
SeparateSharedTimestamps(std::vector<ToolMigration> *migrations)
{
	constexpr std::size_t kMaxGroups = 8; /* script.cpp's limit */
	std::set<std::string> taken;          /* version keys of the first folder of each timestamp */
	for (ToolMigration &m : *migrations) {
		if (taken.insert(VersionKey(m.file.version)).second)
			continue;
		std::size_t groups = 1 + static_cast<std::size_t>(std::count_if(m.file.version.begin(), m.file.version.end(),
		                                                                [](char c) { return c == '_' || c == '.'; }));
		if (groups < kMaxGroups)
			m.file.version += "." + NameGroups(m.file.name, kMaxGroups - groups);
	}
}

/* ---- prisma ---- */

std::vector<ToolMigration>
ReadPrisma(const DirSpec &dir, const std::vector<DirEntry> &entries, std::vector<FileProblem> *problems)
{
	std::vector<ToolMigration> out;
	for (const DirEntry &entry : entries) {
		if (!entry.is_directory)
			continue; /* migration_lock.toml, README.md: not migrations */
		std::string folder = JoinPath(dir.path, entry.name);
		if (!IsPrismaFolderName(entry.name)) {
			problems->push_back({folder, 0, "not a prisma migration folder: expected <version>_<name>/migration.sql"});
			continue;
		}
		FileName fn;
		if (!SplitVersionName(entry.name, folder, &fn, problems))
			continue;
		std::error_code ec;
		bool has_up = false, has_down = false;
		for (fs::directory_iterator it(folder, ec), end; !ec && it != end; it.increment(ec)) {
			std::string name = it->path().filename().string();
			if (name == "migration.sql")
				has_up = true;
			else if (name == "down.sql")
				has_down = true;
			else if (EndsWith(name, ".sql") && name[0] != '.')
				problems->push_back({JoinPath(folder, name), 0,
				                     "not read: a prisma migration folder holds migration.sql and, for its down "
				                     "section, down.sql"});
		}
		if (ec) {
			problems->push_back({folder, 0, "cannot list the folder: " + ec.message()});
			continue;
		}
		if (!has_up) {
			problems->push_back({folder, 0, "prisma migration folder without migration.sql"});
			continue;
		}
		ToolMigration m = NewMigration(Layout::kPrisma, dir, JoinPath(folder, "migration.sql"), entry.name);
		m.file.version = fn.version;
		m.file.name = fn.name;
		std::string up, down;
		std::string down_path = JoinPath(folder, "down.sql");
		bool ok = ReadInto(m.file.path, &up, problems) && (!has_down || ReadInto(down_path, &down, problems));
		if (!ok)
			continue;
		SetScript(&m, Layout::kPrisma, std::move(up), has_down ? &down : nullptr, down_path, false);
		out.push_back(std::move(m));
	}
	SeparateSharedTimestamps(&out);
	return out;
}

/* ---- flyway ---- */

struct FlywayName {
	char prefix;         /* V, U or R */
	std::string version; /* '_' written as '.', as Flyway shows it; empty for R */
	std::string description;
};

bool
ParseFlywayName(const std::string &file_name, const std::string &path, FlywayName *out,
                std::vector<FileProblem> *problems)
{
	out->prefix = file_name[0];
	std::string base = file_name.substr(0, file_name.size() - 4);
	std::size_t sep = base.find("__", 1);
	out->description = base.substr(sep + 2);
	if (out->description.empty()) {
		problems->push_back({path, 0, "flyway file name without a description after __"});
		return false;
	}
	if (out->prefix == 'R')
		return true;
	out->version = base.substr(1, sep - 1);
	std::replace(out->version.begin(), out->version.end(), '_', '.');
	try {
		CheckVersion(out->version);
	} catch (const ScriptError &e) {
		problems->push_back({path, 0, e.what()});
		return false;
	}
	return true;
}

/* Every .sql file under dir (Flyway reads subfolders too), as paths relative to it, sorted. */
std::vector<std::string>
FlywayFiles(const DirSpec &dir, const std::vector<DirEntry> &entries, std::vector<FileProblem> *problems)
{
	std::vector<std::string> files;
	for (const DirEntry &entry : entries) {
		if (!entry.is_directory) {
			if (Classify(entry) == Kind::kFlyway)
				files.push_back(entry.name);
			continue;
		}
		if (entry.name.empty() || entry.name[0] == '.')
			continue;
		std::string top = JoinPath(dir.path, entry.name);
		std::error_code ec;
		fs::recursive_directory_iterator it(top, ec), end;
		for (; !ec && it != end; it.increment(ec)) {
			std::string name = it->path().filename().string();
			std::error_code type_ec;
			bool is_dir = it->is_directory(type_ec);
			if (name[0] == '.') {
				if (is_dir)
					it.disable_recursion_pending();
				continue;
			}
			if (is_dir || !EndsWith(name, ".sql"))
				continue;
			std::string relative = entry.name + "/" + fs::path(it->path()).lexically_relative(top).string();
			if (Classify({name, false}) != Kind::kFlyway)
				problems->push_back(
				    {JoinPath(dir.path, relative), 0,
				     std::string("not a flyway migration: expected ") + ExpectedNames(Layout::kFlyway)});
			else
				files.push_back(relative);
		}
		if (ec)
			problems->push_back({top, 0, "cannot list the folder: " + ec.message()});
	}
	std::sort(files.begin(), files.end());
	return files;
}

std::vector<ToolMigration>
ReadFlyway(const DirSpec &dir, const std::vector<DirEntry> &entries, std::vector<FileProblem> *problems)
{
	struct Versioned {
		ToolMigration m;
		std::string up;
		std::string down, down_path;
		bool has_down = false;
	};
	std::vector<Versioned> versioned;
	std::vector<std::pair<std::string, FlywayName>> undo; /* relative path, name */
	std::vector<ToolMigration> out;
	std::string repeatable_stream = RepeatableStream(dir.stream);
	bool repeatable_stream_ok = true;
	try {
		CheckStreamName(repeatable_stream);
	} catch (const ScriptError &) {
		repeatable_stream_ok = false;
	}
	for (const std::string &relative : FlywayFiles(dir, entries, problems)) {
		std::string path = JoinPath(dir.path, relative);
		std::string file_name = fs::path(relative).filename().string();
		FlywayName fw;
		if (!ParseFlywayName(file_name, path, &fw, problems))
			continue;
		if (fw.prefix == 'U') {
			undo.emplace_back(relative, fw);
			continue;
		}
		ToolMigration m = NewMigration(Layout::kFlyway, dir, path, relative);
		m.file.name = fw.description;
		std::string up;
		bool ok = ReadInto(path, &up, problems);
		if (!ok)
			continue;
		if (fw.prefix == 'R') {
			if (!repeatable_stream_ok) {
				problems->push_back({path, 0,
				                     "stream name " + repeatable_stream +
				                         " for the folder's repeatable migrations is too long; use a shorter "
				                         "stream name in --dir STREAM=PATH"});
				continue;
			}
			std::string description = fw.description;
			std::replace(description.begin(), description.end(), '_', ' ');
			m.file.stream = repeatable_stream;
			m.file.version = RepeatableVersion(description);
			SetScript(&m, Layout::kFlyway, std::move(up), nullptr, "", true);
			out.push_back(std::move(m));
			continue;
		}
		m.file.version = fw.version;
		versioned.push_back({std::move(m), std::move(up), "", "", false});
	}
	for (const auto &[relative, fw] : undo) {
		std::string path = JoinPath(dir.path, relative);
		std::string key = VersionKey(fw.version);
		auto it = std::find_if(versioned.begin(), versioned.end(),
		                       [&](const Versioned &v) { return VersionKey(v.m.file.version) == key; });
		if (it == versioned.end()) {
			problems->push_back(
			    {path, 0, "undo migration of version " + fw.version + " without its V" + fw.version + "__*.sql file"});
			continue;
		}
		if (it->has_down) {
			problems->push_back(
			    {path, 0, "second undo migration of version " + fw.version + "; " + it->down_path + " is the first"});
			continue;
		}
		bool ok = ReadInto(path, &it->down, problems);
		if (!ok)
			continue;
		it->has_down = true;
		it->down_path = path;
	}
	for (Versioned &v : versioned) {
		SetScript(&v.m, Layout::kFlyway, std::move(v.up), v.has_down ? &v.down : nullptr, v.down_path, false);
		out.push_back(std::move(v.m));
	}
	return out;
}

/* ---- drizzle ---- */

std::vector<ToolMigration>
ReadDrizzle(const DirSpec &dir, const std::vector<DirEntry> &entries, std::vector<FileProblem> *problems,
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

bool
HasJournal(const DirSpec &dir)
{
	std::error_code ec;
	return fs::exists(JoinPath(JoinPath(dir.path, "meta"), "_journal.json"), ec);
}

/* A drizzle v1 folder has snapshot.json in its migration folders (Prisma's have none, and a migration_lock.toml). */
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

/* ---- golang-migrate ---- */

std::vector<ToolMigration>
ReadGolang(const DirSpec &dir, const std::vector<DirEntry> &entries, std::vector<FileProblem> *problems)
{
	struct Pair {
		std::string up, down; /* file names */
	};
	std::map<std::string, Pair> pairs; /* base name -> files */
	for (const DirEntry &entry : entries) {
		if (entry.is_directory || Classify(entry) != Kind::kGolang)
			continue;
		if (EndsWith(entry.name, ".up.sql"))
			pairs[entry.name.substr(0, entry.name.size() - 7)].up = entry.name;
		else
			pairs[entry.name.substr(0, entry.name.size() - 9)].down = entry.name;
	}
	std::vector<ToolMigration> out;
	for (const auto &[base, pair] : pairs) {
		if (pair.up.empty()) {
			problems->push_back({JoinPath(dir.path, pair.down), 0, "down migration without its " + base + ".up.sql"});
			continue;
		}
		std::string path = JoinPath(dir.path, pair.up);
		FileName fn;
		if (!SplitVersionName(base, path, &fn, problems))
			continue;
		ToolMigration m = NewMigration(Layout::kGolangMigrate, dir, path, pair.up);
		m.file.version = fn.version;
		m.file.name = fn.name;
		std::string up, down;
		std::string down_path = pair.down.empty() ? "" : JoinPath(dir.path, pair.down);
		bool ok = ReadInto(path, &up, problems) && (down_path.empty() || ReadInto(down_path, &down, problems));
		if (!ok)
			continue;
		SetScript(&m, Layout::kGolangMigrate, std::move(up), down_path.empty() ? nullptr : &down, down_path, false);
		out.push_back(std::move(m));
	}
	return out;
}

} // namespace

const char *
LayoutName(Layout layout)
{
	for (const LayoutEntry &entry : kLayouts)
		if (entry.layout == layout)
			return entry.name;
	return "native";
}

bool
LayoutFromName(const std::string &name, Layout *layout)
{
	for (const LayoutEntry &entry : kLayouts) {
		if (name == entry.name) {
			*layout = entry.layout;
			return true;
		}
	}
	return false;
}

std::string
LayoutNames()
{
	std::string names;
	for (const LayoutEntry &entry : kLayouts)
		names += (names.empty() ? "" : ", ") + std::string(entry.name);
	return names;
}

std::vector<std::string>
LayoutNameList()
{
	std::vector<std::string> names;
	for (const LayoutEntry &entry : kLayouts)
		names.emplace_back(entry.name);
	return names;
}

Layout
ResolveLayout(const DirSpec &dir, std::vector<DirEntry> *listing, std::vector<FileProblem> *problems)
{
	const std::vector<DirEntry> &entries = *listing;
	Layout layout = Layout::kNative;
	bool forced = !dir.layout.empty() && LayoutFromName(dir.layout, &layout);
	if (!forced) {
		bool has_meta = std::any_of(entries.begin(), entries.end(),
		                            [](const DirEntry &e) { return e.is_directory && e.name == "meta"; });
		if (has_meta && HasJournal(dir)) {
			layout = Layout::kDrizzle;
		} else {
			/* the layout most entries show; on a tie the first of native, prisma, flyway, golang-migrate */
			std::map<Kind, int> counts;
			for (const DirEntry &e : entries)
				counts[Classify(e)]++;
			const std::pair<Kind, Layout> order[] = {{Kind::kNative, Layout::kNative},
			                                         {Kind::kPrisma, Layout::kPrisma},
			                                         {Kind::kFlyway, Layout::kFlyway},
			                                         {Kind::kGolang, Layout::kGolangMigrate}};
			int best = 0;
			for (const auto &[kind, candidate] : order) {
				if (counts[kind] > best) {
					best = counts[kind];
					layout = candidate;
				}
			}
			if (layout == Layout::kPrisma && LooksLikeDrizzleFolders(dir, entries))
				layout = Layout::kDrizzle;
		}
	}
	bool drizzle_folders = layout == Layout::kDrizzle && !HasJournal(dir);
	std::vector<DirEntry> fitting;
	for (const DirEntry &e : entries) {
		Kind kind = Classify(e);
		if (Fits(layout, kind, forced, drizzle_folders)) {
			fitting.push_back(e);
			continue;
		}
		std::string path = JoinPath(dir.path, e.name);
		std::string expected = std::string(" (") + ExpectedNames(layout) + ")";
		if (forced)
			problems->push_back({path, 0,
			                     std::string("not a ") + LayoutName(layout) + " migration (--layout " +
			                         LayoutName(layout) + "): expected" + expected});
		else if (kind == Kind::kOther)
			problems->push_back(
			    {path, 0, std::string("not a migration of this folder's layout, ") + LayoutName(layout) + expected});
		else
			problems->push_back({path, 0,
			                     std::string("looks like a ") + KindName(kind) + " migration, but this folder holds " +
			                         LayoutName(layout) + " migrations" + expected +
			                         "; keep one layout per folder, or force one with --layout"});
	}
	*listing = std::move(fitting);
	return layout;
}

std::vector<ToolMigration>
ReadToolLayout(Layout layout, const DirSpec &dir, const std::vector<DirEntry> &entries,
               std::vector<FileProblem> *problems, std::vector<FileProblem> *warnings)
{
	switch (layout) {
	case Layout::kPrisma:
		return ReadPrisma(dir, entries, problems);
	case Layout::kFlyway:
		return ReadFlyway(dir, entries, problems);
	case Layout::kDrizzle:
		if (!HasJournal(dir))
			return ReadDrizzleFolders(dir, entries, problems);
		return ReadDrizzle(dir, entries, problems, warnings);
	case Layout::kGolangMigrate:
		return ReadGolang(dir, entries, problems);
	case Layout::kNative:
		break;
	}
	return {};
}

Translation
TranslateScript(const std::string &up, const std::string *down, bool repeatable, NoTransactionIf policy)
{
	Translation t;
	t.script = up;
	if (!HasStatement(up)) {
		EndLine(&t.script);
		t.script += "SELECT; -- pg_migrate: the tool's file has no statement\n";
	}
	if (policy != NoTransactionIf::kNever &&
	    (MayNeedNoTransaction(up) || (down != nullptr && MayNeedNoTransaction(*down)))) {
		EndLine(&t.script);
		t.script += PolicyDirective(policy);
	}
	/* an empty or comment-only down file is a down that does nothing, as the tool runs it */
	if (down != nullptr) {
		EndLine(&t.script);
		t.script += "-- migrate:down\n";
		t.down_first_line = CountLines(t.script) + 1;
		t.script += *down;
	}
	if (repeatable) {
		EndLine(&t.script);
		t.script += "-- migrate:out-of-order\n";
	}
	return t;
}

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

std::string
RepeatableVersion(std::string_view description)
{
	return NameGroups(description, 8);
}

std::string
RepeatableStream(const std::string &stream)
{
	return stream + "-repeatable";
}

std::int32_t
FlywayChecksum(std::string_view bytes)
{
	static const std::array<std::uint32_t, 256> kTable = [] {
		std::array<std::uint32_t, 256> table{};
		for (std::uint32_t n = 0; n < 256; n++) {
			std::uint32_t c = n;
			for (int k = 0; k < 8; k++)
				c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
			table[n] = c;
		}
		return table;
	}();
	if (bytes.size() >= 3 && bytes.compare(0, 3, "\xEF\xBB\xBF") == 0)
		bytes.remove_prefix(3);
	std::uint32_t crc = 0xFFFFFFFFu;
	for (char ch : bytes) {
		if (ch == '\n' || ch == '\r') /* lines are read without their endings */
			continue;
		crc = kTable[(crc ^ static_cast<unsigned char>(ch)) & 0xFFu] ^ (crc >> 8);
	}
	return static_cast<std::int32_t>(crc ^ 0xFFFFFFFFu);
}

} // namespace pgmigrate::client
