/*
 * The trust boundary end to end: an EXECUTE-only role that registers or
 * repairs migration text never gets it run by an admin's pg_migrate, and the
 * background runner's waits, failures, retries and timeouts as deploy sees
 * them.
 */
#include "harness.hpp"

#include "checksum.hpp"

#include <atomic>
#include <chrono>
#include <cstdio>
#include <set>
#include <thread>

using pgmtest::ClientTest;
using pgmtest::Db;
using pgmtest::RunResult;
using Clock = std::chrono::steady_clock;

namespace {

std::string
Version(int n)
{
	char buffer[16];
	std::snprintf(buffer, sizeof buffer, "%04d", n);
	return buffer;
}

long
MillisecondsSince(Clock::time_point start)
{
	return static_cast<long>(std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - start).count());
}

/* A test database plus an EXECUTE-only role "eve" (the README's deployer grant) that may attack it. */
class Trust : public ClientTest {
protected:
	void
	SetUp() override
	{
		ClientTest::SetUp();
		eve_ = db_name_ + "_eve";
		admin_->Query("CREATE ROLE " + eve_ + " LOGIN PASSWORD 'eve-secret'");
		db_->Query("GRANT USAGE ON SCHEMA migrate TO " + eve_);
		db_->Query("GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA migrate TO " + eve_);
		db_->Query("GRANT CREATE ON SCHEMA public TO " + eve_);
		eve_conninfo_ = conninfo_ + " user=" + eve_ + " password=eve-secret";
		/* a sequence Eve owns: nextval() survives a rolled-back transaction, so it shows whether her SQL ran at all */
		Db eve(eve_conninfo_);
		eve.Query("CREATE SEQUENCE eve_ran");
	}
	void
	TearDown() override
	{
		ClientTest::TearDown();
		Db admin("");
		admin.Query("DROP ROLE IF EXISTS " + eve_);
	}

	bool
	EveIsSuperuser()
	{
		return db_->Scalar("SELECT rolsuper::text FROM pg_roles WHERE rolname = $1", {eve_}) == "true";
	}
	/* how often Eve's SQL ran (her sequence's last value; 0 = never) */
	long
	EveRan()
	{
		return admin_->Count("SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM eve_ran");
	}
	/* SQL that, run by anyone, leaves a trace: Eve's sequence advances, and as a superuser she becomes one */
	std::string
	EvilSql(const std::string &table)
	{
		return "SELECT nextval('public.eve_ran');\nCREATE TABLE " + table + " (id int);\nALTER ROLE " + eve_ +
		       " SUPERUSER;\n";
	}
	/* migrate.register() as Eve; "" or the SQLSTATE of the refusal */
	std::string
	EveRegisters(Db &eve, const std::string &version, const std::string &name, const std::string &script)
	{
		return eve.ErrorOf("SELECT migrate.register('schema', '" + version + "', '" + name + "', $evil$" + script +
		                   "$evil$)");
	}

	std::string
	State(const std::string &version)
	{
		return db_->Scalar("SELECT state FROM migrate.migrations WHERE version = $1", {version});
	}
	/* waits (bounded) until the runner has nothing queued or running */
	void
	WaitIdle()
	{
		for (int i = 0; i < 300; i++) {
			if (db_->Count("SELECT count(*) FROM migrate.migrations WHERE state IN ('queued', 'running')") == 0)
				return;
			std::this_thread::sleep_for(std::chrono::milliseconds(100));
		}
		ADD_FAILURE() << "runner still busy after 30 s";
	}
	/* waits (bounded) until migrate.status() says version is in state */
	bool
	WaitStatus(const std::string &version, const std::string &state, int seconds = 30)
	{
		auto deadline = Clock::now() + std::chrono::seconds(seconds);
		while (Clock::now() < deadline) {
			if (db_->Scalar("SELECT state FROM migrate.status() WHERE version = $1", {version}) == state)
				return true;
			std::this_thread::sleep_for(std::chrono::milliseconds(20));
		}
		return false;
	}

	std::string eve_, eve_conninfo_;
};

/* 1. Eve keeps re-registering the pending migration while the admin deploys: her text never runs. */
TEST_F(Trust, ConcurrentReRegisteringNeverRunsForeignContent)
{
	SKIP_WHEN_MANAGED("Eve attacks through the extension's register(); a managed catalog has no function she may call");
	std::atomic<bool> stop{false};
	std::atomic<int> round{0};
	std::atomic<long> attempts{0};
	std::thread attacker([&] {
		Db eve(eve_conninfo_);
		while (!stop.load()) {
			int n = round.load();
			if (n == 0) {
				std::this_thread::sleep_for(std::chrono::milliseconds(1));
				continue;
			}
			EveRegisters(eve, Version(n), "round", EvilSql("pwned_" + std::to_string(n)));
			/* odd rounds as fast as she can, even ones at an uneven pace: deploys land both between and on her
			 * registrations */
			if (n % 2 == 0)
				std::this_thread::sleep_for(std::chrono::milliseconds(attempts % 5 * 4));
			attempts++;
		}
	});

	int applied = 0, refused = 0;
	for (int n = 1; n <= 10; n++) {
		std::string file =
		    WriteMigration(Version(n) + "_round.sql", "CREATE TABLE admin_" + std::to_string(n) + " (id int);\n");
		round = n;
		RunResult r = Run({"deploy"});
		SCOPED_TRACE("round " + std::to_string(n) + ": " + r.All());
		ASSERT_TRUE(r.exit_code == 0 || r.exit_code == 4) << r.All();
		if (r.exit_code == 4) {
			refused++;
			std::printf("round %d refused: %s\n", n, r.err.substr(0, r.err.find('\n')).c_str());
			EXPECT_TRUE(r.err.find("MG001") != std::string::npos || r.err.find("MG010") != std::string::npos) << r.err;
		} else {
			applied++;
			EXPECT_TRUE(db_->TableExists("admin_" + std::to_string(n)));
			EXPECT_EQ(State(Version(n)), "applied");
		}
		EXPECT_FALSE(db_->TableExists("pwned_" + std::to_string(n)));
		EXPECT_FALSE(EveIsSuperuser());
		EXPECT_EQ(EveRan(), 0);
		/* whatever is applied is the admin's file, byte for byte */
		for (int k = 1; k <= n; k++) {
			if (State(Version(k)) != "applied")
				continue;
			std::string file_text = pgmtest::ReadFile(tmp_.Path() + "/migrations/" + Version(k) + "_round.sql");
			EXPECT_EQ(db_->Scalar("SELECT checksum FROM migrate.migrations WHERE version = $1", {Version(k)}),
			          pgmigrate::client::Sha256Hex(file_text))
			    << Version(k);
		}
	}
	stop = true;
	attacker.join();
	EXPECT_GT(attempts.load(), 10) << "the attacker hardly ran";
	std::printf("concurrent rounds: %d applied, %d refused, %ld registrations by the attacker\n", applied, refused,
	            attempts.load());

	/* the attack over, one more deploy applies everything the folder has, as the admin wrote it */
	RunResult r = Run({"deploy"});
	EXPECT_EQ(r.exit_code, 0) << r.All();
	for (int n = 1; n <= 10; n++) {
		EXPECT_TRUE(db_->TableExists("admin_" + std::to_string(n))) << n;
		EXPECT_FALSE(db_->TableExists("pwned_" + std::to_string(n))) << n;
	}
	EXPECT_EQ(db_->Count("SELECT count(*) FROM migrate.migrations WHERE state = 'applied'"), 10);
	EXPECT_FALSE(EveIsSuperuser());
	EXPECT_EQ(EveRan(), 0);
}

/* 1b. Eve registered other content for a version the admin's folder has: the admin's file replaces it. */
TEST_F(Trust, ForeignContentForAFolderVersionIsReplacedByTheFile)
{
	SKIP_WHEN_MANAGED("Eve attacks through the extension's register(); a managed catalog has no function she may call");
	{
		Db eve(eve_conninfo_);
		ASSERT_EQ(EveRegisters(eve, "0001", "users", EvilSql("pwned")), "");
	}
	EXPECT_EQ(db_->Scalar("SELECT registered_by FROM migrate.migrations WHERE version = '0001'"), eve_);
	WriteMigration("0001_users.sql", "CREATE TABLE users (id int);\n");
	RunResult r = Run({"--format", "json", "deploy"});
	ASSERT_EQ(r.exit_code, 0) << r.All();
	auto doc = pgmtest::ParseStdout(r);
	ASSERT_EQ(doc["uploaded"].size(), 1u) << doc.dump(2);
	EXPECT_EQ(doc["uploaded"][0]["outcome"], "updated") << doc.dump(2);
	ASSERT_EQ(doc["applied"].size(), 1u) << doc.dump(2);
	EXPECT_EQ(doc["applied"][0]["outcome"], "applied");
	EXPECT_TRUE(db_->TableExists("users"));
	EXPECT_FALSE(db_->TableExists("pwned"));
	EXPECT_FALSE(EveIsSuperuser());
	EXPECT_EQ(EveRan(), 0);
	EXPECT_EQ(db_->Scalar("SELECT checksum FROM migrate.migrations WHERE version = '0001'"),
	          pgmigrate::client::Sha256Hex("CREATE TABLE users (id int);\n"));
	EXPECT_NE(db_->Scalar("SELECT registered_by FROM migrate.migrations WHERE version = '0001'"), eve_);
}

/* 2. A migration only Eve registered, in no folder, is not applied by a folder deploy, not even knowingly. */
TEST_F(Trust, ServerOnlyMigrationIsRefused)
{
	SKIP_WHEN_MANAGED("Eve attacks through the extension's register(); a managed catalog has no function she may call");
	{
		Db eve(eve_conninfo_);
		ASSERT_EQ(EveRegisters(eve, "0002", "grab", EvilSql("pwned")), "");
	}
	WriteMigration("0001_users.sql", "CREATE TABLE users (id int);\n");
	RunResult r = Run({"deploy"});
	EXPECT_EQ(r.exit_code, 4) << r.All();
	EXPECT_NE(r.err.find("MG009"), std::string::npos) << r.err;
	EXPECT_NE(r.err.find("0002"), std::string::npos) << r.err;
	EXPECT_NE(r.err.find("grab"), std::string::npos) << r.err;
	/* refused as a whole, before anything ran */
	EXPECT_FALSE(db_->TableExists("users"));
	EXPECT_EQ(State("0002"), "pending");

	r = Run({"deploy", "--include-server-only"});
	EXPECT_EQ(r.exit_code, 4) << r.All();
	EXPECT_NE(r.err.find("MG010"), std::string::npos) << r.err;
	EXPECT_NE(r.err.find(eve_), std::string::npos) << r.err;
	EXPECT_FALSE(db_->TableExists("users"));
	EXPECT_FALSE(db_->TableExists("pwned"));
	EXPECT_FALSE(EveIsSuperuser());
	EXPECT_EQ(EveRan(), 0);
	EXPECT_EQ(State("0002"), "pending");
	EXPECT_EQ(db_->Count("SELECT count(*) FROM migrate.history WHERE version = '0002'"), 0);
}

class TrustRollback : public Trust {
protected:
	static constexpr const char *kWidgets = "CREATE TABLE widgets (id int);\n"
	                                        "-- migrate:down\nDROP TABLE widgets;\n"
	                                        "-- migrate:verify\nSELECT count(*) >= 0 FROM widgets;\n";
	void
	SetUp() override
	{
		Trust::SetUp();
		WriteMigration("0001_widgets.sql", kWidgets);
		RunResult r = Run({"deploy"});
		ASSERT_EQ(r.exit_code, 0) << r.All();
		ASSERT_TRUE(db_->TableExists("widgets"));
		other_dir_ = tmp_.Write("elsewhere/README", "no migrations folder here\n");
		other_dir_ = other_dir_.substr(0, other_dir_.rfind('/'));
	}
	/* pg_migrate run where there is no migrations folder: only the server's checks apply */
	RunResult
	RunWithoutFolder(const std::vector<std::string> &args)
	{
		std::vector<std::string> full = {"--db", conninfo_};
		full.insert(full.end(), args.begin(), args.end());
		return pgmtest::RunClient(full, {}, other_dir_);
	}
	void
	ExpectNothingRolledBack()
	{
		EXPECT_TRUE(db_->TableExists("widgets"));
		EXPECT_EQ(State("0001"), "applied");
		EXPECT_EQ(db_->Count("SELECT count(*) FROM migrate.history WHERE action = 'rollback'"), 0);
	}
	std::string other_dir_;
};

/* 3. Eve repairs the down and verify sections of an applied migration: the admin's rollback and verify refuse. */
TEST_F(TrustRollback, RepairedDownAndVerifyByAttackerAreNotRun)
{
	SKIP_WHEN_MANAGED("Eve attacks through the extension's repair(); a managed catalog has no function she may call");
	{
		Db eve(eve_conninfo_);
		EXPECT_EQ(eve.ErrorOf("SELECT migrate.repair('schema', '0001', $evil$CREATE TABLE widgets (id int);\n"
		                      "-- migrate:down\n" +
		                      EvilSql("pwned") +
		                      "DROP TABLE widgets;\n-- migrate:verify\nSELECT nextval('public.eve_ran') > 0;\n$evil$)"),
		          "");
	}
	ASSERT_EQ(db_->Scalar("SELECT registered_by FROM migrate.migrations WHERE version = '0001'"), eve_);

	/* with the folder: its file differs from the server's copy, and the server refuses Eve's text */
	RunResult r = Run({"rollback"});
	EXPECT_EQ(r.exit_code, 4) << r.All();
	EXPECT_TRUE(r.err.find("MG010") != std::string::npos || r.err.find("MG001") != std::string::npos) << r.err;
	ExpectNothingRolledBack();
	/* without a folder: the server alone refuses it */
	r = RunWithoutFolder({"rollback"});
	EXPECT_EQ(r.exit_code, 4) << r.All();
	EXPECT_NE(r.err.find("MG010"), std::string::npos) << r.err;
	ExpectNothingRolledBack();

	r = Run({"verify"});
	EXPECT_EQ(r.exit_code, 4) << r.All();
	EXPECT_TRUE(r.err.find("MG010") != std::string::npos || r.err.find("MG001") != std::string::npos) << r.err;
	r = RunWithoutFolder({"verify"});
	EXPECT_EQ(r.exit_code, 4) << r.All();
	EXPECT_NE(r.err.find("MG010"), std::string::npos) << r.err;

	EXPECT_FALSE(db_->TableExists("pwned"));
	EXPECT_FALSE(EveIsSuperuser());
	EXPECT_EQ(EveRan(), 0);

	/* the admin repairs it back from the file; then rollback runs the file's down section */
	r = Run({"repair", "0001"});
	ASSERT_EQ(r.exit_code, 0) << r.All();
	r = Run({"rollback"});
	EXPECT_EQ(r.exit_code, 0) << r.All();
	EXPECT_FALSE(db_->TableExists("widgets"));
	EXPECT_FALSE(EveIsSuperuser());
	EXPECT_EQ(EveRan(), 0);
}

/* 3b. The admin edited the down section in the folder after applying: rollback with that folder refuses. */
TEST_F(TrustRollback, DownSectionEditedInTheFolderIsRefused)
{
	WriteMigration("0001_widgets.sql", "CREATE TABLE widgets (id int);\n"
	                                   "-- migrate:down\nDROP TABLE widgets;\nCREATE TABLE after_down (id int);\n"
	                                   "-- migrate:verify\nSELECT count(*) >= 0 FROM widgets;\n");
	RunResult r = Run({"rollback"});
	EXPECT_EQ(r.exit_code, 4) << r.All();
	EXPECT_NE(r.err.find("MG001"), std::string::npos) << r.err;
	EXPECT_NE(r.err.find("0001_widgets.sql"), std::string::npos) << r.err;
	ExpectNothingRolledBack();
	EXPECT_FALSE(db_->TableExists("after_down"));

	r = Run({"verify"});
	EXPECT_EQ(r.exit_code, 4) << r.All();
	EXPECT_NE(r.err.find("0001_widgets.sql"), std::string::npos) << r.err;
}

/* 4. A failed background step with another queued behind it: deploy reports it instead of waiting forever. */
TEST_F(Trust, DeployReportsFailedStepWithAnotherQueuedBehind)
{
	WriteMigration("0001_events.sql",
	               "CREATE TABLE events (id bigint PRIMARY KEY, kind text);\n"
	               "INSERT INTO events SELECT g, 'k' || (g % 10) FROM generate_series(1, 1000) g;\n");
	WriteMigration("0002_events_kind.sql",
	               "-- migrate:no-transaction\nCREATE UNIQUE INDEX CONCURRENTLY events_kind_uniq ON events (kind);\n");
	WriteMigration("0003_events_id_kind.sql",
	               "-- migrate:no-transaction\nCREATE INDEX CONCURRENTLY events_id_kind ON events (id, kind);\n");
	auto start = Clock::now();
	RunResult r = Run({"deploy"});
	EXPECT_EQ(r.exit_code, 1) << r.All();
	EXPECT_LT(MillisecondsSince(start), 30000) << r.All();
	EXPECT_NE(r.err.find("./migrations/0002_events_kind.sql:2: "), std::string::npos) << r.err;
	EXPECT_NE(r.err.find("23505"), std::string::npos) << r.err;
	EXPECT_EQ(State("0002"), "failed");
	EXPECT_NE(State("0003"), "applied");
	EXPECT_EQ(db_->Count("SELECT count(*) FROM pg_class WHERE relname = 'events_id_kind'"), 0);
}

/* 5. A second deploy while the step is with the runner waits for it instead of saying "nothing to do". */
TEST_F(Trust, DeployWaitsForStepAlreadyWithTheRunner)
{
	SKIP_WHEN_MANAGED("a step already with the background runner");
	db_->Query("CREATE TABLE step_log (n serial, step text)");
	WriteMigration("0001_slow.sql", "-- migrate:no-transaction\nSELECT pg_sleep(2);\n"
	                                "INSERT INTO step_log (step) VALUES ('slow');\n");
	RunResult first = Run({"--format", "json", "deploy", "--no-wait"});
	ASSERT_EQ(first.exit_code, 0) << first.All();
	EXPECT_EQ(pgmtest::ParseStdout(first)["applied"][0]["outcome"], "queued") << first.out;

	auto start = Clock::now();
	RunResult second = Run({"deploy"});
	long waited = MillisecondsSince(start);
	EXPECT_EQ(second.exit_code, 0) << second.All();
	EXPECT_EQ(second.err.find("nothing to do"), std::string::npos) << second.All();
	/* done when it returns */
	EXPECT_EQ(State("0001"), "applied") << second.All();
	EXPECT_EQ(db_->Count("SELECT count(*) FROM step_log WHERE step = 'slow'"), 1);
	EXPECT_GT(waited, 500) << "returned before the step could have finished: " << second.All();
	EXPECT_NE(second.out.find("applied"), std::string::npos) << second.out;

	RunResult third = Run({"deploy"});
	EXPECT_EQ(third.exit_code, 0) << third.All();
	EXPECT_NE(third.err.find("nothing to do"), std::string::npos) << third.All();
}

/* 5b. An interrupted step: the deploy waiting for it stops, and the next deploy exits 4 naming MG008 and retry. */
TEST_F(Trust, InterruptedStepStopsDeployWithMG008)
{
	SKIP_WHEN_MANAGED("kills the background runner mid-step; "
	                  "ManagedMode.AKilledClientLeavesItsStepInterruptedAndRetryResumesIt is the managed case");
	db_->Query("CREATE TABLE step_log (n serial, step text)");
	db_->Query("SELECT pg_advisory_lock(4242)");
	WriteMigration("0001_gated.sql", "-- migrate:no-transaction\nINSERT INTO step_log (step) VALUES ('start');\n"
	                                 "SELECT pg_advisory_xact_lock(4242);\n"
	                                 "INSERT INTO step_log (step) VALUES ('done');\n");
	RunResult waiting;
	std::thread deployer([&] { waiting = Run({"deploy"}); });
	bool running = WaitStatus("0001", "running");
	EXPECT_TRUE(running);
	/* kill the runner of this database mid-step */
	long killed = 0;
	for (int i = 0; i < 100 && killed == 0; i++) {
		killed = db_->Count("SELECT count(*) FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
		                    "WHERE backend_type = 'pg_migrate runner' AND datname = current_database()) t");
		if (killed == 0)
			std::this_thread::sleep_for(std::chrono::milliseconds(50));
	}
	EXPECT_EQ(killed, 1);
	std::string state;
	auto deadline = Clock::now() + std::chrono::seconds(30);
	while (Clock::now() < deadline && state != "interrupted") {
		state = db_->Scalar("SELECT state FROM migrate.status() WHERE version = '0001'");
		std::this_thread::sleep_for(std::chrono::milliseconds(20));
	}
	deployer.join();
	EXPECT_EQ(state, "interrupted");
	/* the deploy that waited for it stops (a step that did not finish: exit 1) and says how to resume */
	EXPECT_EQ(waiting.exit_code, 1) << waiting.All();
	EXPECT_NE(waiting.out.find("| interrupted |"), std::string::npos) << waiting.out;
	EXPECT_NE(waiting.err.find("migrate.retry('schema', '0001')"), std::string::npos) << waiting.err;

	RunResult r = Run({"deploy"});
	EXPECT_EQ(r.exit_code, 4) << r.All();
	EXPECT_NE(r.err.find("MG008"), std::string::npos) << r.err;
	EXPECT_NE(r.err.find("migrate.retry('schema', '0001')"), std::string::npos) << r.err;
	EXPECT_EQ(db_->Count("SELECT count(*) FROM step_log WHERE step = 'done'"), 0);

	/* fixed (the lock released), retry resumes it and deploy has nothing left */
	db_->Query("SELECT pg_advisory_unlock(4242)");
	EXPECT_EQ(db_->ErrorOf("SELECT migrate.retry('schema', '0001')"), "");
	WaitIdle();
	EXPECT_EQ(State("0001"), "applied");
	EXPECT_EQ(db_->Count("SELECT count(*) FROM step_log WHERE step = 'done'"), 1);
	r = Run({"deploy"});
	EXPECT_EQ(r.exit_code, 0) << r.All();
}

/*
 * 5c. The same interruption while a pg_migrate runner is alive in another
 * database of the cluster: migrate.status() must still say "interrupted".
 */
TEST_F(Trust, InterruptedStepWhileAnotherDatabaseHasARunner)
{
	SKIP_WHEN_MANAGED("kills the background runner mid-step; "
	                  "ManagedMode.AKilledClientLeavesItsStepInterruptedAndRetryResumesIt is the managed case");
	std::string other = db_name_ + "_other";
	db_->Query("CREATE DATABASE " + other);
	struct DropOther {
		std::string name;
		~DropOther()
		{
			Db admin("");
			admin.Query("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
		}
	} drop_other{other};
	{
		Db busy("dbname=" + other);
		busy.Query("CREATE EXTENSION pg_migrate");
		busy.Query("SELECT migrate.register('schema', '0001', 'slow', E'-- migrate:no-transaction\\nSELECT "
		           "pg_sleep(8);\\n')");
		busy.Query("SELECT * FROM migrate.apply()");
	}
	db_->Query("SELECT pg_advisory_lock(4242)");
	WriteMigration("0001_gated.sql", "-- migrate:no-transaction\nSELECT pg_advisory_xact_lock(4242);\n");
	RunResult r = Run({"deploy", "--no-wait"});
	ASSERT_EQ(r.exit_code, 0) << r.All();
	ASSERT_TRUE(WaitStatus("0001", "running"));
	ASSERT_EQ(db_->Count("SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'pg_migrate runner' "
	                     "AND datname = $1",
	                     {other}),
	          1)
	    << "the other database's runner should still be busy";
	EXPECT_EQ(db_->Count("SELECT count(*) FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
	                     "WHERE backend_type = 'pg_migrate runner' AND datname = current_database()) t"),
	          1);
	std::this_thread::sleep_for(std::chrono::milliseconds(300));
	EXPECT_EQ(db_->ErrorOf("SELECT * FROM migrate.status()"), "");
	EXPECT_TRUE(WaitStatus("0001", "interrupted", 5));
	r = Run({"deploy"});
	EXPECT_EQ(r.exit_code, 4) << r.All();
	EXPECT_NE(r.err.find("MG008"), std::string::npos) << r.err;
	db_->Query("SELECT pg_advisory_unlock(4242)");
}

/* 6. A step that drops every advisory lock is still running, not interrupted, and runs once. (DISCARD ALL is refused at
 * registration.) */
TEST_F(Trust, StepDroppingAdvisoryLocksStaysRunningAndRunsOnce)
{
	SKIP_WHEN_MANAGED("a step that outlives the deploy, in the background runner");
	db_->Query("CREATE TABLE step_log (n serial, step text)");
	WriteMigration("0001_unlocker.sql", "-- migrate:no-transaction\n"
	                                    "INSERT INTO step_log (step) VALUES ('first');\n"
	                                    "DO $$ BEGIN PERFORM pg_advisory_unlock_all(); PERFORM pg_sleep(3); END $$;\n"
	                                    "INSERT INTO step_log (step) VALUES ('last');\n");
	RunResult r = Run({"deploy", "--no-wait"});
	ASSERT_EQ(r.exit_code, 0) << r.All();
	/* inside the sleep: after the first insert, before the last */
	auto deadline = Clock::now() + std::chrono::seconds(20);
	while (Clock::now() < deadline && db_->Count("SELECT count(*) FROM step_log WHERE step = 'first'") == 0)
		std::this_thread::sleep_for(std::chrono::milliseconds(20));
	ASSERT_EQ(db_->Count("SELECT count(*) FROM step_log WHERE step = 'first'"), 1);
	std::this_thread::sleep_for(std::chrono::milliseconds(300));
	std::set<std::string> states;
	auto watch_until = Clock::now() + std::chrono::milliseconds(1500);
	std::string retry_error;
	while (Clock::now() < watch_until && db_->Count("SELECT count(*) FROM step_log WHERE step = 'last'") == 0) {
		states.insert(db_->Scalar("SELECT state FROM migrate.status() WHERE version = '0001'"));
		if (retry_error.empty())
			retry_error = db_->ErrorOf("SELECT migrate.retry('schema', '0001')");
		std::this_thread::sleep_for(std::chrono::milliseconds(50));
	}
	EXPECT_EQ(db_->Count("SELECT count(*) FROM step_log WHERE step = 'last'"), 0) << "the sleep was over too soon";
	EXPECT_EQ(states, std::set<std::string>{"running"});
	EXPECT_NE(retry_error, "") << "retry() of a running step was accepted";

	r = Run({"deploy"});
	EXPECT_EQ(r.exit_code, 0) << r.All();
	WaitIdle();
	EXPECT_EQ(State("0001"), "applied");
	std::this_thread::sleep_for(std::chrono::milliseconds(500));
	EXPECT_EQ(db_->Count("SELECT count(*) FROM step_log WHERE step = 'first'"), 1);
	EXPECT_EQ(db_->Count("SELECT count(*) FROM step_log WHERE step = 'last'"), 1);
	EXPECT_EQ(db_->Count("SELECT count(*) FROM migrate.history WHERE version = '0001' AND action = 'apply'"), 1);
	EXPECT_EQ(db_->Count("SELECT count(*) FROM migrate.history WHERE version = '0001' AND status = 'succeeded'"), 1);
}

/* 7. A transactional migration queued behind a no-transaction one fails in the runner; retry() finishes it. */
TEST_F(Trust, TransactionalStepFailedInTheRunnerIsFinishedByRetry)
{
	WriteMigration("0001_events.sql", "CREATE TABLE events (id bigint PRIMARY KEY, kind text);\n");
	WriteMigration("0002_events_kind.sql",
	               "-- migrate:no-transaction\nCREATE INDEX CONCURRENTLY events_kind ON events (kind);\n");
	WriteMigration("0003_fill.sql", "INSERT INTO events VALUES (1, 'a');\nINSERT INTO audit VALUES ('filled');\n");
	RunResult r = Run({"--format", "json", "deploy"});
	EXPECT_EQ(r.exit_code, 1) << r.All();
	auto doc = pgmtest::ParseStdout(r);
	EXPECT_EQ(doc["failed"]["version"], "0003") << doc.dump(2);
	EXPECT_EQ(doc["failed"]["sqlstate"], "42P01") << doc.dump(2);
	EXPECT_NE(r.err.find("./migrations/0003_fill.sql:2: "), std::string::npos) << r.err;
	EXPECT_EQ(State("0002"), "applied");
	EXPECT_EQ(State("0003"), "failed");
	/* the transaction was rolled back: not even the first statement stayed */
	EXPECT_EQ(db_->Count("SELECT count(*) FROM events"), 0);

	db_->Query("CREATE TABLE audit (what text)");
	if (Managed()) { /* no SQL retry() there: the command resumes the step in the client */
		RunResult retried = Run({"retry", "0003"});
		EXPECT_EQ(retried.exit_code, 0) << retried.All();
	} else {
		EXPECT_EQ(db_->ErrorOf("SELECT migrate.retry('schema', '0003')"), "");
	}
	WaitIdle();
	EXPECT_EQ(State("0003"), "applied");
	EXPECT_EQ(db_->Count("SELECT count(*) FROM events"), 1);
	EXPECT_EQ(db_->Count("SELECT count(*) FROM audit"), 1);
	r = Run({"deploy"});
	EXPECT_EQ(r.exit_code, 0) << r.All();
	EXPECT_NE(r.err.find("nothing to do"), std::string::npos) << r.All();
	r = Run({"status"});
	EXPECT_EQ(r.exit_code, 0) << r.All();
	EXPECT_NE(r.out.find("| fill "), std::string::npos) << r.out;
	EXPECT_EQ(db_->Count("SELECT count(*) FROM migrate.status() WHERE state <> 'applied'"), 0);
}

/* 8. statement_timeout holds in the runner: a step that sets it is cancelled with 57014, quickly. */
TEST_F(Trust, StatementTimeoutAppliesInTheRunner)
{
	WriteMigration("0001_sleepy.sql",
	               "-- migrate:no-transaction\nSET statement_timeout = '200ms';\nSELECT pg_sleep(3);\n");
	auto start = Clock::now();
	RunResult r = Run({"deploy"});
	long took = MillisecondsSince(start);
	EXPECT_EQ(r.exit_code, 1) << r.All();
	EXPECT_LT(took, 2500) << r.All();
	EXPECT_NE(r.err.find("57014"), std::string::npos) << r.err;
	EXPECT_NE(r.err.find("./migrations/0001_sleepy.sql:3: "), std::string::npos) << r.err;
	EXPECT_EQ(db_->Scalar("SELECT sqlstate FROM migrate.history WHERE version = '0001' AND status = 'failed'"),
	          "57014");
	EXPECT_EQ(State("0001"), "failed");
}

} // namespace
