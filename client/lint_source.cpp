/* lint_source.cpp — a single file of another tool's layout, read as deploy reads its folder (see lint_source.hpp). */
#include "lint_source.hpp"

#include "layouts.hpp"
#include "script.hpp"

#include <filesystem>

namespace pgmigrate::client {

namespace fs = std::filesystem;

namespace {

bool
EndsWith(const std::string &s, const std::string &suffix)
{
	return s.size() > suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

bool
IsVersionFolder(const std::string &name)
{
	std::size_t i = 0;
	while (i < name.size() && name[i] >= '0' && name[i] <= '9')
		i++;
	return i > 0 && i + 1 < name.size() && name[i] == '_';
}

bool
IsFlywayFile(const std::string &name)
{
	return EndsWith(name, ".sql") && name.size() > 4 && (name[0] == 'V' || name[0] == 'U' || name[0] == 'R') &&
	       name.find("__") != std::string::npos && (name[0] == 'R' || (name[1] >= '0' && name[1] <= '9'));
}

/* The folder deploy reads path in and its layout ("" = detect); false for a native file. */
bool
FolderOf(const fs::path &path, DirSpec *dir)
{
	std::string name = path.filename().string();
	fs::path parent = path.parent_path().empty() ? fs::path(".") : path.parent_path();
	std::error_code ec;
	if ((name == "migration.sql" || name == "down.sql") && IsVersionFolder(parent.filename().string())) {
		dir->path = parent.parent_path().empty() ? "." : parent.parent_path().string();
		return true; /* prisma or drizzle v1: detected from the folder */
	}
	if (fs::exists(parent / "meta" / "_journal.json", ec)) {
		dir->path = parent.string();
		dir->layout = "drizzle";
		return true;
	}
	bool digit = !name.empty() && name[0] >= '0' && name[0] <= '9';
	if (digit && (EndsWith(name, ".up.sql") || EndsWith(name, ".down.sql"))) {
		dir->path = parent.string();
		dir->layout = "golang-migrate";
		return true;
	}
	if (IsFlywayFile(name)) {
		dir->path = parent.string();
		dir->layout = "flyway";
		return true;
	}
	return false;
}

bool
SameFile(const std::string &a, const fs::path &b)
{
	std::error_code ec;
	return !a.empty() && fs::equivalent(a, b, ec);
}

} // namespace

bool
ReadToolFile(const std::string &path, MigrationFile *file, std::vector<FileProblem> *problems)
{
	DirSpec dir;
	if (!FolderOf(fs::path(path), &dir))
		return false;
	std::vector<DirSpec> dirs = ParseDirSpecs({}, dir.layout);
	dirs[0].path = dir.path;
	dirs[0].is_default = false;
	FolderContents contents = ReadFolders(dirs);
	for (MigrationFile &f : contents.files) {
		if (SameFile(f.path, path) || SameFile(f.down_path, path)) {
			*file = std::move(f);
			return true;
		}
	}
	/* what deploy says of this very file; other files of the folder are not linted here */
	std::size_t before = problems->size();
	for (const std::vector<FileProblem> *list : {&contents.problems, &contents.warnings})
		for (const FileProblem &p : *list)
			if (SameFile(p.path, path) || p.path == path)
				problems->push_back(p);
	if (problems->size() == before)
		problems->push_back({path, 0,
		                     "not a migration deploy would read in " + dir.path +
		                         " (read as a folder of its layout, it holds no migration from this file)"});
	return true;
}

} // namespace pgmigrate::client
