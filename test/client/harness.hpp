/*
 * harness.hpp — running the real pg_migrate binary against a real server.
 *
 * The server is the one the PG* environment names (ctest runs under
 * pg_virtualenv). Every ClientTest gets its own fresh database with the
 * extension created, and its own temporary folder as working directory.
 */
#pragma once

#include "temp_dir.hpp"

#include <gtest/gtest.h>
#include <libpq-fe.h>

#include <map>
#include <memory>
#include <nlohmann/json.hpp>

#include <optional>
#include <sys/types.h>
#include <string>
#include <vector>

namespace pgmtest {

struct RunResult {
	int exit_code = -1; /* 128 + the signal when one ended it */
	int signal = 0;     /* the signal that ended it, 0 when it exited */
	std::string out, err;
	std::string
	All() const
	{
		return out + err;
	}
};

/* stdout parsed as the one JSON document --format json promises; a test failure (and {}) when it is not. */
nlohmann::json ParseStdout(const RunResult &r);

/* Environment changes for the child: a value sets, nullopt unsets. */
using EnvChanges = std::map<std::string, std::optional<std::string>>;

/* Where the child's stderr goes: a pipe, or a pseudo-terminal (24 x 200) as an interactive user's would. */
enum class StderrTo { kPipe, kTerminal };

/*
 * A running pg_migrate with args in cwd: the constructor starts it, Read
 * collects its stdout and stderr as they come, Finish reads them to their
 * end and reaps it. DATABASE_URL and SKIP_INDEX_MIGRATIONS are unset unless
 * env sets them. A child still running when the object goes (a failed
 * ASSERT) is killed and reaped.
 */
class ClientProcess {
public:
	ClientProcess(const std::vector<std::string> &args, const EnvChanges &env = {}, const std::string &cwd = "",
	              StderrTo stderr_to = StderrTo::kPipe);
	~ClientProcess();
	ClientProcess(const ClientProcess &) = delete;
	ClientProcess &operator=(const ClientProcess &) = delete;

	/* Reads what arrives within timeout_ms (-1: until something does); false once both streams are closed. */
	bool Read(int timeout_ms);
	/* What it has written so far (out, err). */
	const RunResult &
	Output() const
	{
		return result_;
	}
	/* Sends signal to the child; false when it could not (already reaped). */
	bool Kill(int signal);
	/* Reads both streams to their end, waits for the child, and returns its output and how it ended. */
	RunResult Finish();

private:
	pid_t pid_ = -1;
	int fds_[2] = {-1, -1}; /* stdout, stderr (the terminal's master side for kTerminal) */
	RunResult result_;
};

/* Runs pg_migrate to its end (ClientProcess), capturing stdout, stderr and the exit code. */
RunResult RunClient(const std::vector<std::string> &args, const EnvChanges &env = {}, const std::string &cwd = "",
                    StderrTo stderr_to = StderrTo::kPipe);

std::string ReadFile(const std::string &path);

using Row = std::vector<std::optional<std::string>>;

/* A small libpq connection for setting up and checking database state. */
class Db {
public:
	explicit Db(const std::string &conninfo); /* "" = the PG* defaults */
	~Db();
	Db(const Db &) = delete;
	Db &operator=(const Db &) = delete;
	/* Runs sql; fails the test (and returns no rows) on error. */
	std::vector<Row> Query(const std::string &sql, const std::vector<std::string> &params = {});
	/* First column of the first row; "" for NULL or no row. */
	std::string Scalar(const std::string &sql, const std::vector<std::string> &params = {});
	long Count(const std::string &sql, const std::vector<std::string> &params = {});
	/* Runs a script of several statements (as psql -f would, in one implicit transaction); fails the test on error. */
	void Script(const std::string &sql);
	/* Runs sql and returns the error's SQLSTATE ("" when it succeeded). */
	std::string ErrorOf(const std::string &sql);
	bool TableExists(const std::string &name);

private:
	PGconn *conn_;
};

class ClientTest : public ::testing::Test {
protected:
	void SetUp() override;
	void TearDown() override;
	/* Override to get a database without the extension. */
	virtual bool
	WithExtension() const
	{
		return true;
	}
	/*
	 * Override (or set PG_MIGRATE_TEST_MODE=managed for every test) to get a
	 * database as a managed service gives it: owned by a role that is no
	 * superuser and may not create databases (so neither CREATE EXTENSION
	 * pg_migrate nor event triggers), its catalog made by install
	 * --no-extension; the client connects as that role.
	 */
	virtual bool Managed() const;

	/* Writes dir/file in the temporary folder (dir "migrations" by default). */
	std::string WriteMigration(const std::string &file, const std::string &content,
	                           const std::string &dir = "migrations");
	/* Runs pg_migrate --db <this test's database> args..., in the temporary folder. */
	RunResult Run(const std::vector<std::string> &args, const EnvChanges &env = {},
	              StderrTo stderr_to = StderrTo::kPipe);
	/*
	 * Managed mode only: gives the owner CREATEDB, as the main user of most
	 * managed services has it (pg_migrate test, diff --against-folder need it).
	 */
	void AllowCreatedb();
	/* Number of rows in migrate.migrations / migrate.history. */
	long Registered();
	long HistoryRows();

	std::string db_name_;
	std::string conninfo_; /* "dbname=<db_name_>"; host, port, user, password from PG*; the owner's when Managed() */
	std::string owner_;    /* the database's owner role when Managed() */
	std::unique_ptr<Db> db_;
	/* The superuser on this test's database (roles, server settings, pg_config); db_ itself when not Managed(). */
	Db *admin_ = nullptr;
	TempDir tmp_;

private:
	std::unique_ptr<Db> superuser_;
};

/* Ends a test that exercises what only the extension has (the background runner, its SQL API). */
#define SKIP_WHEN_MANAGED(why)                                                                                         \
	do {                                                                                                               \
		if (Managed())                                                                                                 \
			GTEST_SKIP() << "extension only: " << why;                                                                 \
	} while (0)

} // namespace pgmtest
