/*
 * pg_migrate adopt: switching from Prisma, Flyway, dbmate, golang-migrate and
 * Drizzle. Each test builds the state the old tool really leaves — its history
 * table with its documented columns and the rows it writes
 * (test/fixtures/adopt/), and the objects and data its migrations
 * created — then adopts, then deploys: only what the old tool never ran is
 * applied. Refusals (failed or unfinished runs, files and table disagreeing)
 * exit 4 and change nothing.
 */
#include "checksum.hpp"
#include "fixtures.hpp"
#include "harness.hpp"

#include <nlohmann/json.hpp>

using pgmtest::ClientTest;
using pgmtest::RunResult;

namespace {

const char *kPrismaDone[] = {"20240110090000_init", "20240112100000_posts", "20240115083000_tenant_rls"};

class Adopt : public ClientTest {
protected:
	void
	Sql(const std::string &sql)
	{
		std::string error = pgmtest::ExecScript(conninfo_, sql);
		ASSERT_EQ(error, "") << sql;
	}
	void
	SqlFile(const std::string &path)
	{
		Sql(pgmtest::ReadFile(path));
	}
	long
	State(const std::string &state, const std::string &stream = "schema")
	{
		return db_->Count("SELECT count(*) FROM migrate.status() WHERE stream = $1 AND state = $2", {stream, state});
	}
	long
	Actions(const std::string &action)
	{
		return db_->Count("SELECT count(*) FROM migrate.history WHERE action = $1", {action});
	}
	/* adopt must refuse (exit 4) naming every text, and change nothing */
	void
	ExpectRefused(const std::vector<std::string> &args, const std::vector<std::string> &expected)
	{
		RunResult r = Run(args);
		EXPECT_EQ(r.exit_code, 4) << r.All();
		for (const std::string &text : expected)
			EXPECT_NE(r.err.find(text), std::string::npos) << "missing \"" << text << "\" in:\n" << r.err;
		EXPECT_NE(r.err.find("nothing was changed"), std::string::npos) << r.err;
		EXPECT_EQ(Registered(), 0);
		EXPECT_EQ(HistoryRows(), 0);
	}

	/* The database as `prisma migrate deploy` left it after the first three migrations, with data. */
	std::string
	PrismaState()
	{
		std::string dir = pgmtest::CopyFixture("prisma", tmp_.Path());
		for (const char *name : kPrismaDone)
			SqlFile(dir + "/" + name + "/migration.sql");
		Sql(R"(INSERT INTO "Tenant" (id, name) VALUES ('t1', 'Acme');
		       INSERT INTO "User" (id, "tenantId", email, tags, profile)
		            VALUES ('u1', 't1', 'ada@acme.test', '{admin}', '{"name": "Ada"}'),
		                   ('u2', 't1', 'bob@acme.test', '{}', '{}');
		       INSERT INTO "Post" (id, "tenantId", "authorId", title, status)
		            VALUES ('p1', 't1', 'u1', 'Hello, World!', 'PUBLISHED');)");
		SqlFile(pgmtest::FixturesDir() + "/adopt/prisma_history.sql");
		return dir;
	}

	/* The database as `flyway migrate` left it: V1, V1.1, V2, both repeatables (touch_settings older). */
	std::string
	FlywayState()
	{
		std::string dir = pgmtest::CopyFixture("flyway", tmp_.Path());
		for (const char *file :
		     {"V1__create_accounts.sql", "V1.1__account_indexes.sql", "V2__invoices.sql", "R__account_summary.sql"})
			SqlFile(dir + "/" + file);
		/* the older R__touch_settings.sql: a trigger that did nothing yet */
		Sql("CREATE FUNCTION touch_settings() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$;"
		    "CREATE TRIGGER accounts_touch_settings BEFORE UPDATE ON accounts "
		    "FOR EACH ROW EXECUTE FUNCTION touch_settings();");
		Sql(R"(INSERT INTO accounts (name, plan) VALUES ('Acme', 'team'), ('Globex', 'free');
		       INSERT INTO invoices (account_id, amount, issued_at)
		            VALUES (1, 10, '2024-01-01'), (1, 20, '2024-02-01'), (2, 5, '2024-01-15');)");
		SqlFile(pgmtest::FixturesDir() + "/adopt/flyway_history.sql");
		return dir;
	}
};

TEST_F(Adopt, PrismaThenDeployAppliesOnlyWhatPrismaNeverRan)
{
	std::string dir = PrismaState();
	RunResult r = Run({"--dir", dir, "adopt", "--from", "prisma"});
	ASSERT_EQ(r.exit_code, 0) << r.All();
	EXPECT_NE(r.out.find("_prisma_migrations 20240112100000_posts"), std::string::npos) << r.out;
	EXPECT_NE(r.err.find("3 migrations marked applied"), std::string::npos) << r.err;
	EXPECT_NE(r.err.find("2 pending"), std::string::npos) << r.err;
	EXPECT_EQ(State("applied"), 3);
	EXPECT_EQ(State("pending"), 2);
	/* recorded as baseline, the source tool named in application_name; nothing ran */
	EXPECT_EQ(db_->Count("SELECT count(*) FROM migrate.history WHERE action = 'baseline' "
	                     "AND application_name = 'pg_migrate adopt --from prisma'"),
	          3);
	EXPECT_EQ(Actions("apply"), 0);

	r = Run({"--dir", dir, "deploy"});
	ASSERT_EQ(r.exit_code, 0) << r.All();
	EXPECT_EQ(State("applied"), 5);
	EXPECT_EQ(db_->Scalar("SELECT string_agg(name, ',' ORDER BY id) FROM migrate.history WHERE action = 'apply'"),
	          "post_slug_backfill,user_search");
	EXPECT_EQ(db_->Scalar(R"(SELECT slug FROM "Post" WHERE id = 'p1')"), "hello-world");
	EXPECT_EQ(db_->Scalar(R"(SELECT string_agg(coalesce("displayName", '-'), ',' ORDER BY id) FROM "User")"), "Ada,-");
	EXPECT_EQ(db_->Count(R"(SELECT count(*) FROM "Post")"), 1);

	/* nothing runs twice: deploy and adopt again change nothing */
	r = Run({"--dir", dir, "deploy"});
	EXPECT_EQ(r.exit_code, 0) << r.All();
	EXPECT_NE(r.err.find("nothing to do"), std::string::npos) << r.All();
	r = Run({"--dir", dir, "adopt", "--from", "prisma"});
	EXPECT_EQ(r.exit_code, 0) << r.All();
	EXPECT_NE(r.out.find("already applied"), std::string::npos) << r.out;
	EXPECT_EQ(Actions("baseline"), 3);
	EXPECT_EQ(Actions("apply"), 2);
}

TEST_F(Adopt, PrismaJsonNamesWhatWasAdopted)
{
	std::string dir = PrismaState();
	RunResult r = Run({"--format", "json", "--dir", dir, "adopt", "--from", "prisma"});
	ASSERT_EQ(r.exit_code, 0) << r.All();
	nlohmann::json doc = nlohmann::json::parse(r.out);
	EXPECT_EQ(doc["from"], "prisma");
	EXPECT_EQ(doc["table"], "_prisma_migrations");
	EXPECT_EQ(doc["adopted"].size(), 3u);
	EXPECT_EQ(doc["adopted"][0]["outcome"], "marked applied");
	EXPECT_EQ(doc["pending"].size(), 2u);
	EXPECT_EQ(doc["marked_applied"], 3);
}

TEST_F(Adopt, PrismaFailedMigrationIsRefused)
{
	std::string dir = PrismaState();
	Sql(R"(INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, logs, started_at,
	                                         applied_steps_count)
	       VALUES ('d1e2f3a4-0000-4000-8000-000000000001', 'x', NULL, '20240120120000_post_slug_backfill',
	               'Database error code: 23505', now(), 0);)");
	ExpectRefused(
	    {"--dir", dir, "adopt", "--from", "prisma"},
	    {"_prisma_migrations 20240120120000_post_slug_backfill: failed or unfinished", "Database error code: 23505"});
}

TEST_F(Adopt, PrismaRolledBackAndNotReappliedIsRefused)
{
	std::string dir = PrismaState();
	Sql(R"(INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, rolled_back_at, started_at)
	       VALUES ('d1e2f3a4-0000-4000-8000-000000000002', 'x', NULL, '20240120120000_post_slug_backfill', now(),
	               now());)");
	ExpectRefused({"--dir", dir, "adopt", "--from", "prisma"},
	              {"_prisma_migrations 20240120120000_post_slug_backfill: rolled back"});
}

TEST_F(Adopt, PrismaRecordWithoutFolderIsRefused)
{
	std::string dir = PrismaState();
	Sql(R"(INSERT INTO "_prisma_migrations" (id, checksum, finished_at, migration_name, started_at, applied_steps_count)
	       VALUES ('d1e2f3a4-0000-4000-8000-000000000003', 'x', now(), '20240116000000_hotfix', now(), 1);)");
	ExpectRefused({"--dir", dir, "adopt", "--from", "prisma"},
	              {"_prisma_migrations 20240116000000_hotfix: recorded as applied by prisma, but no migration file"});
}

TEST_F(Adopt, PrismaFileMissingInBetweenIsRefused)
{
	std::string dir = PrismaState();
	Sql(R"(DELETE FROM "_prisma_migrations" WHERE migration_name = '20240112100000_posts')");
	ExpectRefused({"--dir", dir, "adopt", "--from", "prisma"},
	              {dir + "/20240112100000_posts/migration.sql: prisma has no record of applying it"});
}

TEST_F(Adopt, PrismaChangedFileIsRefused)
{
	std::string dir = PrismaState();
	tmp_.Write("prisma/20240110090000_init/migration.sql",
	           pgmtest::ReadFile(dir + "/20240110090000_init/migration.sql") + "-- edited later\n");
	ExpectRefused({"--dir", dir, "adopt", "--from", "prisma"},
	              {dir + "/20240110090000_init/migration.sql: changed since prisma applied it"});
}

TEST_F(Adopt, MissingHistoryTableIsRefused)
{
	std::string dir = pgmtest::CopyFixture("flyway", tmp_.Path());
	ExpectRefused({"--dir", dir, "adopt", "--from", "flyway"}, {"no table flyway_schema_history"});
	/* a table that is not the tool's */
	Sql("CREATE TABLE flyway_schema_history (id int)");
	ExpectRefused({"--dir", dir, "adopt", "--from", "flyway"}, {"it is not flyway's history table"});
}

TEST_F(Adopt, FlywayThenDeployAppliesOnlyWhatFlywayNeverRan)
{
	std::string dir = FlywayState();
	RunResult r = Run({"--dir", dir, "adopt", "--from", "flyway"});
	ASSERT_EQ(r.exit_code, 0) << r.All();
	EXPECT_NE(r.err.find("R__touch_settings.sql: repeatable migration changed since flyway ran it"), std::string::npos)
	    << r.err;
	EXPECT_EQ(State("applied"), 3);
	EXPECT_EQ(State("pending"), 2);
	/* the unchanged repeatable is applied, the changed one pending */
	EXPECT_EQ(db_->Scalar("SELECT string_agg(name || '=' || state, ',' ORDER BY name) FROM migrate.status() "
	                      "WHERE stream = 'schema-repeatable'"),
	          "account_summary=applied,touch_settings=pending");
	EXPECT_EQ(db_->Count("SELECT count(*) FROM migrate.history WHERE action IN ('baseline', 'resolve') "
	                     "AND application_name = 'pg_migrate adopt --from flyway'"),
	          4);
	EXPECT_EQ(Actions("apply"), 0);

	r = Run({"--dir", dir, "deploy"});
	ASSERT_EQ(r.exit_code, 0) << r.All();
	EXPECT_EQ(db_->Scalar("SELECT string_agg(name, ',' ORDER BY id) FROM migrate.history WHERE action = 'apply'"),
	          "backfill_invoice_numbers,row_level_security,touch_settings");
	EXPECT_EQ(db_->Scalar("SELECT string_agg(number, ',' ORDER BY id) FROM invoices"), "INV-1-1,INV-1-2,INV-2-1");
	EXPECT_EQ(db_->Scalar("SELECT relrowsecurity FROM pg_class WHERE relname = 'invoices'"), "t");
	Sql("UPDATE accounts SET plan = 'enterprise' WHERE id = 2");
	EXPECT_EQ(db_->Scalar("SELECT settings ? 'touched_at' FROM accounts WHERE id = 2"), "t");
	EXPECT_EQ(db_->Scalar("SELECT billed FROM account_summary WHERE name = 'Acme'"), "30.00");
	r = Run({"--dir", dir, "deploy"});
	EXPECT_NE(r.err.find("nothing to do"), std::string::npos) << r.All();
}

TEST_F(Adopt, FlywayFailedMigrationIsRefused)
{
	std::string dir = FlywayState();
	Sql("INSERT INTO flyway_schema_history VALUES (6, '2.1', 'backfill invoice numbers', 'SQL', "
	    "'V2.1__backfill_invoice_numbers.sql', 1802524860, 'app', now(), 3, false)");
	ExpectRefused({"--dir", dir, "adopt", "--from", "flyway"},
	              {"flyway_schema_history V2.1 (V2.1__backfill_invoice_numbers.sql): failed"});
}

TEST_F(Adopt, FlywayRepairedFailureIsAccepted)
{
	std::string dir = FlywayState();
	/* failed, then applied again after flyway repair: the last run counts */
	Sql("INSERT INTO flyway_schema_history VALUES (6, '2.1', 'backfill invoice numbers', 'SQL', "
	    "'V2.1__backfill_invoice_numbers.sql', 1802524860, 'app', now(), 3, false),"
	    "(7, '2.1', 'backfill invoice numbers', 'SQL', 'V2.1__backfill_invoice_numbers.sql', 1802524860, 'app', now(), "
	    "3, true)");
	SqlFile(dir + "/V2.1__backfill_invoice_numbers.sql");
	RunResult r = Run({"--dir", dir, "adopt", "--from", "flyway"});
	ASSERT_EQ(r.exit_code, 0) << r.All();
	EXPECT_EQ(State("applied"), 4);
}

TEST_F(Adopt, FlywayBaselineRowCountsEverythingBelowIt)
{
	std::string dir = FlywayState();
	/* a database flyway baselined at 1.1, then migrated to 2 */
	Sql("DELETE FROM flyway_schema_history WHERE installed_rank IN (1, 2);"
	    "INSERT INTO flyway_schema_history VALUES (1, '1.1', '<< Flyway Baseline >>', 'BASELINE', "
	    "'<< Flyway Baseline >>', NULL, 'app', now(), 0, true)");
	RunResult r = Run({"--dir", dir, "adopt", "--from", "flyway"});
	ASSERT_EQ(r.exit_code, 0) << r.All();
	EXPECT_EQ(State("applied"), 3);
}

TEST_F(Adopt, FlywayFileChangedSinceAppliedIsRefused)
{
	std::string dir = FlywayState();
	tmp_.Write("flyway/V1.1__account_indexes.sql", pgmtest::ReadFile(dir + "/V1.1__account_indexes.sql") +
	                                                   "CREATE INDEX accounts_plan ON accounts (plan);\n");
	ExpectRefused({"--dir", dir, "adopt", "--from", "flyway"},
	              {dir + "/V1.1__account_indexes.sql: changed since flyway applied it"});
}

class AdoptSmallTools : public Adopt {
protected:
	void
	GolangFiles()
	{
		WriteMigration("1_users.up.sql", "CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL);\n", "gm");
		WriteMigration("1_users.down.sql", "DROP TABLE users;\n", "gm");
		WriteMigration("2_roles.up.sql",
		               "CREATE TYPE role AS ENUM ('user', 'admin');\n"
		               "ALTER TABLE users ADD COLUMN role role NOT NULL DEFAULT 'user';\n",
		               "gm");
		WriteMigration("2_roles.down.sql", "ALTER TABLE users DROP COLUMN role;\nDROP TYPE role;\n", "gm");
		WriteMigration("3_admins.up.sql", "UPDATE users SET role = 'admin' WHERE email LIKE '%@corp.test';\n", "gm");
		Sql("CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL);"
		    "CREATE TYPE role AS ENUM ('user', 'admin');"
		    "ALTER TABLE users ADD COLUMN role role NOT NULL DEFAULT 'user';"
		    "INSERT INTO users (id, email) VALUES (1, 'ann@corp.test'), (2, 'bo@example.test');"
		    /* golang-migrate's table: its current version and whether it stopped halfway */
		    "CREATE TABLE schema_migrations (version bigint NOT NULL PRIMARY KEY, dirty boolean NOT NULL);");
	}
};

TEST_F(AdoptSmallTools, GolangMigrateDirtyIsRefusedThenCleanIsAdopted)
{
	GolangFiles();
	std::string dir = tmp_.Path() + "/gm";
	Sql("INSERT INTO schema_migrations VALUES (2, true)");
	ExpectRefused({"--dir", dir, "adopt", "--from", "golang-migrate"}, {"schema_migrations version 2: dirty = true"});
	Sql("UPDATE schema_migrations SET dirty = false");
	RunResult r = Run({"--dir", dir, "adopt", "--from", "golang-migrate"});
	ASSERT_EQ(r.exit_code, 0) << r.All();
	EXPECT_EQ(State("applied"), 2);
	r = Run({"--dir", dir, "deploy"});
	ASSERT_EQ(r.exit_code, 0) << r.All();
	EXPECT_EQ(db_->Scalar("SELECT string_agg(name, ',') FROM migrate.history WHERE action = 'apply'"), "admins");
	EXPECT_EQ(db_->Scalar("SELECT string_agg(role::text, ',' ORDER BY id) FROM users"), "admin,user");
}

TEST_F(AdoptSmallTools, DbmateAdoptAndGapRefused)
{
	WriteMigration("20240101000000_users.sql",
	               "-- migrate:up\nCREATE TABLE users (id bigint PRIMARY KEY, tags text[] NOT NULL DEFAULT '{}');\n"
	               "-- migrate:down\nDROP TABLE users;\n",
	               "db");
	WriteMigration("20240102000000_tags_index.sql",
	               "-- migrate:up\nCREATE INDEX users_tags ON users USING gin (tags);\n-- migrate:down\nDROP INDEX "
	               "users_tags;\n",
	               "db");
	WriteMigration("20240103000000_seed.sql", "-- migrate:up\nINSERT INTO users VALUES (1, '{new}');\n", "db");
	std::string dir = tmp_.Path() + "/db";
	Sql("CREATE TABLE users (id bigint PRIMARY KEY, tags text[] NOT NULL DEFAULT '{}');"
	    "CREATE TABLE schema_migrations (version varchar(128) PRIMARY KEY);"
	    "INSERT INTO schema_migrations VALUES ('20240101000000'), ('20240103000000');");
	ExpectRefused({"--dir", dir, "adopt", "--from", "dbmate"},
	              {dir + "/20240102000000_tags_index.sql: dbmate has no record of applying it"});
	Sql("DELETE FROM schema_migrations WHERE version = '20240103000000'");
	RunResult r = Run({"--dir", dir, "adopt", "--from", "dbmate"});
	ASSERT_EQ(r.exit_code, 0) << r.All();
	EXPECT_EQ(State("applied"), 1);
	r = Run({"--dir", dir, "deploy"});
	ASSERT_EQ(r.exit_code, 0) << r.All();
	EXPECT_EQ(State("applied"), 3);
	EXPECT_EQ(db_->Count("SELECT count(*) FROM users"), 1);
	EXPECT_TRUE(db_->TableExists("users_tags"));
}

TEST_F(Adopt, DrizzleThenDeploy)
{
	std::string dir = pgmtest::CopyFixture("drizzle", tmp_.Path());
	std::string first = pgmtest::ReadFile(dir + "/0000_sturdy_iron_man.sql");
	std::string second = pgmtest::ReadFile(dir + "/0001_task_indexes.sql");
	Sql(first);
	Sql(second);
	Sql(R"(INSERT INTO projects (owner_id, name) VALUES ('8d1f0a8e-4b4e-4c1e-9f59-2f0f3c1d2e10', 'Launch');
	       INSERT INTO tasks (project_id, title, state) VALUES (1, 'Docs', 'done'), (1, 'Ship', 'doing');
	       CREATE SCHEMA drizzle;
	       CREATE TABLE drizzle.__drizzle_migrations (id SERIAL PRIMARY KEY, hash text NOT NULL, created_at bigint);)");
	db_->Query("INSERT INTO drizzle.__drizzle_migrations (hash, created_at) VALUES ($1, 1717400000000), "
	           "($2, 1717500000000)",
	           {pgmigrate::client::Sha256Hex(first), pgmigrate::client::Sha256Hex(second)});
	RunResult r = Run({"--dir", dir, "adopt", "--from", "drizzle"});
	ASSERT_EQ(r.exit_code, 0) << r.All();
	EXPECT_EQ(State("applied"), 2);
	r = Run({"--dir", dir, "deploy"});
	ASSERT_EQ(r.exit_code, 0) << r.All();
	EXPECT_EQ(db_->Scalar("SELECT string_agg(name, ',') FROM migrate.history WHERE action = 'apply'"),
	          "project_rls_backfill");
	EXPECT_EQ(db_->Scalar("SELECT string_agg(closed::text, ',' ORDER BY id) FROM tasks"), "true,false");
}

TEST_F(Adopt, DrizzleRecordWithoutJournalEntryIsRefused)
{
	std::string dir = pgmtest::CopyFixture("drizzle", tmp_.Path());
	Sql("CREATE SCHEMA drizzle;"
	    "CREATE TABLE drizzle.__drizzle_migrations (id SERIAL PRIMARY KEY, hash text NOT NULL, created_at bigint);"
	    "INSERT INTO drizzle.__drizzle_migrations (hash, created_at) VALUES ('abc', 1600000000000);");
	ExpectRefused({"--dir", dir, "adopt", "--from", "drizzle"},
	              {"__drizzle_migrations id 1 (created_at 1600000000000): recorded as applied by drizzle"});
}

} // namespace
