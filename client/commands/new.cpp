/* new.cpp — `pg_migrate new NAME [--stream S]`: write a migration file from the template. */
#include "commands.hpp"

#include "exit_codes.hpp"
#include "folder.hpp"
#include "script.hpp"

#include <cctype>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <set>

#include <fcntl.h>
#include <unistd.h>

namespace pgmigrate::client {

namespace {

struct NewOptions {
	std::string name;
	std::string stream; /* empty: the first --dir's stream */
};

void
AddNewOptions(CLI::App &command, NewOptions &options)
{
	command.add_option("NAME", options.name, "migration name, e.g. add_users")->required();
	command.add_option("--stream", options.stream, "stream of the new migration (default: the first --dir's)");
}

} // namespace

namespace fs = std::filesystem;

namespace {

/* A name starting with a digit would be read as part of the version, so it must start with a letter. */
void
CheckName(const std::string &name)
{
	bool ok = !name.empty() && name.size() <= 200 && std::isalpha(static_cast<unsigned char>(name[0]));
	for (char c : name)
		ok = ok && (std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '-');
	if (!ok)
		throw Failure(kExitUsage, "migration name \"" + name +
		                              "\" must start with a letter and contain only letters, digits, '_' and '-'");
}

std::string
UtcStamp(std::time_t t)
{
	std::tm tm{};
	gmtime_r(&t, &tm);
	char buffer[32];
	std::strftime(buffer, sizeof buffer, "%Y%m%d%H%M%S", &tm);
	return buffer;
}

/* Version keys already used in dir, so two `new` within one second do not collide. */
std::set<std::string>
UsedVersions(const std::string &dir)
{
	std::set<std::string> used;
	std::error_code ec;
	fs::directory_iterator it(dir, ec), end;
	for (; !ec && it != end; it.increment(ec)) {
		try {
			used.insert(VersionKey(ParseFileName(it->path().filename().string()).version));
		} catch (const ScriptError &) {
			/* not a migration file */
		}
	}
	return used;
}

std::string
Template(const std::string &stream_directive)
{
	std::string text;
	if (!stream_directive.empty())
		text += "-- migrate:stream " + stream_directive + "\n";
	text += "-- migrate:up\n\n\n-- migrate:down\n\n";
	return text;
}

void
WriteNewFile(const std::string &path, const std::string &content)
{
	/* O_EXCL: never overwrite a file someone already wrote */
	int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (fd < 0)
		throw Failure(kExitUsage, "cannot create " + path + ": " + std::strerror(errno));
	ssize_t written = ::write(fd, content.data(), content.size());
	int saved = errno;
	if (::close(fd) != 0 || written != static_cast<ssize_t>(content.size()))
		throw Failure(kExitUsage, "cannot write " + path + ": " + std::strerror(written < 0 ? saved : errno));
}

} // namespace

int
RunNew(const GlobalOptions &global, const NewOptions &options, Output &out)
{
	CheckName(options.name);
	std::vector<DirSpec> dirs = ParseDirSpecs(global.dirs);
	const DirSpec *dir = &dirs.front();
	std::string directive;
	if (!options.stream.empty()) {
		try {
			CheckStreamName(options.stream);
		} catch (const ScriptError &e) {
			throw Failure(kExitUsage, std::string("--stream: ") + e.what());
		}
		/* The stream's own folder if there is one; else the first folder, with a directive naming the stream. */
		const DirSpec *match = nullptr;
		for (const DirSpec &d : dirs)
			if (d.stream == options.stream && match == nullptr)
				match = &d;
		if (match != nullptr)
			dir = match;
		else
			directive = options.stream;
	}

	std::error_code ec;
	fs::create_directories(dir->path, ec);
	if (ec)
		throw Failure(kExitUsage, "cannot create directory " + dir->path + ": " + ec.message());

	std::set<std::string> used = UsedVersions(dir->path);
	std::time_t now = std::time(nullptr);
	std::string version = UtcStamp(now);
	while (used.count(VersionKey(version)) > 0)
		version = UtcStamp(++now);
	std::string file_name = version + "_" + options.name + ".sql";
	std::string path = dir->path + (dir->path.back() == '/' ? "" : "/") + file_name;
	WriteNewFile(path, Template(directive));

	std::string stream = directive.empty() ? dir->stream : directive;
	out.Doc()["path"] = path;
	out.Doc()["stream"] = stream;
	out.Doc()["version"] = version;
	out.Doc()["name"] = options.name;
	out.Print(path);
	return kExitOk;
}

const Command kNewCommand = {"new", "write <UTC timestamp>_<NAME>.sql from a template",
                             WithOptions<NewOptions, AddNewOptions, RunNew>, ManyDatabases::kLastDb};

} // namespace pgmigrate::client
