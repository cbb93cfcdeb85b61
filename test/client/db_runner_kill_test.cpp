/*
 * The background runner outlives the client: SIGKILL during a long
 * CREATE INDEX CONCURRENTLY, and the index still ends valid and recorded.
 * And the wait's output: a live progress line only when stderr is a terminal.
 */
#include "harness.hpp"

#include <chrono>
#include <csignal>
#include <thread>

#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <sys/wait.h>
#include <unistd.h>

using pgmtest::ClientTest;
using pgmtest::RunResult;
using Clock = std::chrono::steady_clock;

namespace {

/* Starts pg_migrate with args in cwd, its output thrown away; returns its pid. */
pid_t
Spawn(const std::vector<std::string> &args, const std::string &cwd)
{
	std::vector<std::string> strings = {PG_MIGRATE_BIN};
	strings.insert(strings.end(), args.begin(), args.end());
	std::vector<char *> argv;
	for (auto &s : strings)
		argv.push_back(s.data());
	argv.push_back(nullptr);
	pid_t pid = fork();
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);
		dup2(null, 1);
		dup2(null, 2);
		if (chdir(cwd.c_str()) != 0)
			_exit(126);
		execv(argv[0], argv.data());
		_exit(127);
	}
	return pid;
}

/*
 * Runs pg_migrate with stderr on a pseudo-terminal and stdout on a pipe;
 * returns what each received.
 */
RunResult
RunWithTerminalStderr(const std::vector<std::string> &args, const std::string &cwd)
{
	std::vector<std::string> strings = {PG_MIGRATE_BIN};
	strings.insert(strings.end(), args.begin(), args.end());
	std::vector<char *> argv;
	for (auto &s : strings)
		argv.push_back(s.data());
	argv.push_back(nullptr);

	RunResult result;
	int master = -1, slave = -1;
	struct winsize size = {24, 200, 0, 0};
	int out_pipe[2];
	if (openpty(&master, &slave, nullptr, nullptr, &size) != 0 || pipe(out_pipe) != 0) {
		ADD_FAILURE() << "openpty or pipe failed";
		return result;
	}
	pid_t pid = fork();
	if (pid == 0) {
		dup2(out_pipe[1], 1);
		dup2(slave, 2);
		close(master);
		close(out_pipe[0]);
		if (chdir(cwd.c_str()) != 0)
			_exit(126);
		execv(argv[0], argv.data());
		_exit(127);
	}
	close(slave);
	close(out_pipe[1]);
	struct pollfd fds[2] = {{out_pipe[0], POLLIN, 0}, {master, POLLIN, 0}};
	std::string *sinks[2] = {&result.out, &result.err};
	int open_fds = 2;
	while (open_fds > 0) {
		if (poll(fds, 2, 60000) <= 0)
			break;
		for (int i = 0; i < 2; i++) {
			if (fds[i].fd < 0 || fds[i].revents == 0)
				continue;
			char buffer[4096];
			ssize_t n = read(fds[i].fd, buffer, sizeof buffer);
			if (n > 0) {
				sinks[i]->append(buffer, static_cast<std::size_t>(n));
			} else {
				/* a pty master reads EIO once the child's side is closed */
				close(fds[i].fd);
				fds[i].fd = -1;
				open_fds--;
			}
		}
	}
	for (auto &fd : fds)
		if (fd.fd >= 0)
			close(fd.fd);
	int status = 0;
	waitpid(pid, &status, 0);
	result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	return result;
}

class RunnerKill : public ClientTest {
protected:
	/* state of version in migrate.status(), read in its own short transaction */
	std::string
	State(const std::string &version)
	{
		return db_->Scalar("SELECT state FROM migrate.status() WHERE version = $1", {version});
	}
};

TEST_F(RunnerKill, IndexBuildSurvivesSigkilledClient)
{
	auto start = Clock::now();
	/* a table big enough for a build of several seconds */
	db_->Query("CREATE TABLE big (id bigint, h text)");
	db_->Query("INSERT INTO big SELECT g, md5(g::text) FROM generate_series(1, 3000000) AS g");
	db_->Query("ANALYZE big");
	WriteMigration("0001_big_h.sql", "-- migrate:no-transaction\n"
	                                 "CREATE INDEX CONCURRENTLY IF NOT EXISTS big_h_idx ON big (h);\n");

	pid_t client = Spawn({"--db", conninfo_, "deploy"}, tmp_.Path());
	ASSERT_GT(client, 0);

	/* wait until the runner is building the index, then kill the client outright */
	std::string progress;
	auto deadline = Clock::now() + std::chrono::seconds(30);
	while (Clock::now() < deadline) {
		auto rows = db_->Query("SELECT state, progress FROM migrate.status() WHERE version = '0001'");
		if (!rows.empty() && rows[0][0] && *rows[0][0] == "running" && rows[0][1] &&
		    rows[0][1]->find("building index") != std::string::npos) {
			progress = *rows[0][1];
			break;
		}
		std::this_thread::sleep_for(std::chrono::milliseconds(20));
	}
	ASSERT_FALSE(progress.empty()) << "the build never showed progress; state " << State("0001");
	ASSERT_EQ(kill(client, SIGKILL), 0);
	int status = 0;
	ASSERT_EQ(waitpid(client, &status, 0), client);
	ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
	/* the build was not finished when the client died */
	EXPECT_EQ(db_->Scalar("SELECT indisvalid::text FROM pg_index WHERE indexrelid = 'big_h_idx'::regclass"), "false")
	    << "progress was: " << progress;

	/* the runner goes on without it: poll in short transactions until it is done */
	std::string state;
	deadline = Clock::now() + std::chrono::seconds(60);
	while (Clock::now() < deadline) {
		state = State("0001");
		if (state != "queued" && state != "running")
			break;
		std::this_thread::sleep_for(std::chrono::milliseconds(200));
	}
	EXPECT_EQ(state, "applied");
	EXPECT_EQ(db_->Scalar("SELECT indisvalid::text FROM pg_index WHERE indexrelid = 'big_h_idx'::regclass"), "true");
	EXPECT_EQ(db_->Count("SELECT count(*) FROM migrate.history WHERE version = '0001' AND action = 'apply' "
	                     "AND status = 'succeeded' AND application_name = 'pg_migrate runner'"),
	          1);
	EXPECT_EQ(db_->Count("SELECT count(*) FROM migrate.history WHERE status = 'failed'"), 0);
	/* no failed or interrupted step, no INVALID index (the table made by hand above is drift) */
	EXPECT_EQ(db_->Count("SELECT count(*) FROM migrate.validate() WHERE check_name <> 'drift'"), 0)
	    << db_->Scalar("SELECT string_agg(check_name || ': ' || message, E'\\n') FROM migrate.validate()");

	/* a later status shows the outcome; deploy has nothing left to do */
	RunResult r = Run({"status"});
	EXPECT_EQ(r.exit_code, 0) << r.All();
	EXPECT_NE(r.out.find("| big_h | applied"), std::string::npos) << r.out;
	r = Run({"deploy"});
	EXPECT_EQ(r.exit_code, 0) << r.All();
	EXPECT_NE(r.err.find("nothing to do"), std::string::npos) << r.All();
	auto seconds = std::chrono::duration_cast<std::chrono::seconds>(Clock::now() - start).count();
	EXPECT_LT(seconds, 60) << "the test should stay under a minute";
}

class RunnerOutput : public ClientTest {
protected:
	void
	SetUp() override
	{
		ClientTest::SetUp();
		db_->Query("CREATE TABLE events (id bigint, kind text)");
		db_->Query("INSERT INTO events SELECT g, md5(g::text) FROM generate_series(1, 300000) AS g");
		WriteMigration("0001_events_kind.sql",
		               "-- migrate:no-transaction\n"
		               "CREATE INDEX CONCURRENTLY IF NOT EXISTS events_kind ON events (kind);\n");
	}
};

TEST_F(RunnerOutput, LiveProgressLineOnlyOnTerminal)
{
	RunResult r = RunWithTerminalStderr({"--db", conninfo_, "deploy"}, tmp_.Path());
	ASSERT_EQ(r.exit_code, 0) << r.All();
	/* a status line redrawn in place (\r, erase to end of line), removed before the result table */
	EXPECT_NE(r.err.find("\r\033[K"), std::string::npos) << r.err;
	EXPECT_NE(r.err.find("runner ["), std::string::npos) << r.err;
	EXPECT_EQ(r.err.find("runner: "), std::string::npos) << "no log lines on a terminal: " << r.err;
	EXPECT_NE(r.out.find("| 0001    | events_kind | applied |"), std::string::npos) << r.out;
	EXPECT_EQ(r.out.find('\r'), std::string::npos) << r.out;
	EXPECT_EQ(db_->Scalar("SELECT indisvalid::text FROM pg_index WHERE indexrelid = 'events_kind'::regclass"), "true");
}

TEST_F(RunnerOutput, NoLiveLineWhenStderrIsNotATerminal)
{
	RunResult r = Run({"deploy"});
	ASSERT_EQ(r.exit_code, 0) << r.All();
	EXPECT_EQ(r.err.find('\r'), std::string::npos) << r.err;
	EXPECT_EQ(r.err.find('\033'), std::string::npos) << r.err;
	EXPECT_NE(r.err.find("waiting for the background runner"), std::string::npos) << r.err;
	EXPECT_NE(r.out.find("| 0001    | events_kind | applied |"), std::string::npos) << r.out;
}

TEST_F(RunnerOutput, QuietOnTerminalDrawsNothing)
{
	RunResult r = RunWithTerminalStderr({"--db", conninfo_, "-q", "deploy"}, tmp_.Path());
	ASSERT_EQ(r.exit_code, 0) << r.All();
	EXPECT_EQ(r.err, "") << r.err;
}

} // namespace
