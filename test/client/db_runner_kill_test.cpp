/*
 * The background runner outlives the client: SIGKILL during a long
 * CREATE INDEX CONCURRENTLY, and the index still ends valid and recorded.
 * And the wait's output: a live progress line only when stderr is a terminal.
 */
#include "harness.hpp"

#include <chrono>
#include <csignal>
#include <thread>

using pgmtest::ClientProcess;
using pgmtest::ClientTest;
using pgmtest::RunResult;
using pgmtest::StderrTo;
using Clock = std::chrono::steady_clock;

namespace {

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
	SKIP_WHEN_MANAGED("a step outlives its client only with the background runner; "
	                  "ManagedMode.AKilledClientLeavesItsStepInterruptedAndRetryResumesIt is the managed case");
	auto start = Clock::now();
	/* a table big enough for a build of several seconds */
	db_->Query("CREATE TABLE big (id bigint, h text)");
	db_->Query("INSERT INTO big SELECT g, md5(g::text) FROM generate_series(1, 3000000) AS g");
	db_->Query("ANALYZE big");
	WriteMigration("0001_big_h.sql", "-- migrate:no-transaction\n"
	                                 "CREATE INDEX CONCURRENTLY IF NOT EXISTS big_h_idx ON big (h);\n");

	ClientProcess client({"--db", conninfo_, "deploy"}, {}, tmp_.Path());

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
		client.Read(0); /* what it has written so far, so a full pipe never holds it up */
		std::this_thread::sleep_for(std::chrono::milliseconds(20));
	}
	ASSERT_FALSE(progress.empty()) << "the build never showed progress; state " << State("0001") << "\n"
	                               << client.Output().All();
	ASSERT_TRUE(client.Kill(SIGKILL));
	RunResult killed = client.Finish();
	ASSERT_EQ(killed.signal, SIGKILL) << killed.All();
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
	SKIP_WHEN_MANAGED(
	    "the live line follows the background runner; in managed mode the client runs the step in the foreground");
	RunResult r = Run({"deploy"}, {}, StderrTo::kTerminal);
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
	/* managed mode: the client ran the step itself, after the batch; its line is the same */
	if (!Managed()) {
		EXPECT_NE(r.err.find("waiting for the background runner"), std::string::npos) << r.err;
	}
	EXPECT_NE(r.err.find("runner: schema 0001 events_kind applied"), std::string::npos) << r.err;
	EXPECT_NE(r.out.find("| 0001    | events_kind | applied |"), std::string::npos) << r.out;
}

TEST_F(RunnerOutput, QuietOnTerminalDrawsNothing)
{
	RunResult r = Run({"-q", "deploy"}, {}, StderrTo::kTerminal);
	ASSERT_EQ(r.exit_code, 0) << r.All();
	EXPECT_EQ(r.err, "") << r.err;
}

} // namespace
