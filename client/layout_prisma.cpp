/*
 * layout_prisma.cpp — Prisma: <version>_<name>/migration.sql folders,
 * down.sql for the down section (layouts.hpp).
 */
#include "layout_internal.hpp"

#include "script.hpp"

#include <filesystem>
#include <utility>

namespace pgmigrate::client {

namespace layout {

namespace fs = std::filesystem;

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
			/* Prisma refuses such a folder too; one holding another runner's code migrations is common */
			problems->push_back({folder, 0,
			                     "prisma migration folder without migration.sql (prisma migrate deploy refuses "
			                     "it too): add the migration's SQL as migration.sql, or move the folder out of "
			                     "the migrations directory if another tool runs it"});
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

} // namespace layout

} // namespace pgmigrate::client
