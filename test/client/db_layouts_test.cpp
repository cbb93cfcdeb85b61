/*
 * Other tools' folders read as they are: the fixtures of test/fixtures
 * (prisma, flyway, drizzle) deployed by the real binary, with data in the
 * tables before the backfills run; mixed layouts refused.
 */
#include "fixtures.hpp"
#include "harness.hpp"

using pgmtest::ClientTest;
using pgmtest::RunResult;

namespace {

class Layouts : public ClientTest {
protected:
	/* deploy --dir PATH [args...]: exit 0 expected */
	RunResult
	Deploy(const std::string &dir, const std::vector<std::string> &more = {})
	{
		std::vector<std::string> args = {"--dir", dir, "deploy"};
		args.insert(args.end(), more.begin(), more.end());
		RunResult r = Run(args);
		EXPECT_EQ(r.exit_code, 0) << r.All();
		return r;
	}
	void
	Sql(const std::string &sql)
	{
		std::string error = pgmtest::ExecScript(conninfo_, sql);
		ASSERT_EQ(error, "") << sql;
	}
	long
	Applied(const std::string &stream = "schema")
	{
		return db_->Count("SELECT count(*) FROM migrate.status() WHERE stream = $1 AND state = 'applied'", {stream});
	}
	std::string
	IndexAm(const std::string &index)
	{
		return db_->Scalar("SELECT am.amname FROM pg_class c JOIN pg_am am ON am.oid = c.relam WHERE c.relname = $1",
		                   {index});
	}
	bool
	IsPartialIndex(const std::string &index)
	{
		return db_->Scalar("SELECT i.indpred IS NOT NULL FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
		                   "WHERE c.relname = $1",
		                   {index}) == "t";
	}
	long
	Policies(const std::string &table)
	{
		return db_->Count("SELECT count(*) FROM pg_policies WHERE tablename = $1", {table});
	}
	bool
	RlsEnabled(const std::string &table)
	{
		return db_->Scalar("SELECT relrowsecurity FROM pg_class WHERE relname = $1", {table}) == "t";
	}
};

TEST_F(Layouts, PrismaFolderDeploysWithBackfills)
{
	std::string dir = pgmtest::CopyFixture("prisma", tmp_.Path());
	Deploy(dir, {"--target", "20240115083000"});
	EXPECT_EQ(Applied(), 3);
	Sql(R"(INSERT INTO "Tenant" (id, name) VALUES ('t1', 'Acme');
	       INSERT INTO "User" (id, "tenantId", email, tags, profile)
	            VALUES ('u1', 't1', 'ada@acme.test', '{admin,beta}', '{"name": "Ada"}'),
	                   ('u2', 't1', 'bob@acme.test', '{}', '{}');
	       INSERT INTO "Post" (id, "tenantId", "authorId", title, status, labels, metadata)
	            VALUES ('p1', 't1', 'u1', 'Hello, World!', 'PUBLISHED', '{intro}', '{"lang": "en"}'),
	                   ('p2', 't1', 'u1', 'Second post', 'DRAFT', NULL, NULL);)");
	RunResult r = Deploy(dir);
	EXPECT_NE(r.out.find("post_slug_backfill"), std::string::npos) << r.out;
	EXPECT_EQ(Applied(), 5);
	EXPECT_EQ(db_->Scalar(R"(SELECT string_agg(slug, ',' ORDER BY id) FROM "Post")"), "hello-world,second-post");
	EXPECT_EQ(db_->Scalar(R"(SELECT string_agg(coalesce("displayName", '-'), ',' ORDER BY id) FROM "User")"), "Ada,-");
	EXPECT_EQ(db_->Scalar("SELECT string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder) FROM pg_enum e "
	                      "JOIN pg_type t ON t.oid = e.enumtypid WHERE t.typname = 'Role'"),
	          "MEMBER,ADMIN,OWNER");
	EXPECT_EQ(IndexAm("Post_labels_idx"), "gin");
	EXPECT_EQ(IndexAm("Post_metadata_idx"), "gin");
	EXPECT_EQ(IndexAm("User_tags_idx"), "gin");
	EXPECT_TRUE(IsPartialIndex("Post_published_idx"));
	EXPECT_TRUE(RlsEnabled("User"));
	EXPECT_TRUE(RlsEnabled("Post"));
	EXPECT_EQ(Policies("Post"), 1);
	/* down.sql is the down section; the script pg_migrate holds is the translated one */
	EXPECT_EQ(db_->Scalar("SELECT has_down FROM migrate.status() WHERE version = '20240112100000'"), "t");
	EXPECT_EQ(db_->Scalar("SELECT has_down FROM migrate.status() WHERE version = '20240110090000'"), "f");
	EXPECT_EQ(db_->Scalar("SELECT source FROM migrate.migrations WHERE version = '20240110090000'"),
	          dir + "/20240110090000_init/migration.sql");

	/* the checksums are stable: nothing to upload or apply the second time */
	r = Deploy(dir);
	EXPECT_NE(r.err.find("nothing to do"), std::string::npos) << r.All();
}

TEST_F(Layouts, FlywayFolderDeploysVersionedThenRepeatables)
{
	std::string dir = pgmtest::CopyFixture("flyway", tmp_.Path());
	Deploy(dir, {"--target", "2"});
	EXPECT_EQ(Applied(), 3);
	EXPECT_EQ(Applied("schema-repeatable"), 0);
	Sql(R"(INSERT INTO accounts (name, plan, features, settings)
	            VALUES ('Acme', 'team', '{sso}', '{"theme": "dark"}'), ('Globex', 'free', '{}', '{}');
	       INSERT INTO invoices (account_id, amount, issued_at)
	            VALUES (1, 10, '2024-01-01'), (1, 20, '2024-02-01'), (2, 5, '2024-01-15');)");
	Deploy(dir);
	EXPECT_EQ(Applied(), 5);
	EXPECT_EQ(Applied("schema-repeatable"), 2);
	EXPECT_EQ(db_->Scalar("SELECT string_agg(number, ',' ORDER BY id) FROM invoices"), "INV-1-1,INV-1-2,INV-2-1");
	EXPECT_EQ(db_->Scalar("SELECT convalidated FROM pg_constraint WHERE conname = 'invoices_number_present'"), "t");
	EXPECT_EQ(IndexAm("accounts_features_gin"), "gin");
	EXPECT_EQ(IndexAm("accounts_settings_gin"), "gin");
	EXPECT_TRUE(IsPartialIndex("accounts_live_name"));
	EXPECT_TRUE(RlsEnabled("invoices"));
	EXPECT_EQ(Policies("invoices"), 1);
	EXPECT_EQ(db_->Scalar("SELECT limits::text FROM accounts WHERE id = 1"), "{10,100}");
	/* the repeatables ran after the versioned migrations: the view and the trigger work */
	EXPECT_EQ(db_->Scalar("SELECT billed FROM account_summary WHERE name = 'Acme'"), "30.00");
	Sql("UPDATE accounts SET plan = 'enterprise' WHERE id = 2");
	EXPECT_EQ(db_->Scalar("SELECT settings ? 'touched_at' FROM accounts WHERE id = 2"), "t");
	/* U2 is the down section of V2 */
	EXPECT_EQ(db_->Scalar("SELECT has_down FROM migrate.status() WHERE stream = 'schema' AND version = '2'"), "t");

	/* a changed repeatable is applied again, the unchanged one is not */
	long summary_applies = db_->Count("SELECT count(*) FROM migrate.history WHERE name = 'account_summary' AND "
	                                  "action = 'apply'");
	tmp_.Write("flyway/R__account_summary.sql", "CREATE OR REPLACE VIEW account_summary AS\n"
	                                            "SELECT a.id, a.name, a.plan, count(i.id) AS invoices,\n"
	                                            "       coalesce(sum(i.amount), 0) AS billed, max(i.issued_at) AS "
	                                            "last_issued_at\n"
	                                            "  FROM accounts AS a LEFT JOIN invoices AS i ON i.account_id = a.id\n"
	                                            " WHERE a.deleted_at IS NULL GROUP BY a.id;\n");
	RunResult r = Deploy(dir);
	EXPECT_NE(r.err.find("R__account_summary.sql: repeatable migration changed"), std::string::npos) << r.err;
	EXPECT_EQ(db_->Count("SELECT count(*) FROM migrate.history WHERE name = 'account_summary' AND action = 'apply'"),
	          summary_applies + 1);
	EXPECT_EQ(db_->Count("SELECT count(*) FROM migrate.history WHERE name = 'touch_settings' AND action = 'apply'"), 1);
	EXPECT_EQ(db_->Scalar("SELECT last_issued_at IS NOT NULL FROM account_summary WHERE name = 'Acme'"), "t");
	EXPECT_EQ(Applied("schema-repeatable"), 2);
	r = Deploy(dir);
	EXPECT_NE(r.err.find("nothing to do"), std::string::npos) << r.All();
}

TEST_F(Layouts, DrizzleFolderDeploysInJournalOrder)
{
	std::string dir = pgmtest::CopyFixture("drizzle", tmp_.Path());
	Deploy(dir, {"--target", "0001"});
	EXPECT_EQ(Applied(), 2);
	Sql(R"(INSERT INTO projects (owner_id, name, settings)
	            VALUES ('8d1f0a8e-4b4e-4c1e-9f59-2f0f3c1d2e10', 'Launch', '{"color": "red"}');
	       INSERT INTO tasks (project_id, title, state, labels)
	            VALUES (1, 'Write docs', 'done', '{docs}'), (1, 'Ship', 'todo', '{}');)");
	Deploy(dir);
	EXPECT_EQ(Applied(), 3);
	EXPECT_EQ(db_->Scalar("SELECT string_agg(closed::text || '/' || (done_at IS NOT NULL)::text, ',' ORDER BY id) "
	                      "FROM tasks"),
	          "true/true,false/false");
	EXPECT_EQ(IndexAm("tasks_labels_idx"), "gin");
	EXPECT_EQ(IndexAm("projects_settings_idx"), "gin");
	EXPECT_TRUE(IsPartialIndex("tasks_open_idx"));
	EXPECT_TRUE(RlsEnabled("projects"));
	EXPECT_EQ(Policies("projects"), 1);
	EXPECT_EQ(db_->Scalar("SELECT name FROM migrate.migrations WHERE version = '0000'"), "sturdy_iron_man");
}

TEST_F(Layouts, MixedLayoutsInOneFolderAreRefusedNamingTheFile)
{
	std::string dir = pgmtest::CopyFixture("flyway", tmp_.Path());
	tmp_.Write("flyway/20240101000000_native.sql", "CREATE TABLE native (id int);\n");
	RunResult r = Run({"--dir", dir, "deploy"});
	EXPECT_EQ(r.exit_code, 2) << r.All();
	EXPECT_NE(r.err.find(dir + "/20240101000000_native.sql: looks like a native"), std::string::npos) << r.err;
	EXPECT_EQ(Registered(), 0);
	EXPECT_FALSE(db_->TableExists("accounts"));
}

TEST_F(Layouts, ForcedLayoutThatDoesNotFitIsRefused)
{
	std::string dir = pgmtest::CopyFixture("flyway", tmp_.Path());
	RunResult r = Run({"--layout", "prisma", "--dir", dir, "deploy"});
	EXPECT_EQ(r.exit_code, 2) << r.All();
	EXPECT_NE(r.err.find(dir + "/V1__create_accounts.sql: not a prisma migration (--layout prisma)"), std::string::npos)
	    << r.err;
	EXPECT_EQ(Registered(), 0);
	r = Run({"--layout", "liquibase", "--dir", dir, "deploy"});
	EXPECT_EQ(r.exit_code, 2) << r.All();
}

TEST_F(Layouts, GolangMigrateFolder)
{
	WriteMigration("1_users.up.sql", "CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL);\n", "gm");
	WriteMigration("1_users.down.sql", "DROP TABLE users;\n", "gm");
	WriteMigration("2_email_index.up.sql", "CREATE UNIQUE INDEX users_email ON users (lower(email));\n", "gm");
	WriteMigration("2_email_index.down.sql", "DROP INDEX users_email;\n", "gm");
	Deploy(tmp_.Path() + "/gm");
	EXPECT_EQ(Applied(), 2);
	EXPECT_TRUE(db_->TableExists("users_email"));
	EXPECT_EQ(db_->Scalar("SELECT name FROM migrate.migrations WHERE version = '2'"), "email_index");
}

} // namespace
