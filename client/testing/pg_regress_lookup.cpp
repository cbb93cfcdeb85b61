/* pg_regress_lookup.cpp — see pg_regress_lookup.hpp. */
#include "pg_regress_lookup.hpp"

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <sstream>
#include <vector>
#include <unistd.h>

namespace pgmigrate::client::testing {

namespace fs = std::filesystem;

namespace {

bool
Executable(const std::string &path)
{
	return !path.empty() && access(path.c_str(), X_OK) == 0 && fs::is_regular_file(path);
}

std::string
OnPath(const std::string &program)
{
	const char *path = std::getenv("PATH");
	std::istringstream dirs(path != nullptr ? path : "");
	std::string dir;
	while (std::getline(dirs, dir, ':'))
		if (!dir.empty() && Executable(dir + "/" + program))
			return dir + "/" + program;
	return "";
}

/* pg_config --pkglibdir, or "" when there is no pg_config. */
std::string
PkgLibDir()
{
	const char *env = std::getenv("PG_CONFIG");
	std::string pg_config = env != nullptr && *env != '\0' ? env : OnPath("pg_config");
	if (!Executable(pg_config))
		return "";
	std::string command = "'" + pg_config + "' --pkglibdir 2>/dev/null";
	FILE *pipe = popen(command.c_str(), "r");
	if (pipe == nullptr)
		return "";
	char buffer[4096];
	std::string out;
	while (fgets(buffer, sizeof buffer, pipe) != nullptr)
		out += buffer;
	pclose(pipe);
	while (!out.empty() && (out.back() == '\n' || out.back() == '\r'))
		out.pop_back();
	return out;
}

/* pg_isolation_regress of the same installation as pg_regress. */
std::string
IsolationNextTo(const std::string &pg_regress)
{
	fs::path dir = fs::path(pg_regress).parent_path();
	for (const fs::path &candidate :
	     {dir.parent_path() / "isolation" / "pg_isolation_regress", dir / "pg_isolation_regress"})
		if (Executable(candidate.string()))
			return candidate.string();
	return "";
}

} // namespace

RegressPrograms
FindRegressPrograms(const std::string &given, int server_major)
{
	RegressPrograms found;
	std::vector<std::string> candidates;
	if (!given.empty())
		candidates.push_back(given);
	else {
		if (const char *env = std::getenv("PG_REGRESS"))
			candidates.emplace_back(env);
		std::string pkglib = PkgLibDir();
		if (!pkglib.empty())
			candidates.push_back(pkglib + "/pgxs/src/test/regress/pg_regress");
		candidates.push_back(OnPath("pg_regress"));
		std::string debian = "/usr/lib/postgresql";
		candidates.push_back(debian + "/" + std::to_string(server_major) + "/lib/pgxs/src/test/regress/pg_regress");
		std::vector<int> majors;
		std::error_code ec;
		for (const fs::directory_entry &e : fs::directory_iterator(debian, ec)) {
			std::string name = e.path().filename().string();
			if (!name.empty() && std::all_of(name.begin(), name.end(), ::isdigit))
				majors.push_back(std::atoi(name.c_str()));
		}
		std::sort(majors.rbegin(), majors.rend());
		for (int major : majors)
			candidates.push_back(debian + "/" + std::to_string(major) + "/lib/pgxs/src/test/regress/pg_regress");
	}
	for (const std::string &c : candidates) {
		if (c.empty())
			continue;
		found.looked += (found.looked.empty() ? "" : ", ") + c;
		if (Executable(c)) {
			found.pg_regress = c;
			break;
		}
	}
	if (!found.pg_regress.empty()) {
		const char *env = std::getenv("PG_ISOLATION_REGRESS");
		found.pg_isolation_regress =
		    given.empty() && env != nullptr && Executable(env) ? env : IsolationNextTo(found.pg_regress);
	}
	return found;
}

} // namespace pgmigrate::client::testing
