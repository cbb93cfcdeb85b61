/* harness.cpp — child processes, temp folders and test databases (see harness.hpp). */
#include "harness.hpp"

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

namespace pgmtest {

nlohmann::json
ParseStdout(const RunResult &r)
{
	try {
		return nlohmann::json::parse(r.out);
	} catch (const nlohmann::json::exception &e) {
		ADD_FAILURE() << "stdout is not one JSON document: " << e.what() << "\n" << r.out;
		return nlohmann::json::object();
	}
}

namespace fs = std::filesystem;

ClientProcess::ClientProcess(const std::vector<std::string> &args, const EnvChanges &env, const std::string &cwd,
                             StderrTo stderr_to)
{
	/* Build argv and envp before fork: the child only calls async-signal-safe functions. */
	std::vector<std::string> argv_strings = {PG_MIGRATE_BIN};
	argv_strings.insert(argv_strings.end(), args.begin(), args.end());
	std::vector<char *> argv;
	for (auto &s : argv_strings)
		argv.push_back(s.data());
	argv.push_back(nullptr);

	EnvChanges changes = {{"DATABASE_URL", std::nullopt}, {"SKIP_INDEX_MIGRATIONS", std::nullopt}};
	for (const auto &[k, v] : env)
		changes[k] = v;
	std::vector<std::string> env_strings;
	for (char **e = environ; *e != nullptr; e++) {
		std::string entry = *e;
		if (changes.count(entry.substr(0, entry.find('='))) == 0)
			env_strings.push_back(entry);
	}
	for (const auto &[k, v] : changes)
		if (v)
			env_strings.push_back(k + "=" + *v);
	std::vector<char *> envp;
	for (auto &s : env_strings)
		envp.push_back(s.data());
	envp.push_back(nullptr);

	/* [0] read here, [1] the child's; stderr on a terminal is a pty's master and slave side */
	int out_pipe[2], err_pipe[2];
	if (pipe2(out_pipe, O_CLOEXEC) != 0)
		throw std::runtime_error("pipe failed");
	if (stderr_to == StderrTo::kTerminal) {
		struct winsize size = {24, 200, 0, 0};
		if (openpty(&err_pipe[0], &err_pipe[1], nullptr, nullptr, &size) != 0)
			throw std::runtime_error("openpty failed");
		fcntl(err_pipe[0], F_SETFD, FD_CLOEXEC);
		fcntl(err_pipe[1], F_SETFD, FD_CLOEXEC);
	} else if (pipe2(err_pipe, O_CLOEXEC) != 0) {
		throw std::runtime_error("pipe failed");
	}
	pid_ = fork();
	if (pid_ < 0)
		throw std::runtime_error("fork failed");
	if (pid_ == 0) {
		dup2(out_pipe[1], 1);
		dup2(err_pipe[1], 2);
		if (!cwd.empty() && chdir(cwd.c_str()) != 0)
			_exit(126);
		execve(argv[0], argv.data(), envp.data());
		_exit(127);
	}
	close(out_pipe[1]);
	close(err_pipe[1]);
	fds_[0] = out_pipe[0];
	fds_[1] = err_pipe[0];
}

ClientProcess::~ClientProcess()
{
	for (int &fd : fds_)
		if (fd >= 0)
			close(fd);
	if (pid_ > 0) {
		kill(pid_, SIGKILL);
		waitpid(pid_, nullptr, 0);
	}
}

bool
ClientProcess::Read(int timeout_ms)
{
	struct pollfd fds[2] = {{fds_[0], POLLIN, 0}, {fds_[1], POLLIN, 0}};
	if (fds_[0] < 0 && fds_[1] < 0)
		return false;
	if (poll(fds, 2, timeout_ms) < 0)
		return errno == EINTR;
	std::string *sinks[2] = {&result_.out, &result_.err};
	for (int i = 0; i < 2; i++) {
		if (fds[i].fd < 0 || fds[i].revents == 0)
			continue;
		char buffer[4096];
		ssize_t n = read(fds[i].fd, buffer, sizeof buffer);
		if (n > 0) {
			sinks[i]->append(buffer, static_cast<std::size_t>(n));
		} else if (n == 0 || errno != EINTR) {
			/* end of file; a pty's master side reads EIO once the child's side is closed */
			close(fds_[i]);
			fds_[i] = -1;
		}
	}
	return fds_[0] >= 0 || fds_[1] >= 0;
}

bool
ClientProcess::Kill(int signal)
{
	return pid_ > 0 && kill(pid_, signal) == 0;
}

RunResult
ClientProcess::Finish()
{
	while (Read(-1)) {
	}
	int status = 0;
	if (pid_ > 0 && waitpid(pid_, &status, 0) == pid_) {
		result_.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
		result_.signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
	}
	pid_ = -1;
	return result_;
}

RunResult
RunClient(const std::vector<std::string> &args, const EnvChanges &env, const std::string &cwd, StderrTo stderr_to)
{
	return ClientProcess(args, env, cwd, stderr_to).Finish();
}

std::string
ReadFile(const std::string &path)
{
	std::ifstream file(path, std::ios::binary);
	std::stringstream ss;
	ss << file.rdbuf();
	return ss.str();
}

Db::Db(const std::string &conninfo)
{
	const char *keys[] = {"dbname", "fallback_application_name", nullptr};
	const char *values[] = {conninfo.empty() ? nullptr : conninfo.c_str(), "pg_migrate_tests", nullptr};
	conn_ = PQconnectdbParams(keys, values, 1);
	if (PQstatus(conn_) != CONNECTION_OK) {
		std::string message = PQerrorMessage(conn_);
		PQfinish(conn_);
		conn_ = nullptr;
		throw std::runtime_error("cannot connect to the test server (run the tests under pg_virtualenv): " + message);
	}
	PQsetNoticeProcessor(
	    conn_, [](void *, const char *) {}, nullptr);
}

Db::~Db()
{
	if (conn_ != nullptr)
		PQfinish(conn_);
}

std::vector<Row>
Db::Query(const std::string &sql, const std::vector<std::string> &params)
{
	std::vector<const char *> values;
	for (const auto &p : params)
		values.push_back(p.c_str());
	PGresult *res = PQexecParams(conn_, sql.c_str(), static_cast<int>(values.size()), nullptr,
	                             values.empty() ? nullptr : values.data(), nullptr, nullptr, 0);
	std::vector<Row> rows;
	ExecStatusType status = PQresultStatus(res);
	if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK) {
		ADD_FAILURE() << "query failed: " << sql << "\n" << PQerrorMessage(conn_);
		PQclear(res);
		return rows;
	}
	for (int r = 0; r < PQntuples(res); r++) {
		Row row;
		for (int c = 0; c < PQnfields(res); c++)
			row.push_back(PQgetisnull(res, r, c) ? std::nullopt : std::optional<std::string>(PQgetvalue(res, r, c)));
		rows.push_back(std::move(row));
	}
	PQclear(res);
	return rows;
}

std::string
Db::Scalar(const std::string &sql, const std::vector<std::string> &params)
{
	auto rows = Query(sql, params);
	if (rows.empty() || rows[0].empty() || !rows[0][0])
		return "";
	return *rows[0][0];
}

long
Db::Count(const std::string &sql, const std::vector<std::string> &params)
{
	std::string value = Scalar(sql, params);
	return value.empty() ? -1 : std::stol(value);
}

void
Db::Script(const std::string &sql)
{
	PGresult *res = PQexec(conn_, sql.c_str());
	ExecStatusType status = PQresultStatus(res);
	if (status != PGRES_TUPLES_OK && status != PGRES_COMMAND_OK)
		ADD_FAILURE() << "script failed:\n" << PQerrorMessage(conn_);
	PQclear(res);
}

std::string
Db::ErrorOf(const std::string &sql)
{
	PGresult *res = PQexec(conn_, sql.c_str());
	ExecStatusType status = PQresultStatus(res);
	const char *state = PQresultErrorField(res, PG_DIAG_SQLSTATE);
	std::string out = status == PGRES_TUPLES_OK || status == PGRES_COMMAND_OK ? "" : (state ? state : "?");
	PQclear(res);
	return out;
}

bool
Db::TableExists(const std::string &name)
{
	return Scalar("SELECT to_regclass($1) IS NOT NULL", {name}) == "t";
}

bool
ClientTest::Managed() const
{
	const char *mode = std::getenv("PG_MIGRATE_TEST_MODE");
	return mode != nullptr && std::string(mode) == "managed";
}

void
ClientTest::SetUp()
{
	static int counter = 0;
	db_name_ = "pgm_client_" + std::to_string(getpid()) + "_" + std::to_string(++counter);
	conninfo_ = "dbname=" + db_name_;
	Db admin("");
	if (!Managed()) {
		admin.Query("CREATE DATABASE " + db_name_);
		db_ = std::make_unique<Db>(conninfo_);
		admin_ = db_.get();
		if (WithExtension())
			db_->Query("CREATE EXTENSION pg_migrate");
		return;
	}
	owner_ = db_name_ + "_owner";
	admin.Query("CREATE ROLE " + owner_ + " LOGIN PASSWORD 'managed' NOSUPERUSER NOCREATEDB NOCREATEROLE");
	admin.Query("CREATE DATABASE " + db_name_ + " OWNER " + owner_);
	conninfo_ += " user=" + owner_ + " password=managed";
	/* set-up and checks as the owner too: what a test creates belongs to the role that migrates it */
	db_ = std::make_unique<Db>(conninfo_);
	superuser_ = std::make_unique<Db>("dbname=" + db_name_);
	admin_ = superuser_.get();
	if (WithExtension()) {
		RunResult r = RunClient({"--db", conninfo_, "install", "--no-extension"});
		ASSERT_EQ(r.exit_code, 0) << r.All();
	}
}

void
ClientTest::TearDown()
{
	admin_ = nullptr;
	superuser_.reset();
	db_.reset();
	Db admin("");
	admin.Query("DROP DATABASE IF EXISTS " + db_name_ + " WITH (FORCE)");
	if (!owner_.empty())
		admin.Query("DROP ROLE IF EXISTS " + owner_);
}

std::string
ClientTest::WriteMigration(const std::string &file, const std::string &content, const std::string &dir)
{
	return tmp_.Write(dir + "/" + file, content);
}

RunResult
ClientTest::Run(const std::vector<std::string> &args, const EnvChanges &env, StderrTo stderr_to)
{
	std::vector<std::string> full = {"--db", conninfo_};
	full.insert(full.end(), args.begin(), args.end());
	return RunClient(full, env, tmp_.Path(), stderr_to);
}

void
ClientTest::AllowCreatedb()
{
	if (Managed())
		admin_->Query("ALTER ROLE " + owner_ + " CREATEDB");
}

long
ClientTest::Registered()
{
	return db_->Count("SELECT count(*) FROM migrate.migrations");
}

long
ClientTest::HistoryRows()
{
	return db_->Count("SELECT count(*) FROM migrate.history");
}

} // namespace pgmtest
