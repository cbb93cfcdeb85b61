/*
 * Managed mode end to end: a database owned by a role that may not create
 * the extension (as on RDS, Cloud SQL, Supabase, ...), its catalog made by
 * install --no-extension, deployed by the engine the client hosts. What it
 * records must be what the extension records for the same files.
 */
#include "harness.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <csignal>
#include <thread>

using namespace pgmtest;
using json = nlohmann::json;

namespace {

bool
Has(const std::string &text, const std::string &part)
{
	return text.find(part) != std::string::npos;
}

const char *const kCreate = "-- migrate:up\nCREATE TABLE accounts (id bigint PRIMARY KEY, email text NOT NULL);\n"
                            "INSERT INTO accounts VALUES (1, 'a@example.com');\n"
                            "-- migrate:down\nDROP TABLE accounts;\n";
const char *const kIndex = "-- migrate:up\nCREATE INDEX accounts_email_idx ON accounts (email);\n";
const char *const kAlter = "-- migrate:up\nALTER TABLE accounts ADD COLUMN plan text NOT NULL DEFAULT 'free';\n";

class ManagedMode : public ClientTest {
protected:
	bool
	Managed() const override
	{
		return true;
	}
	/* the catalog as the deploy left it: what must match between the two modes */
	std::vector<Row>
	CatalogRows(Db &db)
	{
		return db.Query("SELECT stream, version, name, checksum, state, transactional FROM migrate.migrations "
		                "ORDER BY stream, version_key");
	}
	std::vector<Row>
	HistoryShape(Db &db)
	{
		return db.Query("SELECT stream, version, action, status, sqlstate, statement, line FROM migrate.history "
		                "ORDER BY id");
	}
};

TEST_F(ManagedMode, TheRoleCannotCreateTheExtension)
{
	/* the set-up is what a managed service gives: the extension is refused to this role */
	Db owner(conninfo_);
	EXPECT_EQ(owner.ErrorOf("CREATE EXTENSION pg_migrate"), "42501");
	EXPECT_EQ(db_->Count("SELECT count(*) FROM pg_extension WHERE extname = 'pg_migrate'"), 0);
}

TEST_F(ManagedMode, DeployRecordsWhatTheExtensionRecords)
{
	WriteMigration("20260101000001_create.sql", kCreate);
	WriteMigration("20260101000002_index.sql", kIndex);
	WriteMigration("20260101000003_alter.sql", kAlter);
	RunResult r = Run({"--format", "json", "deploy"});
	ASSERT_EQ(r.exit_code, 0) << r.All();
	json doc = ParseStdout(r);
	ASSERT_EQ(doc["applied"].size(), 3u) << doc.dump(2);
	EXPECT_EQ(doc["applied"][2]["outcome"], "applied");
	EXPECT_EQ(db_->Count("SELECT count(*) FROM accounts WHERE plan = 'free'"), 1);

	/* the same files deployed by the extension, in a database of its own */
	std::string other = db_name_ + "_ext";
	Db admin("");
	admin.Query("CREATE DATABASE " + other);
	{
		Db ext("dbname=" + other);
		ext.Query("CREATE EXTENSION pg_migrate");
		RunResult e = RunClient({"--db", "dbname=" + other, "deploy"}, {}, tmp_.Path());
		ASSERT_EQ(e.exit_code, 0) << e.All();
		EXPECT_EQ(CatalogRows(*db_), CatalogRows(ext));
		EXPECT_EQ(HistoryShape(*db_), HistoryShape(ext));
		/* the schema state is recorded alike: the same fingerprint of the same schema */
		EXPECT_EQ(db_->Scalar("SELECT fingerprint FROM migrate.history WHERE fingerprint IS NOT NULL"),
		          ext.Scalar("SELECT fingerprint FROM migrate.history WHERE fingerprint IS NOT NULL"));
	}
	admin.Query("DROP DATABASE " + other + " WITH (FORCE)");

	/* nothing to do: one read, nothing written */
	long history = HistoryRows();
	r = Run({"deploy"});
	EXPECT_EQ(r.exit_code, 0) << r.All();
	EXPECT_TRUE(Has(r.err, "nothing to do")) << r.All();
	EXPECT_EQ(HistoryRows(), history);
}

TEST_F(ManagedMode, StatusNamesTheMode)
{
	WriteMigration("20260101000001_create.sql", kCreate);
	ASSERT_EQ(Run({"deploy"}).exit_code, 0);
	WriteMigration("20260101000002_index.sql", kIndex);
	ASSERT_EQ(Run({"push"}).exit_code, 0);
	RunResult r = Run({"--format", "json", "status"});
	ASSERT_EQ(r.exit_code, 0) << r.All();
	json doc = ParseStdout(r);
	EXPECT_EQ(doc["mode"], "managed") << doc.dump(2);
	r = Run({"status"});
	EXPECT_TRUE(Has(r.err, "managed mode")) << r.All();
	EXPECT_TRUE(Has(r.out, "20260101000002")) << r.All();
}

TEST_F(ManagedMode, DriftIsWhatChangedSinceTheRecordedSchema)
{
	WriteMigration("20260101000001_create.sql", kCreate);
	ASSERT_EQ(Run({"deploy"}).exit_code, 0);
	RunResult r = Run({"drift"});
	EXPECT_EQ(r.exit_code, 0) << r.All();
	EXPECT_TRUE(Has(r.out, "no drift: the schema is as the last deploy recorded it")) << r.All();

	/* DDL by hand (no event trigger here): found against the schema the deploy recorded */
	db_->Query("CREATE TABLE hand_made (id int)");
	r = Run({"--format", "json", "drift"});
	EXPECT_EQ(r.exit_code, 0) << r.All();
	json doc = ParseStdout(r);
	EXPECT_EQ(doc["mode"], "managed");
	ASSERT_EQ(doc["drift"].size(), 1u) << doc.dump(2);
	EXPECT_EQ(doc["drift"][0]["command_tag"], "added table") << doc.dump(2);
	EXPECT_EQ(doc["drift"][0]["object_identity"], "public.hand_made") << doc.dump(2);
	r = Run({"drift"});
	EXPECT_TRUE(Has(r.out, "public.hand_made")) << r.All();
	EXPECT_FALSE(Has(r.out, "accounts")) << r.All();
	/* nothing to acknowledge: said, nothing changed */
	r = Run({"drift", "--ack", "1"});
	EXPECT_EQ(r.exit_code, 3) << r.All();
	EXPECT_TRUE(Has(r.err, "managed mode keeps no drift log")) << r.All();
	EXPECT_TRUE(Has(r.err, "deploy --accept-drift")) << r.All();

	/* deploy --accept-drift records the schema as it is now */
	r = Run({"deploy", "--accept-drift"});
	EXPECT_EQ(r.exit_code, 0) << r.All();
	EXPECT_EQ(ParseStdout(Run({"--format", "json", "drift"}))["drift"].size(), 0u);
}

TEST_F(ManagedMode, AReaderOfTheCatalogSeesTheStateAndChangesNothing)
{
	WriteMigration("20260101000001_create.sql", kCreate);
	ASSERT_EQ(Run({"deploy"}).exit_code, 0);
	/* the README's grant for every role but the catalog's owner */
	std::string reader = db_name_ + "_reader";
	admin_->Query("CREATE ROLE " + reader + " LOGIN PASSWORD 'reader'");
	db_->Query("GRANT USAGE ON SCHEMA migrate TO " + reader);
	db_->Query("GRANT SELECT ON ALL TABLES IN SCHEMA migrate TO " + reader);
	/* the SQL functions are all reads here (status, describe, fingerprint, schema_diff) */
	db_->Query("GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA migrate TO " + reader);
	std::string as_reader = "dbname=" + db_name_ + " user=" + reader + " password=reader";
	auto run = [&](const std::vector<std::string> &args) {
		std::vector<std::string> full = {"--db", as_reader};
		full.insert(full.end(), args.begin(), args.end());
		return RunClient(full, {}, tmp_.Path());
	};
	RunResult r = run({"--format", "json", "status"});
	EXPECT_EQ(r.exit_code, 0) << r.All();
	EXPECT_EQ(ParseStdout(r)["mode"], "managed");
	EXPECT_EQ(run({"history"}).exit_code, 0);
	r = run({"validate"});
	EXPECT_EQ(r.exit_code, 0) << r.All();

	/* a new migration deployed by the reader: refused, nothing registered, nothing run */
	WriteMigration("20260101000002_more.sql", "-- migrate:up\nCREATE TABLE more_things (id int);\n");
	long history = HistoryRows();
	r = run({"deploy"});
	EXPECT_NE(r.exit_code, 0) << r.All();
	EXPECT_TRUE(Has(r.All(), "permission denied")) << r.All();
	EXPECT_FALSE(db_->TableExists("more_things"));
	EXPECT_EQ(Registered(), 1);
	EXPECT_EQ(HistoryRows(), history);
	admin_->Query("DROP OWNED BY " + reader);
	admin_->Query("DROP ROLE " + reader);
}

TEST_F(ManagedMode, ALockedTableIsRetriedThenTheBlockerIsNamed)
{
	WriteMigration("20260101000001_create.sql", kCreate);
	ASSERT_EQ(Run({"deploy"}).exit_code, 0);
	WriteMigration("20260101000002_note.sql", "-- migrate:lock-timeout 100ms\n-- migrate:up\n"
	                                          "ALTER TABLE accounts ADD COLUMN note text;\n");
	/* a reader holds the table for the whole deploy: every try times out, the last error names it */
	Db reader("dbname=" + db_name_);
	reader.Query("BEGIN");
	reader.Query("LOCK TABLE accounts IN ACCESS SHARE MODE");
	RunResult r = Run({"deploy"});
	EXPECT_EQ(r.exit_code, 1) << r.All();
	EXPECT_TRUE(Has(r.All(), "55P03")) << r.All();
	EXPECT_TRUE(Has(r.All(), "gave up after 4 tries on accounts; blocked by pid")) << r.All();
	EXPECT_EQ(db_->Count("SELECT count(*) FROM pg_attribute WHERE attrelid = 'accounts'::regclass AND "
	                     "attname = 'note'"),
	          0);
	reader.Query("ROLLBACK");

	/* a reader that lets go between two tries: the deploy gets through */
	reader.Query("BEGIN");
	reader.Query("LOCK TABLE accounts IN ACCESS SHARE MODE");
	std::thread release([&] {
		std::this_thread::sleep_for(std::chrono::milliseconds(150));
		reader.Query("ROLLBACK");
	});
	r = Run({"deploy"});
	release.join();
	EXPECT_EQ(r.exit_code, 0) << r.All();
	EXPECT_EQ(db_->Count("SELECT count(*) FROM pg_attribute WHERE attrelid = 'accounts'::regclass AND "
	                     "attname = 'note'"),
	          1);
}

TEST_F(ManagedMode, AFailedMigrationLeavesNothingAndIsRecorded)
{
	WriteMigration("20260101000001_create.sql", kCreate);
	WriteMigration("20260101000002_broken.sql", "-- migrate:up\nCREATE TABLE plans (id int);\n"
	                                            "INSERT INTO plans VALUES ('not a number');\n");
	RunResult r = Run({"deploy"});
	EXPECT_EQ(r.exit_code, 1) << r.All();
	EXPECT_TRUE(Has(r.err, "20260101000002_broken.sql:3: invalid input syntax for type integer")) << r.err;
	EXPECT_TRUE(Has(r.err, "SQLSTATE 22P02")) << r.err;
	/* the batch is gone, the attempt is in the history */
	EXPECT_FALSE(db_->TableExists("accounts"));
	EXPECT_FALSE(db_->TableExists("plans"));
	EXPECT_EQ(db_->Count("SELECT count(*) FROM migrate.history WHERE status = 'failed' AND version = "
	                     "'20260101000002' AND line = 3"),
	          1);
	EXPECT_EQ(db_->Count("SELECT count(*) FROM migrate.migrations WHERE state = 'applied'"), 0);
}

TEST_F(ManagedMode, LintRefusesDataLossOnATableWithRowsOnly)
{
	WriteMigration("20260101000001_create.sql", kCreate);
	/* dropped in the batch that created it: nothing to lose */
	WriteMigration("20260101000002_drop.sql", "-- migrate:up\nALTER TABLE accounts DROP COLUMN email;\n");
	RunResult r = Run({"deploy"});
	ASSERT_EQ(r.exit_code, 0) << r.All();

	/* against rows written before: refused before anything runs (MG004) */
	WriteMigration("20260101000003_note.sql", "-- migrate:up\nALTER TABLE accounts ADD COLUMN note text;\n");
	WriteMigration("20260101000004_purge.sql", "-- migrate:up\nALTER TABLE accounts DROP COLUMN note;\n"
	                                           "DELETE FROM accounts;\n");
	long history = HistoryRows();
	r = Run({"deploy"});
	EXPECT_EQ(r.exit_code, 4) << r.All();
	EXPECT_TRUE(Has(r.err, "20260101000004_purge.sql:3: error: delete-without-where")) << r.err;
	EXPECT_TRUE(Has(r.err, "MG004")) << r.err;
	EXPECT_EQ(HistoryRows(), history);
	EXPECT_EQ(db_->Count("SELECT count(*) FROM information_schema.columns WHERE column_name = 'note'"), 0);

	/* acknowledged, it runs */
	WriteMigration("20260101000004_purge.sql", "-- migrate:allow delete-without-where\n-- migrate:allow drop-column\n"
	                                           "-- migrate:up\n"
	                                           "ALTER TABLE accounts DROP COLUMN note;\nDELETE FROM accounts;\n");
	r = Run({"deploy"});
	EXPECT_EQ(r.exit_code, 0) << r.All();
	EXPECT_EQ(db_->Count("SELECT count(*) FROM accounts"), 0);
}

TEST_F(ManagedMode, NoTransactionStepsRunAtTopLevelFromTheClient)
{
	WriteMigration("20260101000001_create.sql", kCreate);
	WriteMigration("20260101000002_concurrently.sql",
	               "-- migrate:no-transaction\n-- migrate:up\n"
	               "CREATE INDEX CONCURRENTLY accounts_email_idx ON accounts (email);\n");
	WriteMigration("20260101000003_alter.sql", kAlter);
	RunResult r = Run({"--format", "json", "deploy"});
	ASSERT_EQ(r.exit_code, 0) << r.All();
	json doc = ParseStdout(r);
	ASSERT_EQ(doc["applied"].size(), 3u) << doc.dump(2);
	EXPECT_EQ(doc["applied"][1]["outcome"], "applied") << doc.dump(2);
	EXPECT_EQ(doc["applied"][2]["outcome"], "applied") << doc.dump(2);
	EXPECT_EQ(db_->Scalar("SELECT indisvalid::text FROM pg_index WHERE indexrelid = 'accounts_email_idx'::regclass"),
	          "true");
	EXPECT_EQ(db_->Count("SELECT count(*) FROM migrate.migrations WHERE state = 'applied'"), 3);
	EXPECT_EQ(db_->Count("SELECT count(*) FROM migrate.runner_jobs WHERE state IN ('queued', 'running', 'failed')"), 0);
}

TEST_F(ManagedMode, ConcurrentDeploysApplyEachMigrationOnce)
{
	for (int i = 1; i <= 20; i++) {
		char name[64];
		std::snprintf(name, sizeof name, "20260101%06d_t%d.sql", i, i);
		WriteMigration(name, "-- migrate:up\nCREATE TABLE t" + std::to_string(i) + " (id int);\n");
	}
	RunResult results[2];
	std::thread other([&] { results[1] = Run({"deploy"}); });
	results[0] = Run({"deploy"});
	other.join();
	EXPECT_EQ(results[0].exit_code, 0) << results[0].All();
	EXPECT_EQ(results[1].exit_code, 0) << results[1].All();
	EXPECT_EQ(db_->Count("SELECT count(*) FROM migrate.history WHERE action = 'apply' AND status = 'succeeded'"), 20);
	EXPECT_EQ(db_->Count("SELECT count(*) FROM migrate.migrations WHERE state = 'applied'"), 20);
}

} // namespace

namespace {

/* Waits until sql (one boolean) is true, up to seconds; false when it never was. */
bool
WaitUntil(Db &db, const std::string &sql, int seconds)
{
	for (int i = 0; i < seconds * 20; i++) {
		if (db.Scalar(sql) == "t")
			return true;
		std::this_thread::sleep_for(std::chrono::milliseconds(50));
	}
	return false;
}

TEST_F(ManagedMode, AKilledClientLeavesItsStepInterruptedAndRetryResumesIt)
{
	WriteMigration("20260101000001_create.sql", kCreate);
	ASSERT_EQ(Run({"deploy"}).exit_code, 0);
	WriteMigration("20260101000002_concurrently.sql",
	               "-- migrate:no-transaction\n-- migrate:up\n"
	               "CREATE INDEX CONCURRENTLY accounts_email_idx ON accounts (email);\n");

	/* a writer keeps the build waiting, so the client can be killed in the middle of it */
	Db writer("dbname=" + db_name_);
	writer.Query("BEGIN");
	writer.Query("LOCK TABLE accounts IN ROW EXCLUSIVE MODE");
	ClientProcess deploy({"--db", conninfo_, "deploy"}, {}, tmp_.Path());
	ASSERT_TRUE(WaitUntil(*db_,
	                      "SELECT EXISTS (SELECT 1 FROM pg_stat_activity WHERE query LIKE 'CREATE INDEX CONCURRENTLY%' "
	                      "AND wait_event_type = 'Lock')",
	                      30))
	    << deploy.Output().err;
	/* while its client lives, the step is running for every other client too, not interrupted */
	json during = ParseStdout(Run({"--format", "json", "status"}));
	std::string state_during;
	for (const json &stream : during["streams"])
		for (const json &m : stream["migrations"])
			if (m["version"] == "20260101000002")
				state_during = m["state"];
	EXPECT_EQ(state_during, "running") << during.dump(2);
	deploy.Kill(SIGKILL);
	RunResult killed = deploy.Finish();
	EXPECT_EQ(killed.signal, SIGKILL);
	/* its backend notices the lost client and stops the build */
	ASSERT_TRUE(WaitUntil(*db_,
	                      "SELECT NOT EXISTS (SELECT 1 FROM pg_stat_activity WHERE query LIKE 'CREATE INDEX "
	                      "CONCURRENTLY%')",
	                      30));
	writer.Query("ROLLBACK");
	EXPECT_EQ(db_->Scalar("SELECT indisvalid::text FROM pg_index WHERE indexrelid = 'accounts_email_idx'::regclass"),
	          "false");

	RunResult r = Run({"--format", "json", "status"});
	json doc = ParseStdout(r);
	bool interrupted = false;
	for (const json &stream : doc["streams"])
		for (const json &m : stream["migrations"])
			interrupted = interrupted || (m["version"] == "20260101000002" && m["state"] == "interrupted");
	EXPECT_TRUE(interrupted) << doc.dump(2);

	/* deploy refuses to go past it; retry drops the INVALID index and builds it again */
	RunResult refused = Run({"deploy"});
	EXPECT_EQ(refused.exit_code, 4) << refused.All();
	/* the way to resume it here: the command (there is no SQL retry() without the extension) */
	EXPECT_TRUE(Has(refused.err, "then pg_migrate retry 20260101000002 --stream schema")) << refused.err;
	/* validate gives the same way, for the step and for the index it left */
	RunResult checked = Run({"validate"});
	EXPECT_TRUE(Has(checked.All(), "pg_migrate retry 20260101000002 --stream schema resumes it")) << checked.All();
	EXPECT_TRUE(Has(checked.All(), "(pg_migrate retry 20260101000002 --stream schema does this)")) << checked.All();
	EXPECT_FALSE(Has(checked.All(), "SELECT migrate.retry")) << checked.All();
	r = Run({"retry", "20260101000002"});
	EXPECT_EQ(r.exit_code, 0) << r.All();
	EXPECT_EQ(db_->Scalar("SELECT indisvalid::text FROM pg_index WHERE indexrelid = 'accounts_email_idx'::regclass"),
	          "true");
	EXPECT_EQ(db_->Scalar("SELECT state FROM migrate.migrations WHERE version = '20260101000002'"), "applied");
}

} // namespace

namespace {

/* The managed catalog itself: made from the extension's scripts, idempotent, and taken over by the extension. */
class ManagedInstall : public ClientTest {
protected:
	bool
	Managed() const override
	{
		return true;
	}
	bool
	WithExtension() const override
	{
		return false; /* each test installs it itself */
	}
	/* tables, columns and indexes of schema migrate, in a database */
	static std::vector<Row>
	CatalogShape(Db &db)
	{
		return db.Query("SELECT c.relname::text, c.relkind::text, coalesce(a.attname::text, ''), "
		                "coalesce(pg_catalog.format_type(a.atttypid, a.atttypmod), '') "
		                "FROM pg_class c LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND "
		                "NOT a.attisdropped WHERE c.relnamespace = 'migrate'::regnamespace AND "
		                "c.relname <> 'managed_catalog' ORDER BY 1, 3");
	}
};

TEST_F(ManagedInstall, TheCatalogIsTheExtensionsTablesAndASecondInstallChangesNothing)
{
	RunResult r = Run({"--format", "json", "install", "--no-extension"});
	ASSERT_EQ(r.exit_code, 0) << r.All();
	json doc = ParseStdout(r);
	EXPECT_EQ(doc["mode"], "managed");
	EXPECT_EQ(doc["catalog_version"], db_->Scalar("SELECT default_version FROM pg_available_extensions "
	                                              "WHERE name = 'pg_migrate'"));
	/* no C function, no event trigger; the SQL functions the engine reads with are there */
	EXPECT_EQ(db_->Count("SELECT count(*) FROM pg_proc WHERE pronamespace = 'migrate'::regnamespace AND "
	                     "prolang = (SELECT oid FROM pg_language WHERE lanname = 'c')"),
	          0);
	EXPECT_EQ(db_->Count("SELECT count(*) FROM pg_event_trigger"), 0);
	EXPECT_EQ(db_->Scalar("SELECT to_regprocedure('migrate.describe(text[])') IS NOT NULL"), "t");

	std::string other = db_name_ + "_ext";
	Db admin("");
	admin.Query("CREATE DATABASE " + other);
	{
		Db ext("dbname=" + other);
		ext.Query("CREATE EXTENSION pg_migrate");
		EXPECT_EQ(CatalogShape(*db_), CatalogShape(ext));
	}
	admin.Query("DROP DATABASE " + other);

	long tables = db_->Count("SELECT count(*) FROM pg_class WHERE relnamespace = 'migrate'::regnamespace");
	r = Run({"install", "--no-extension"});
	EXPECT_EQ(r.exit_code, 0) << r.All();
	EXPECT_EQ(db_->Count("SELECT count(*) FROM pg_class WHERE relnamespace = 'migrate'::regnamespace"), tables);
	EXPECT_EQ(db_->Count("SELECT count(*) FROM migrate.managed_catalog"), 1);
}

TEST_F(ManagedInstall, PlainInstallFallsBackWhenTheRoleMayNotCreateTheExtension)
{
	RunResult r = Run({"install"});
	ASSERT_EQ(r.exit_code, 0) << r.All();
	EXPECT_TRUE(Has(r.err, "may not create the pg_migrate extension")) << r.All();
	EXPECT_TRUE(Has(r.out, "without the extension (managed mode)")) << r.All();
	EXPECT_EQ(db_->Count("SELECT count(*) FROM migrate.managed_catalog"), 1);
}

TEST_F(ManagedInstall, ASchemaMigrateThatIsNoCatalogIsRefusedAndKept)
{
	Db owner(conninfo_);
	owner.Query("CREATE SCHEMA migrate");
	owner.Query("CREATE TABLE migrate.mine (id int)");
	RunResult r = Run({"install", "--no-extension"});
	EXPECT_EQ(r.exit_code, 3) << r.All();
	EXPECT_TRUE(Has(r.err, "holds no pg_migrate catalog")) << r.All();
	EXPECT_TRUE(db_->TableExists("migrate.mine"));
	EXPECT_EQ(db_->Scalar("SELECT to_regclass('migrate.history') IS NULL"), "t");
}

TEST_F(ManagedInstall, TheExtensionAdoptsTheCatalogWithItsHistory)
{
	ASSERT_EQ(Run({"install", "--no-extension"}).exit_code, 0);
	WriteMigration("20260101000001_create.sql", kCreate);
	WriteMigration("20260101000002_index.sql", kIndex);
	ASSERT_EQ(Run({"deploy"}).exit_code, 0);
	WriteMigration("20260101000003_alter.sql", kAlter);
	ASSERT_EQ(Run({"push"}).exit_code, 0);
	std::vector<Row> migrations = db_->Query("SELECT stream, version, checksum, state, applied_at::text "
	                                         "FROM migrate.migrations ORDER BY version");
	std::vector<Row> history = db_->Query("SELECT id::text, version, action, status, fingerprint FROM "
	                                      "migrate.history ORDER BY id");

	/* the server allows the extension (a superuser installs it): it takes the catalog over */
	std::string superuser = "dbname=" + db_name_;
	Db su(superuser); /* the extension's catalog is its owner's: read it as the superuser */
	RunResult r = RunClient({"--db", superuser, "install"}, {}, tmp_.Path());
	ASSERT_EQ(r.exit_code, 0) << r.All();
	EXPECT_TRUE(Has(r.err, "adopted the managed catalog (3 migrations, 2 history rows)")) << r.All();
	EXPECT_EQ(su.Count("SELECT count(*) FROM pg_extension WHERE extname = 'pg_migrate'"), 1);
	EXPECT_EQ(su.Scalar("SELECT to_regclass('migrate.managed_catalog') IS NULL"), "t");
	EXPECT_EQ(su.Query("SELECT stream, version, checksum, state, applied_at::text FROM migrate.migrations "
	                   "ORDER BY version"),
	          migrations);
	EXPECT_EQ(su.Query("SELECT id::text, version, action, status, fingerprint FROM migrate.history ORDER BY id"),
	          history);
	/* the rows are the extension's now: pg_dump keeps them, and the next deploy goes on from them */
	EXPECT_EQ(su.Count("SELECT count(*) FROM pg_extension e, unnest(e.extconfig) t WHERE e.extname = "
	                   "'pg_migrate' AND t = 'migrate.history'::regclass"),
	          1);
	r = RunClient({"--db", superuser, "deploy"}, {}, tmp_.Path());
	EXPECT_EQ(r.exit_code, 0) << r.All();
	EXPECT_EQ(su.Count("SELECT count(*) FROM migrate.migrations WHERE state = 'applied'"), 3);
	EXPECT_GT(su.Count("SELECT max(id) FROM migrate.history"), 2);
}

} // namespace
