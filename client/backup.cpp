/* backup.cpp — pg_dump before a deploy applies anything (see backup.hpp). */
#include "backup.hpp"

#include "exit_codes.hpp"
#include "strings.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <set>
#include <vector>

#include <fcntl.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

namespace pgmigrate::client {

namespace fs = std::filesystem;

namespace {

/* Connection options pg_dump is given: what decides where and how it connects (no password, no passfile). */
const std::set<std::string> kPassedOptions = {"host",
                                              "hostaddr",
                                              "port",
                                              "dbname",
                                              "user",
                                              "options",
                                              "connect_timeout",
                                              "sslmode",
                                              "sslcert",
                                              "sslkey",
                                              "sslrootcert",
                                              "sslcrl",
                                              "sslcrldir",
                                              "sslsni",
                                              "gssencmode",
                                              "krbsrvname",
                                              "channel_binding",
                                              "target_session_attrs",
                                              "requirepeer",
                                              "service"};

/* 'value' as a conninfo value: backslash and quote escaped. */
std::string
Quoted(const std::string &value)
{
	std::string out = "'";
	for (char c : value) {
		if (c == '\\' || c == '\'')
			out.push_back('\\');
		out.push_back(c);
	}
	return out + "'";
}

/* A passfile field: ':' and '\' escaped. */
std::string
PassfileField(const std::string &value)
{
	std::string out;
	for (char c : value) {
		if (c == '\\' || c == ':')
			out.push_back('\\');
		out.push_back(c);
	}
	return out;
}

/* The process's environment, with name=value set (replacing any earlier value) unless name is empty. */
std::vector<std::string>
Environment(const std::string &name = "", const std::string &value = "")
{
	auto named = [](const char *entry, const std::string &n) {
		return std::strncmp(entry, n.c_str(), n.size()) == 0 && entry[n.size()] == '=';
	};
	std::vector<std::string> env;
	for (char **e = environ; e != nullptr && *e != nullptr; e++)
		/* PGPASSWORD would win over the passfile that holds the password this session connected with */
		if ((name.empty() || !named(*e, name)) && !(name == "PGPASSFILE" && named(*e, "PGPASSWORD")))
			env.emplace_back(*e);
	if (!name.empty())
		env.push_back(name + "=" + value);
	return env;
}

/* Runs program (looked up on PATH when it has no '/') with stdout and stderr captured; -1 when it cannot start. */
int
RunCaptured(const std::string &program, const std::vector<std::string> &args, const std::vector<std::string> &env,
            std::string *output, int *spawn_errno)
{
	int pipe_fds[2];
	if (::pipe(pipe_fds) != 0) {
		*spawn_errno = errno;
		return -1;
	}
	posix_spawn_file_actions_t actions;
	posix_spawn_file_actions_init(&actions);
	posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], STDOUT_FILENO);
	posix_spawn_file_actions_adddup2(&actions, pipe_fds[1], STDERR_FILENO);
	posix_spawn_file_actions_addclose(&actions, pipe_fds[0]);
	posix_spawn_file_actions_addclose(&actions, pipe_fds[1]);
	std::vector<std::string> argv_text = args;
	argv_text.insert(argv_text.begin(), program);
	std::vector<char *> argv, envp;
	for (std::string &a : argv_text)
		argv.push_back(a.data());
	argv.push_back(nullptr);
	std::vector<std::string> env_text = env;
	for (std::string &e : env_text)
		envp.push_back(e.data());
	envp.push_back(nullptr);
	pid_t child = 0;
	int rc = posix_spawnp(&child, program.c_str(), &actions, nullptr, argv.data(), envp.data());
	posix_spawn_file_actions_destroy(&actions);
	::close(pipe_fds[1]);
	if (rc != 0) {
		::close(pipe_fds[0]);
		*spawn_errno = rc;
		return -1;
	}
	char buffer[4096];
	for (;;) {
		ssize_t n = ::read(pipe_fds[0], buffer, sizeof buffer);
		if (n > 0)
			output->append(buffer, static_cast<std::size_t>(n));
		else if (n == 0 || errno != EINTR)
			break;
	}
	::close(pipe_fds[0]);
	int status = 0;
	while (::waitpid(child, &status, 0) < 0 && errno == EINTR) {
	}
	/* posix_spawnp reports a missing program as exit 127 on glibc */
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127 && output->empty()) {
		*spawn_errno = ENOENT;
		return -1;
	}
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

bool
IsLocalHost(const std::string &host)
{
	return host.empty() || host[0] == '/' || host == "localhost" || host == "127.0.0.1" || host == "::1";
}

bool
IsExecutable(const std::string &path)
{
	return ::access(path.c_str(), X_OK) == 0;
}

/* The pg_dump to run, and where it came from (for messages). */
std::string
ChoosePgDump(Connection &conn, std::string *source)
{
	if (const char *named = std::getenv("PG_MIGRATE_PG_DUMP"); named != nullptr && named[0] != '\0') {
		*source = "PG_MIGRATE_PG_DUMP";
		return named;
	}
	if (IsLocalHost(conn.Host())) {
		/* The pg_config view is for superusers (and roles granted it); others fall back below. */
		try {
			Result bindir = conn.Exec("SELECT setting FROM pg_catalog.pg_config WHERE name = 'BINDIR'");
			if (bindir.Rows() == 1 && IsExecutable(bindir.Get(0, 0) + "/pg_dump")) {
				*source = "the server's BINDIR";
				return bindir.Get(0, 0) + "/pg_dump";
			}
		} catch (const SqlError &) {
		}
		std::string debian = "/usr/lib/postgresql/" + std::to_string(conn.ServerVersion() / 10000) + "/bin/pg_dump";
		if (IsExecutable(debian)) {
			*source = "the server's major version";
			return debian;
		}
	}
	*source = "PATH";
	return "pg_dump";
}

/* The major of "pg_dump (PostgreSQL) 18.1 ..."; 0 when the text says none. */
int
MajorOf(const std::string &version_text)
{
	std::size_t close = version_text.find(") ");
	if (close == std::string::npos)
		return 0;
	return std::atoi(version_text.c_str() + close + 2);
}

/* A file name from a database name: letters, digits, '.', '_' and '-' kept, anything else '_'. */
std::string
FileSafe(const std::string &name)
{
	std::string out;
	for (char c : name) {
		bool keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
		            c == '_' || c == '-';
		out.push_back(keep ? c : '_');
	}
	return out.empty() || out[0] == '.' ? "db" + out : out;
}

std::string
UtcTimestamp()
{
	std::time_t now = std::time(nullptr);
	std::tm utc{};
	gmtime_r(&now, &utc);
	char buffer[32];
	std::strftime(buffer, sizeof buffer, "%Y%m%dT%H%M%SZ", &utc);
	return buffer;
}

[[noreturn]] void
Refuse(const std::string &why)
{
	throw Failure(kExitConnect, "no backup: " + why + "; nothing was applied");
}

/* Reserves DIR/<database>-<timestamp>[-N].dump (O_EXCL, so parallel deploys never share a file). */
std::string
ReserveFile(const std::string &dir, const std::string &database)
{
	std::string base = (fs::path(dir) / (FileSafe(database) + "-" + UtcTimestamp())).string();
	for (int n = 1; n < 100; n++) {
		std::string path = base + (n == 1 ? "" : "-" + std::to_string(n)) + ".dump";
		int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (fd >= 0) {
			::close(fd);
			return path;
		}
		if (errno != EEXIST)
			Refuse("cannot write into " + dir + ": " + std::strerror(errno));
	}
	Refuse("too many backups named " + base + "*.dump in this second");
}

/* A passfile holding only the password, for this one pg_dump; removed with the object. */
class Passfile {
public:
	explicit Passfile(const std::string &password)
	{
		if (password.empty())
			return;
		const char *tmp = std::getenv("TMPDIR");
		std::string pattern = std::string(tmp != nullptr && tmp[0] != '\0' ? tmp : "/tmp") + "/pg_migrate-pass.XXXXXX";
		std::vector<char> name(pattern.begin(), pattern.end());
		name.push_back('\0');
		int fd = ::mkstemp(name.data()); /* mode 0600 */
		if (fd < 0)
			Refuse(std::string("cannot create a temporary passfile for pg_dump: ") + std::strerror(errno));
		path_ = name.data();
		std::string line = "*:*:*:*:" + PassfileField(password) + "\n";
		bool written = ::write(fd, line.data(), line.size()) == static_cast<ssize_t>(line.size());
		::close(fd);
		if (!written)
			Refuse("cannot write a temporary passfile for pg_dump");
	}
	~Passfile()
	{
		if (!path_.empty())
			::unlink(path_.c_str());
	}
	Passfile(const Passfile &) = delete;
	Passfile &operator=(const Passfile &) = delete;
	const std::string &
	Path() const
	{
		return path_;
	}

private:
	std::string path_;
};

} // namespace

Backup
TakeBackup(Connection &conn, const std::string &dir, Output &out)
{
	Backup backup;
	std::string source;
	backup.pg_dump = ChoosePgDump(conn, &source);

	/* pg_dump refuses a server newer than itself: say so before anything else happens. */
	std::string version_text;
	int spawn_errno = 0;
	int rc = RunCaptured(backup.pg_dump, {"--version"}, Environment(), &version_text, &spawn_errno);
	if (rc < 0)
		Refuse("cannot run " + backup.pg_dump + " (from " + source + "): " + std::strerror(spawn_errno) +
		       "; install the PostgreSQL client tools of the server's major, or name one with PG_MIGRATE_PG_DUMP");
	int server_major = conn.ServerVersion() / 10000, dump_major = MajorOf(version_text);
	if (rc != 0 || dump_major == 0)
		Refuse(backup.pg_dump + " --version did not answer as pg_dump does: " + TrimEnd(version_text, "\n\r "));
	if (dump_major < server_major)
		Refuse(backup.pg_dump + " (from " + source + ") is version " + std::to_string(dump_major) +
		       ", older than the server (" + std::to_string(server_major) +
		       "), and pg_dump cannot dump a newer server; install pg_dump " + std::to_string(server_major) +
		       " or name it with PG_MIGRATE_PG_DUMP");

	std::error_code ec;
	fs::create_directories(dir, ec);
	if (ec)
		Refuse("cannot create the backup directory " + dir + ": " + ec.message());
	backup.path = ReserveFile(dir, conn.Database());
	std::string partial = backup.path + ".partial";

	std::string conninfo = "application_name='pg_migrate backup'";
	for (const auto &[keyword, value] : conn.Options())
		if (kPassedOptions.count(keyword) > 0)
			conninfo += " " + keyword + "=" + Quoted(value);
	Passfile passfile(conn.Password());
	out.Verbose("backup: " + backup.pg_dump + " (from " + source + ", version " + std::to_string(dump_major) +
	            ") -Fc into " + backup.path);
	std::string messages;
	rc = RunCaptured(backup.pg_dump, {"--format=custom", "--no-password", "--file=" + partial, "--dbname=" + conninfo},
	                 passfile.Path().empty() ? Environment() : Environment("PGPASSFILE", passfile.Path()), &messages,
	                 &spawn_errno);
	struct stat st;
	if (rc != 0 || ::stat(partial.c_str(), &st) != 0) {
		::unlink(partial.c_str());
		::unlink(backup.path.c_str());
		if (rc < 0)
			Refuse("cannot run " + backup.pg_dump + ": " + std::strerror(spawn_errno));
		Refuse("pg_dump failed (exit " + std::to_string(rc) + "): " + TrimEnd(messages, "\n\r "));
	}
	if (::rename(partial.c_str(), backup.path.c_str()) != 0) {
		int err = errno;
		::unlink(partial.c_str());
		::unlink(backup.path.c_str());
		Refuse("cannot move the finished dump to " + backup.path + ": " + std::strerror(err));
	}
	backup.bytes = static_cast<long long>(st.st_size);
	return backup;
}

} // namespace pgmigrate::client
