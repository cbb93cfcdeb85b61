/*
 * layouts.cpp — other tools' migrations folders (see layouts.hpp): layout
 * names, detection (ResolveLayout), dispatch to the readers
 * (layout_<tool>.cpp) and translation into one native script.
 */
#include "layouts.hpp"

#include "layout_internal.hpp"
#include "script.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <utility>

namespace pgmigrate::client {

namespace layout {

namespace {

bool
StartsWithDigit(std::string_view s)
{
	return !s.empty() && s[0] >= '0' && s[0] <= '9';
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

} // namespace

bool
EndsWith(std::string_view s, std::string_view suffix)
{
	return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

bool
IsPrismaFolderName(std::string_view name)
{
	std::size_t i = 0;
	while (i < name.size() && name[i] >= '0' && name[i] <= '9')
		i++;
	return i > 0 && i + 1 < name.size() && name[i] == '_';
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

bool
ReadInto(const std::string &path, std::string *bytes, std::vector<FileProblem> *problems)
{
	std::string error;
	if (ReadFileBytes(path, bytes, &error))
		return true;
	problems->push_back({path, 0, error});
	return false;
}

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

void
SetScript(ToolMigration *m, Layout layout, std::string up, const std::string *down, const std::string &down_path,
          bool repeatable, const std::string &translated_up)
{
	Translation t = TranslateScript(translated_up.empty() ? up : translated_up, down, repeatable, PolicyOf(layout),
	                                layout == Layout::kPrisma);
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

} // namespace layout

namespace {

using layout::Kind;

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

/*
 * Whether a Prisma file may hold a BEGIN ... COMMIT block (its enum rewrite):
 * then its translation carries -- migrate:transaction-blocks and the server
 * decides what the blocks are. Other files stay byte for byte the tool's.
 */
bool
MayHoldTransactionBlock(std::string_view sql)
{
	std::vector<std::string> words = UpperWords(sql);
	for (std::size_t i = 0; i < words.size(); i++)
		if (words[i] == "BEGIN" || (words[i] == "START" && i + 1 < words.size() && words[i + 1] == "TRANSACTION"))
			return true;
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

} // namespace

const char *
LayoutName(Layout layout)
{
	return NameOf(kLayouts, layout, "native");
}

bool
LayoutFromName(const std::string &name, Layout *layout)
{
	return ValueOf(kLayouts, name, layout);
}

std::string
LayoutNames()
{
	std::string names;
	for (const EnumName<Layout> &entry : kLayouts)
		names += (names.empty() ? "" : ", ") + std::string(entry.name);
	return names;
}

std::vector<std::string>
LayoutNameList()
{
	return NamesOf(kLayouts);
}

Layout
ResolveLayout(const DirSpec &dir, std::vector<DirEntry> *listing, std::vector<FileProblem> *problems,
              std::vector<FileProblem> *warnings)
{
	const std::vector<DirEntry> &entries = *listing;
	Layout layout = Layout::kNative;
	bool forced = !dir.layout.empty() && LayoutFromName(dir.layout, &layout);
	if (!forced) {
		bool has_meta = std::any_of(entries.begin(), entries.end(),
		                            [](const DirEntry &e) { return e.is_directory && e.name == "meta"; });
		if (has_meta && layout::HasJournal(dir)) {
			layout = Layout::kDrizzle;
		} else {
			/* the layout most entries show; on a tie the first of native, prisma, flyway, golang-migrate */
			std::map<Kind, int> counts;
			for (const DirEntry &e : entries)
				counts[layout::Classify(e)]++;
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
			if (layout == Layout::kPrisma && layout::LooksLikeDrizzleFolders(dir, entries))
				layout = Layout::kDrizzle;
		}
	}
	bool drizzle_folders = layout == Layout::kDrizzle && !layout::HasJournal(dir);
	std::vector<DirEntry> fitting;
	for (const DirEntry &e : entries) {
		Kind kind = layout::Classify(e);
		if (Fits(layout, kind, forced, drizzle_folders)) {
			fitting.push_back(e);
			continue;
		}
		std::string path = JoinPath(dir.path, e.name);
		std::string expected = std::string(" (") + layout::ExpectedNames(layout) + ")";
		if (layout == Layout::kPrisma && !forced && !e.is_directory && warnings != nullptr) {
			warnings->push_back({path, 0,
			                     "not a migration folder, so prisma migrate never runs it; skipped (move it into a "
			                     "<version>_<name>/migration.sql folder to deploy it)"});
			continue;
		}
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
		return layout::ReadPrisma(dir, entries, problems);
	case Layout::kFlyway:
		return layout::ReadFlyway(dir, entries, problems);
	case Layout::kDrizzle:
		return layout::ReadDrizzle(dir, entries, problems, warnings);
	case Layout::kGolangMigrate:
		return layout::ReadGolang(dir, entries, problems);
	case Layout::kNative:
		break;
	}
	return {};
}

Translation
TranslateScript(const std::string &up, const std::string *down, bool repeatable, NoTransactionIf policy,
                bool transaction_blocks)
{
	Translation t;
	t.script = up;
	if (!HasSql(up)) {
		EndLine(&t.script);
		t.script += "SELECT; -- pg_migrate: the tool's file has no statement\n";
	}
	if (policy != NoTransactionIf::kNever &&
	    (MayNeedNoTransaction(up) || (down != nullptr && MayNeedNoTransaction(*down)))) {
		EndLine(&t.script);
		t.script += PolicyDirective(policy);
	}
	if (transaction_blocks && (MayHoldTransactionBlock(up) || (down != nullptr && MayHoldTransactionBlock(*down)))) {
		EndLine(&t.script);
		t.script += "-- migrate:transaction-blocks\n";
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
		t.script += "-- migrate:repeatable\n";
	}
	return t;
}

} // namespace pgmigrate::client
