/*
 * layout_golang.cpp — golang-migrate: <version>_<name>.up.sql and .down.sql
 * pairs (layouts.hpp).
 */
#include "layout_internal.hpp"

#include "script.hpp"

#include <map>
#include <utility>

namespace pgmigrate::client {

namespace {

/*
 * golang-migrate's own rule (^([0-9]+)_(.*)\.(up|down)\.(.*)$): the version is
 * the leading digits only, so "0030_2.0.0_schema" is version 0030, name
 * "2.0.0_schema" — as its schema_migrations table records it (30).
 */
bool
SplitGolangVersionName(const std::string &base, const std::string &path, FileName *out,
                       std::vector<FileProblem> *problems)
{
	std::size_t digits = 0;
	while (digits < base.size() && base[digits] >= '0' && base[digits] <= '9')
		digits++;
	if (digits == 0 || digits >= base.size() || base[digits] != '_') {
		problems->push_back({path, 0, "not a golang-migrate name: <version digits>_<name>.up.sql"});
		return false;
	}
	out->version = base.substr(0, digits);
	out->name = base.substr(digits + 1);
	return true;
}

} // namespace

namespace layout {

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
		if (!SplitGolangVersionName(base, path, &fn, problems))
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

} // namespace layout

} // namespace pgmigrate::client
