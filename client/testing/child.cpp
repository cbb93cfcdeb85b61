/* child.cpp — see child.hpp. */
#include "child.hpp"

#include "scratch.hpp"

#include <cerrno>
#include <climits>
#include <csignal>
#include <sys/wait.h>
#include <unistd.h>

namespace pgmigrate::client::testing {

ChildResult
RunChild(const std::vector<std::string> &argv)
{
	ChildResult result;
	int pipe_fds[2];
	if (pipe(pipe_fds) != 0)
		return result;
	std::vector<std::string> args = argv;
	std::vector<char *> raw;
	for (std::string &a : args)
		raw.push_back(a.data());
	raw.push_back(nullptr);
	pid_t pid = fork();
	if (pid == 0) {
		setpgid(0, 0);
		sigset_t none;
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, nullptr); /* the watcher blocked SIGINT/SIGTERM for this process */
		dup2(pipe_fds[1], STDOUT_FILENO);
		dup2(pipe_fds[1], STDERR_FILENO);
		close(pipe_fds[0]);
		close(pipe_fds[1]);
		execvp(raw[0], raw.data());
		_exit(127);
	}
	close(pipe_fds[1]);
	if (pid < 0) {
		close(pipe_fds[0]);
		return result;
	}
	RegisterChild(pid);
	char buffer[4096];
	ssize_t n;
	while ((n = read(pipe_fds[0], buffer, sizeof buffer)) > 0 || (n < 0 && errno == EINTR))
		if (n > 0)
			result.output.append(buffer, static_cast<std::size_t>(n));
	close(pipe_fds[0]);
	int status = 0;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
	}
	UnregisterChild(pid);
	result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
	return result;
}

std::string
SelfPath()
{
	char path[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", path, sizeof path - 1);
	if (n <= 0)
		return "pg_migrate";
	return std::string(path, static_cast<std::size_t>(n));
}

} // namespace pgmigrate::client::testing
