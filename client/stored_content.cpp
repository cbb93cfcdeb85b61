/* stored_content.cpp — see stored_content.hpp. */
#include "stored_content.hpp"

#include "script.hpp"

#include <sys/stat.h>

namespace pgmigrate::client {

bool
HasFolders(const GlobalOptions &global)
{
	struct stat st;
	return !global.dirs.empty() || (stat("./migrations", &st) == 0 && S_ISDIR(st.st_mode));
}

std::map<std::pair<std::string, std::string>, std::string>
ChangedAppliedFiles(const std::vector<RemoteMigration> &remote, const std::vector<MigrationFile> &files)
{
	std::map<std::pair<std::string, std::string>, std::string> changed;
	for (const RemoteMigration &r : remote) {
		if (r.state != "applied")
			continue;
		for (const MigrationFile &f : files) {
			bool same_version = false;
			try {
				same_version = f.stream == r.stream && CompareVersions(f.version, r.version) == 0;
			} catch (const ScriptError &) {
			}
			if (same_version && f.checksum != r.checksum)
				changed[{r.stream, r.version}] = f.path;
		}
	}
	return changed;
}

} // namespace pgmigrate::client
