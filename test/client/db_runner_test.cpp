/* Deploy and the background runner: waiting for no-transaction migrations, --no-wait, runner failures. */
#include "harness.hpp"

#include <nlohmann/json.hpp>

#include <chrono>
#include <thread>

using pgmtest::ClientTest;
using pgmtest::RunResult;

namespace {

class Runner : public ClientTest {
protected:
	void
	WriteTableAndIndex(const std::string &index_sql)
	{
		WriteMigration("0001_events.sql",
		               "CREATE TABLE events (id bigint PRIMARY KEY, kind text);\n"
		               "INSERT INTO events SELECT g, 'k' || (g % 10) FROM generate_series(1, 5000) g;\n");
		WriteMigration("0002_events_kind.sql", "-- migrate:no-transaction\n" + index_sql);
	}
	/* waits (bounded) until the runner has nothing queued or running */
	void
	WaitIdle()
	{
		for (int i = 0; i < 300; i++) {
			/* the catalog, not status(): status() can briefly call a finishing step "interrupted" */
			if (db_->Count("SELECT count(*) FROM migrate.migrations WHERE state IN ('queued', 'running')") == 0)
				return;
			std::this_thread::sleep_for(std::chrono::milliseconds(100));
		}
		ADD_FAILURE() << "runner still busy after 30 s";
	}
};

TEST_F(Runner, DeployWaitsForConcurrentIndexBuild)
{
	WriteTableAndIndex("CREATE INDEX CONCURRENTLY IF NOT EXISTS events_kind_idx ON events (kind);\n");
	RunResult r = Run({"deploy"});
	ASSERT_EQ(r.exit_code, 0) << r.All();
	/* done when deploy returns: valid index, succeeded history, final outcome in the table */
	EXPECT_EQ(db_->Scalar("SELECT indisvalid::text FROM pg_index WHERE indexrelid = 'events_kind_idx'::regclass"),
	          "true");
	EXPECT_EQ(db_->Count("SELECT count(*) FROM migrate.history WHERE version = '0002' AND status = 'succeeded'"), 1);
	EXPECT_EQ(db_->Scalar("SELECT state FROM migrate.migrations WHERE version = '0002'"), "applied");
	EXPECT_NE(r.out.find("| 0002    | events_kind | applied |"), std::string::npos) << r.out;
	/* managed mode: the client ran the step itself, after the batch; its line is the same */
	if (!Managed()) {
		EXPECT_NE(r.err.find("waiting for the background runner"), std::string::npos) << r.err;
	}
	EXPECT_NE(r.err.find("runner: schema 0002 events_kind applied"), std::string::npos) << r.err;

	r = Run({"deploy"});
	EXPECT_NE(r.err.find("nothing to do"), std::string::npos) << r.All();
}

TEST_F(Runner, NoWaitReturnsQueued)
{
	WriteTableAndIndex("CREATE INDEX CONCURRENTLY IF NOT EXISTS events_kind_idx ON events (kind);\n");
	RunResult r = Run({"--format", "json", "deploy", "--no-wait"});
	ASSERT_EQ(r.exit_code, 0) << r.All();
	auto doc = nlohmann::json::parse(r.out);
	ASSERT_EQ(doc["applied"].size(), 2u) << doc.dump(2);
	EXPECT_EQ(doc["applied"][0]["outcome"], "applied");
	EXPECT_EQ(doc["applied"][1]["outcome"], "queued");
	WaitIdle();
	EXPECT_EQ(db_->Scalar("SELECT state FROM migrate.migrations WHERE version = '0002'"), "applied");
}

TEST_F(Runner, RunnerFailureExits1AndBlocksNextDeploy)
{
	/* duplicates: the unique build fails in the runner and leaves an INVALID index */
	WriteTableAndIndex("CREATE UNIQUE INDEX CONCURRENTLY events_kind_uniq ON events (kind);\n");
	RunResult r = Run({"--format", "json", "deploy"});
	EXPECT_EQ(r.exit_code, 1) << r.All();
	auto doc = nlohmann::json::parse(r.out);
	EXPECT_EQ(doc["failed"]["version"], "0002");
	EXPECT_EQ(doc["failed"]["sqlstate"], "23505");
	EXPECT_EQ(doc["applied"][1]["outcome"], "failed");
	EXPECT_NE(r.err.find("./migrations/0002_events_kind.sql:2: "), std::string::npos) << r.err;
	EXPECT_TRUE(db_->TableExists("events"));
	EXPECT_EQ(db_->Count("SELECT count(*) FROM migrate.history WHERE version = '0002' AND status = 'failed'"), 1);

	/* the failed step blocks the stream until it is retried (MG008, exit 4) */
	r = Run({"deploy"});
	EXPECT_EQ(r.exit_code, 4) << r.All();
	EXPECT_NE(r.err.find("MG008"), std::string::npos) << r.err;
}

} // namespace
