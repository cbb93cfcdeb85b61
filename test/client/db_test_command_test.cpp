/*
 * `pg_migrate test`: the checks every history gets (whole history, round
 * trips, verify, reruns of no-transaction steps, lint) on fixture histories
 * that are right or wrong in one way each; user pg_regress tests and lock
 * specs; --keep, --accept, JSON; the scratch databases are always dropped
 * (also on SIGINT) and the URL's database is never touched.
 */
#include "harness.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <fcntl.h>
#include <filesystem>
#include <regex>
#include <set>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

using pgmtest::ClientTest;
using pgmtest::ParseStdout;
using pgmtest::RunResult;
using json = nlohmann::json;
namespace fs = std::filesystem;

namespace {

const char *const kUsers = "-- migrate:up\nCREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL);\n"
                           "-- migrate:down\nDROP TABLE users;\n";

/* The scratch databases a run created, from its -v lines. */
std::set<std::string>
CreatedDatabases(const RunResult &r)
{
	std::set<std::string> names;
	std::regex created("created scratch database (pg_migrate_test_[a-z0-9_]+)");
	for (std::sregex_iterator it(r.err.begin(), r.err.end(), created), end; it != end; ++it)
		names.insert((*it)[1]);
	return names;
}

class TestCommand : public ClientTest {
protected:
	RunResult
	RunTest(std::vector<std::string> args = {})
	{
		args.insert(args.begin(), {"-v", "test"});
		return Run(args);
	}
	/* Of the databases a run created, those that still exist. */
	std::set<std::string>
	Remaining(const RunResult &r)
	{
		std::set<std::string> left;
		for (const std::string &name : CreatedDatabases(r))
			if (db_->Count("SELECT count(*) FROM pg_database WHERE datname = $1", {name}) > 0)
				left.insert(name);
		return left;
	}
	void
	DropAll(const std::set<std::string> &names)
	{
		/* as the superuser: a session of the superuser's (checks) may still be ending */
		for (const std::string &name : names)
			admin_->Query("DROP DATABASE IF EXISTS \"" + name + "\" WITH (FORCE)");
	}
	void
	ExpectUrlDatabaseUntouched()
	{
		EXPECT_EQ(Registered(), 0);
		EXPECT_EQ(HistoryRows(), 0);
		EXPECT_EQ(db_->Count("SELECT count(*) FROM pg_class WHERE relnamespace = 'public'::regnamespace"), 0);
	}
};

TEST_F(TestCommand, CorrectHistoryPassesAndLeavesNothing)
{
	AllowCreatedb(); /* scratch databases (managed mode: as most managed services give the owner) */
	WriteMigration("0001_users.sql", kUsers);
	WriteMigration("0002_email_index.sql", "-- migrate:up\nCREATE INDEX users_email ON users (email);\n"
	                                       "-- migrate:down\nDROP INDEX users_email;\n"
	                                       "-- migrate:verify\nSELECT 1 FROM users LIMIT 0;\n");
	WriteMigration("0003_orders.sql", "CREATE TABLE orders (id bigint PRIMARY KEY);\n"); /* no down: listed */
	RunResult r = RunTest();
	EXPECT_EQ(r.exit_code, 0) << r.All();
	EXPECT_NE(r.out.find("ok history 3 migrations from empty: fingerprint "), std::string::npos) << r.out;
	EXPECT_NE(r.out.find("ok roundtrip schema 0001_users"), std::string::npos) << r.out;
	EXPECT_NE(r.out.find("ok roundtrip schema 0002_email_index"), std::string::npos) << r.out;
	EXPECT_NE(r.out.find("ok verify schema 0002_email_index"), std::string::npos) << r.out;
	EXPECT_NE(r.out.find("skipped roundtrip schema 0003_orders (./migrations/0003_orders.sql): no down section"),
	          std::string::npos)
	    << r.out;
	EXPECT_NE(r.out.find("ok lint 3 files"), std::string::npos) << r.out;
	EXPECT_NE(r.out.find(" passed, 0 failed"), std::string::npos) << r.out;
	EXPECT_FALSE(CreatedDatabases(r).empty()) << r.err;
	EXPECT_TRUE(Remaining(r).empty());
	ExpectUrlDatabaseUntouched();

	/* the fingerprint is the one a deploy of the same files produces */
	json doc = ParseStdout(Run({"--format", "json", "test"}));
	ASSERT_EQ(Run({"deploy"}).exit_code, 0);
	EXPECT_EQ(doc["fingerprint"], db_->Scalar("SELECT migrate.fingerprint()"));
	EXPECT_EQ(doc["failed"], 0);
	EXPECT_EQ(doc["skipped"], 1);
}

TEST_F(TestCommand, DownThatForgetsAnIndexFails)
{
	AllowCreatedb(); /* scratch databases (managed mode: as most managed services give the owner) */
	WriteMigration("0001_users.sql", kUsers);
	WriteMigration("0002_orders.sql", "-- migrate:up\nCREATE TABLE orders (id bigint PRIMARY KEY);\n"
	                                  "CREATE INDEX users_email ON users (email);\n"
	                                  "-- migrate:down\nDROP TABLE orders;\n");
	WriteMigration("0003_items.sql",
	               "-- migrate:up\nCREATE TABLE items (id bigint);\n-- migrate:down\nDROP TABLE items;\n");
	RunResult r = RunTest();
	EXPECT_EQ(r.exit_code, 1) << r.All();
	EXPECT_NE(r.out.find("FAILED roundtrip schema 0002_orders (./migrations/0002_orders.sql): after its down section "
	                     "the schema differs from before its up: index public.users_email"),
	          std::string::npos)
	    << r.out;
	EXPECT_NE(r.out.find("+CREATE INDEX users_email ON public.users USING btree (email)"), std::string::npos) << r.out;
	/* the walk goes on after the failure */
	EXPECT_NE(r.out.find("ok roundtrip schema 0003_items"), std::string::npos) << r.out;
	EXPECT_NE(r.out.find(" passed, 1 failed"), std::string::npos) << r.out;
	EXPECT_TRUE(Remaining(r).empty());
	ExpectUrlDatabaseUntouched();
}

TEST_F(TestCommand, DownThatDropsAColumnTheUpDidNotAddFails)
{
	AllowCreatedb(); /* scratch databases (managed mode: as most managed services give the owner) */
	WriteMigration("0001_users.sql", kUsers);
	WriteMigration("0002_phone.sql", "-- migrate:up\nALTER TABLE users ADD COLUMN phone text;\n"
	                                 "-- migrate:down\nALTER TABLE users DROP COLUMN phone;\n"
	                                 "ALTER TABLE users DROP COLUMN email;\n");
	RunResult r = RunTest();
	EXPECT_EQ(r.exit_code, 1) << r.All();
	EXPECT_NE(r.out.find("FAILED roundtrip schema 0002_phone (./migrations/0002_phone.sql): after its down section the "
	                     "schema differs from before its up: table public.users"),
	          std::string::npos)
	    << r.out;
	EXPECT_NE(r.out.find("-(id bigint not null, email text not null)"), std::string::npos) << r.out;
	EXPECT_NE(r.out.find("+(id bigint not null)"), std::string::npos) << r.out;
	EXPECT_TRUE(Remaining(r).empty());
}

TEST_F(TestCommand, FailingVerifyFails)
{
	AllowCreatedb(); /* scratch databases (managed mode: as most managed services give the owner) */
	WriteMigration("0001_users.sql", kUsers);
	WriteMigration("0002_check.sql", "-- migrate:up\nCREATE TABLE audit (id bigint);\n"
	                                 "-- migrate:verify\nSELECT count(*) = 1 FROM audit;\n");
	RunResult r = RunTest();
	EXPECT_EQ(r.exit_code, 1) << r.All();
	EXPECT_NE(r.out.find("FAILED verify schema 0002_check (./migrations/0002_check.sql): its verify section fails "
	                     "right after its up"),
	          std::string::npos)
	    << r.out;
	EXPECT_NE(r.out.find("ERROR:  verify statement 1 returned false"), std::string::npos) << r.out;
	EXPECT_NE(r.out.find("FAILED history 2 migrations from empty: migration schema 0002_check fails"),
	          std::string::npos)
	    << r.out;
	EXPECT_TRUE(Remaining(r).empty());
}

TEST_F(TestCommand, NoTransactionStepThatIsNotIdempotentFails)
{
	AllowCreatedb(); /* scratch databases (managed mode: as most managed services give the owner) */
	WriteMigration("0001_users.sql", kUsers);
	WriteMigration("0002_email_index.sql", "-- migrate:no-transaction\n"
	                                       "CREATE INDEX CONCURRENTLY users_email ON users (email);\n");
	WriteMigration("0003_name_index.sql", "-- migrate:no-transaction\n"
	                                      "CREATE INDEX CONCURRENTLY IF NOT EXISTS users_id ON users (id);\n");
	RunResult r = RunTest();
	EXPECT_EQ(r.exit_code, 1) << r.All();
	EXPECT_NE(r.out.find("FAILED rerun schema 0002_email_index (./migrations/0002_email_index.sql): running its "
	                     "statements a second time fails"),
	          std::string::npos)
	    << r.out;
	EXPECT_NE(r.out.find("relation \"users_email\" already exists"), std::string::npos) << r.out;
	EXPECT_NE(r.out.find("ok rerun schema 0003_name_index"), std::string::npos) << r.out;
	EXPECT_TRUE(Remaining(r).empty());
}

TEST_F(TestCommand, UserTestWithWrongExpectedFileFailsWithTheDiff)
{
	AllowCreatedb(); /* scratch databases (managed mode: as most managed services give the owner) */
	WriteMigration("0001_users.sql", kUsers);
	WriteMigration("0002_name.sql", "-- migrate:up\nALTER TABLE users ADD COLUMN name text;\n"
	                                "UPDATE users SET name = split_part(email, '@', 1) WHERE name IS NULL;\n"
	                                "-- migrate:down\nALTER TABLE users DROP COLUMN name;\n");
	tmp_.Write("tests/migrations/sql/name.sql", "-- migrate:test before=schema:0001 after=schema:0002\n"
	                                            "INSERT INTO users VALUES (1, 'ann@example.com');\n"
	                                            "-- migrate:apply\n"
	                                            "SELECT name FROM users;\n");
	RunResult r = RunTest();
	EXPECT_EQ(r.exit_code, 1) << r.All();
	EXPECT_NE(r.out.find("FAILED test name (tests/migrations/sql/name.sql): no expected/name.out yet"),
	          std::string::npos)
	    << r.out;

	r = RunTest({"--accept"});
	EXPECT_EQ(r.exit_code, 0) << r.All();
	std::string expected = pgmtest::ReadFile(tmp_.Path() + "/tests/migrations/expected/name.out");
	EXPECT_NE(expected.find(" schema | 0002    | name | applied"), std::string::npos) << expected;
	EXPECT_NE(expected.find(" ann\n"), std::string::npos) << expected;
	EXPECT_EQ(RunTest().exit_code, 0);

	std::string wrong = std::regex_replace(expected, std::regex(" ann\n"), " bob\n");
	tmp_.Write("tests/migrations/expected/name.out", wrong);
	r = RunTest();
	EXPECT_EQ(r.exit_code, 1) << r.All();
	EXPECT_NE(r.out.find("FAILED test name (tests/migrations/sql/name.sql): the output differs from "
	                     "expected/name.out (pg_regress exit 1)"),
	          std::string::npos)
	    << r.out;
	EXPECT_NE(r.out.find("    - bob\n    + ann\n"), std::string::npos) << r.out;
	std::string diffs = pgmtest::ReadFile(tmp_.Path() + "/tests/migrations/regression.diffs");
	EXPECT_NE(diffs.find("+ ann"), std::string::npos) << diffs;
	EXPECT_TRUE(fs::exists(tmp_.Path() + "/tests/migrations/results/name.out"));
	EXPECT_TRUE(Remaining(r).empty());
	ExpectUrlDatabaseUntouched();
}

TEST_F(TestCommand, KeepKeepsExactlyTheFailingDatabases)
{
	AllowCreatedb(); /* scratch databases (managed mode: as most managed services give the owner) */
	WriteMigration("0001_users.sql", kUsers);
	WriteMigration("0002_orders.sql",
	               "-- migrate:up\nCREATE TABLE orders (id bigint);\nCREATE TABLE leftover (id int);\n"
	               "-- migrate:down\nDROP TABLE orders;\n");
	tmp_.Write("tests/migrations/sql/fine.sql",
	           "-- migrate:test after=schema:0001\n-- migrate:apply\nSELECT 1 AS one;\n");
	tmp_.Write("tests/migrations/sql/broken.sql", "-- migrate:test after=schema:0002\n-- migrate:apply\nSELECT 2;\n");
	tmp_.Write("tests/migrations/expected/broken.out", "something else\n");
	ASSERT_EQ(RunTest({"--accept"}).exit_code, 1); /* fine.out written; the round trip still fails */
	tmp_.Write("tests/migrations/expected/broken.out", "something else\n");

	RunResult r = RunTest({"--keep", "--format", "json"});
	EXPECT_EQ(r.exit_code, 1) << r.All();
	json doc = ParseStdout(r);
	EXPECT_EQ(doc["failed"], 2) << doc.dump(2);
	std::set<std::string> kept;
	for (const json &name : doc["kept"])
		kept.insert(name.get<std::string>());
	std::set<std::string> remaining = Remaining(r);
	EXPECT_EQ(remaining, kept);
	ASSERT_EQ(kept.size(), 2u) << r.err;
	for (const std::string &name : kept)
		EXPECT_NE(r.err.find("kept for inspection: " + name), std::string::npos) << r.err;
	/* the round trip's database is kept as the failure left it: the down ran, the leftover is there */
	std::string walk_db;
	for (const json &t : doc["tests"])
		if (t["kind"] == "roundtrip" && t["status"] == "failed")
			walk_db = t["database"].get<std::string>();
	ASSERT_FALSE(walk_db.empty()) << doc.dump(2);
	{
		pgmtest::Db walk("dbname=" + walk_db);
		EXPECT_TRUE(walk.TableExists("leftover"));
		EXPECT_FALSE(walk.TableExists("orders"));
	}
	DropAll(kept);
	ExpectUrlDatabaseUntouched();
}

TEST_F(TestCommand, InterruptDropsEveryScratchDatabase)
{
	AllowCreatedb(); /* scratch databases (managed mode: as most managed services give the owner) */
	WriteMigration("0001_users.sql", kUsers);
	WriteMigration("0002_slow.sql", "-- migrate:up\nSELECT pg_sleep(60);\n");
	int err_pipe[2];
	ASSERT_EQ(pipe(err_pipe), 0);
	pid_t child = fork();
	if (child == 0) {
		dup2(err_pipe[1], STDERR_FILENO);
		close(err_pipe[0]);
		int null = open("/dev/null", O_WRONLY);
		dup2(null, STDOUT_FILENO);
		if (chdir(tmp_.Path().c_str()) != 0)
			_exit(126);
		execl(PG_MIGRATE_BIN, PG_MIGRATE_BIN, "--db", conninfo_.c_str(), "-v", "test", static_cast<char *>(nullptr));
		_exit(127);
	}
	close(err_pipe[1]);
	/* wait until the slow migration runs in a scratch database */
	auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
	/* the extension runs it inside migrate.apply(); in managed mode the client's engine sends the statement itself */
	while (db_->Count("SELECT count(*) FROM pg_stat_activity WHERE (query LIKE '%migrate.apply%' OR query LIKE "
	                  "'%pg_sleep(60)%') AND datname LIKE 'pg_migrate_test_%' AND wait_event = 'PgSleep'") == 0 &&
	       std::chrono::steady_clock::now() < deadline)
		std::this_thread::sleep_for(std::chrono::milliseconds(50));
	auto interrupted = std::chrono::steady_clock::now();
	kill(child, SIGINT);
	RunResult r;
	char buffer[4096];
	ssize_t n;
	while ((n = read(err_pipe[0], buffer, sizeof buffer)) > 0)
		r.err.append(buffer, static_cast<std::size_t>(n));
	close(err_pipe[0]);
	int status = 0;
	waitpid(child, &status, 0);
	EXPECT_TRUE(WIFEXITED(status)) << r.err;
	EXPECT_EQ(WEXITSTATUS(status), 130) << r.err;
	EXPECT_LT(std::chrono::steady_clock::now() - interrupted, std::chrono::seconds(10));
	EXPECT_NE(r.err.find("interrupted; scratch databases dropped"), std::string::npos) << r.err;
	EXPECT_FALSE(CreatedDatabases(r).empty()) << r.err;
	EXPECT_TRUE(Remaining(r).empty());
	ExpectUrlDatabaseUntouched();
}

TEST_F(TestCommand, NeedsCreatedb)
{
	WriteMigration("0001_users.sql", kUsers);
	RunResult r;
	if (Managed()) {
		/* the database's owner, as a managed service makes it: no CREATEDB (AllowCreatedb not called) */
		r = Run({"test"});
	} else {
		admin_->Query("DROP ROLE IF EXISTS pgm_test_nocreatedb");
		admin_->Query("CREATE ROLE pgm_test_nocreatedb LOGIN PASSWORD 'pw' NOCREATEDB");
		r = Run({"test"}, {{"PGUSER", std::string("pgm_test_nocreatedb")}, {"PGPASSWORD", std::string("pw")}});
		admin_->Query("DROP ROLE pgm_test_nocreatedb");
	}
	EXPECT_EQ(r.exit_code, 3) << r.All();
	EXPECT_NE(r.err.find("needs CREATEDB"), std::string::npos) << r.All();
	ExpectUrlDatabaseUntouched();
}

/* examples/testing: the walkthrough of each kind of test, as the README shows it. */
class TestExamples : public TestCommand {
protected:
	std::string
	CopyExample(const std::string &name)
	{
		fs::path source = fs::path(__FILE__).parent_path().parent_path().parent_path() / "examples" / "testing" / name;
		fs::path dest = fs::path(tmp_.Path()) / "example";
		fs::create_directories(dest);
		fs::copy(source, dest, fs::copy_options::recursive);
		return dest.string();
	}
};

TEST_F(TestExamples, WalkthroughPasses)
{
	AllowCreatedb(); /* scratch databases (managed mode: as most managed services give the owner) */
	std::string dir = CopyExample("");
	RunResult r = RunTest({"--dir", dir + "/migrations", "--tests", dir + "/tests/migrations"});
	EXPECT_EQ(r.exit_code, 0) << r.All();
	EXPECT_NE(r.out.find("ok test email_lower"), std::string::npos) << r.out;
	EXPECT_NE(r.out.find("ok test unique_email"), std::string::npos) << r.out;
	EXPECT_NE(r.out.find("ok spec index_locks"), std::string::npos) << r.out;
	EXPECT_NE(r.out.find("ok rerun schema 20260105120000_users_name_index_concurrently"), std::string::npos) << r.out;
	/* the expected files say what the issue promises: the duplicate's error, the writer waiting only for the plain
	 * build */
	std::string unique = pgmtest::ReadFile(dir + "/tests/migrations/expected/unique_email.out");
	EXPECT_NE(unique.find("ERROR:  could not create unique index \"users_email_lower_key\""), std::string::npos);
	std::string locks = pgmtest::ReadFile(dir + "/tests/migrations/expected/index_locks.out");
	EXPECT_NE(locks.find("step app_insert: INSERT INTO users (id, email) VALUES (1, 'ann@example.com'); <waiting ...>"),
	          std::string::npos)
	    << locks;
	EXPECT_EQ(locks.find("app_insert_more: INSERT INTO users (id, email) VALUES (2, 'bob@example.com'); <waiting"),
	          std::string::npos)
	    << locks;
	EXPECT_TRUE(Remaining(r).empty());
}

TEST_F(TestExamples, BrokenDownIsCaught)
{
	AllowCreatedb(); /* scratch databases (managed mode: as most managed services give the owner) */
	std::string dir = CopyExample("broken-down");
	RunResult r = RunTest({"--dir", dir + "/migrations"});
	EXPECT_EQ(r.exit_code, 1) << r.All();
	EXPECT_NE(r.out.find("FAILED roundtrip schema 20260102120000_orders"), std::string::npos) << r.out;
	EXPECT_NE(r.out.find("index public.users_email"), std::string::npos) << r.out;
}

} // namespace
