/*
 * Real histories deploy as they are (test/fixtures/histories): folders the
 * way Prisma, Flyway, golang-migrate, Drizzle (journal and v1 folders) and
 * dbmate leave them — two Prisma migrations with one timestamp, CREATE/DROP
 * INDEX CONCURRENTLY without a directive, files with their own BEGIN/COMMIT,
 * empty down files, an unlisted Drizzle file, an indented -- migrate:down
 * inside SQL. Each deploys unchanged into an empty database, and the schema
 * it leaves is the schema psql leaves running the same up files in order.
 * adopt then deploy applies nothing on a database the tool migrated.
 */
#include "checksum.hpp"
#include "layouts.hpp"
#include "fixtures.hpp"
#include "harness.hpp"

#include <sys/wait.h>

#include <cstdio>
#include <fstream>
#include <regex>
#include <sstream>

using pgmtest::ClientTest;
using pgmtest::RunResult;

namespace {

/* The up files of each fixture, in the order the tool runs them. */
const std::vector<std::string> kPrismaUps = {
    "20260630120000_add_tags/migration.sql", "20260630120000_user_nickname/migration.sql",
    "20260701090000_tag_name_index/migration.sql", "20260702100000_remove_guest_role/migration.sql"};
const std::vector<std::string> kFlywayUps = {"V1__accounts.sql", "V2__email_index.sql", "V3__drop_plan_index.sql",
                                             "V4__plans.sql"};
const std::vector<std::string> kGolangUps = {"000001_create_users.up.sql", "000002_seed_admin.up.sql",
                                             "000003_sessions_index.up.sql"};
const std::vector<std::string> kDrizzleUps = {"0000_init.sql", "0001_orders_index.sql"};
const std::vector<std::string> kDrizzleV1Ups = {"20250508193838_init/migration.sql",
                                                "20250509100000_items_index/migration.sql"};

class LayoutsHistories : public ClientTest {
protected:
	void
	SetUp() override
	{
		ClientTest::SetUp();
		bindir_ = admin_->Scalar("SELECT setting FROM pg_config WHERE name = 'BINDIR'");
		psql_db_ = db_name_ + "_psql";
		pgmtest::Db admin("");
		admin.Query("CREATE DATABASE " + psql_db_);
		pgmtest::Db psql_db("dbname=" + psql_db_);
		/* the same catalog kind in both, so only the migrations' objects can differ (managed mode: none in psql's) */
		if (!Managed())
			psql_db.Query("CREATE EXTENSION pg_migrate");
	}
	void
	TearDown() override
	{
		pgmtest::Db admin("");
		admin.Query("DROP DATABASE IF EXISTS " + psql_db_ + " WITH (FORCE)");
		ClientTest::TearDown();
	}

	/* Runs a shell command; its stdout, and the exit status in *status. */
	static std::string
	Shell(const std::string &command, int *status)
	{
		std::string out;
		FILE *pipe = popen(command.c_str(), "r");
		if (pipe == nullptr) {
			*status = -1;
			return out;
		}
		char buffer[4096];
		std::size_t n;
		while ((n = fread(buffer, 1, sizeof buffer, pipe)) > 0)
			out.append(buffer, n);
		int raw = pclose(pipe);
		*status = WIFEXITED(raw) ? WEXITSTATUS(raw) : -1;
		return out;
	}
	static std::string
	Quote(const std::string &s)
	{
		return "'" + std::regex_replace(s, std::regex("'"), "'\\''") + "'";
	}

	/* psql -X -v ON_ERROR_STOP=1 -f FILE for each file, into the second database. */
	void
	PsqlFiles(const std::string &dir, const std::vector<std::string> &files)
	{
		for (const std::string &file : files) {
			int status;
			std::string out = Shell(Quote(bindir_ + "/psql") + " -X -q -v ON_ERROR_STOP=1 -d " + Quote(psql_db_) +
			                            " -f " + Quote(dir + "/" + file) + " 2>&1",
			                        &status);
			ASSERT_EQ(status, 0) << file << ":\n" << out;
		}
	}

	/* pg_dump --schema-only without pg_migrate's schema (and without pg_dump's per-run \restrict key). */
	std::string
	Schema(const std::string &database)
	{
		int status;
		std::string dump =
		    Shell(Quote(bindir_ + "/pg_dump") + " --schema-only --no-owner --exclude-schema=migrate -d " +
		              Quote(database) + " 2>&1",
		          &status);
		EXPECT_EQ(status, 0) << dump;
		std::istringstream lines(dump);
		std::string line, kept;
		while (std::getline(lines, line))
			if (line.rfind("\\restrict", 0) != 0 && line.rfind("\\unrestrict", 0) != 0)
				kept += line + "\n";
		return kept;
	}

	/* Deploys dir unchanged (exit 0), runs the same up files with psql, and compares the schemas. */
	RunResult
	DeployMatchesPsql(const std::string &fixture, const std::vector<std::string> &ups)
	{
		std::string dir = pgmtest::CopyFixture("histories/" + fixture, tmp_.Path());
		RunResult r = Run({"--dir", dir, "deploy"});
		EXPECT_EQ(r.exit_code, 0) << r.All();
		EXPECT_EQ(Count("state <> 'applied'"), 0) << r.All();
		EXPECT_EQ(Count("true"), static_cast<long>(ups.size()));
		PsqlFiles(dir, ups);
		std::string deployed = Schema(db_name_), by_psql = Schema(psql_db_);
		EXPECT_EQ(deployed, by_psql);
		EXPECT_NE(deployed.find("CREATE TABLE"), std::string::npos) << deployed;
		/* a second deploy has nothing to do: the translated scripts are stable */
		RunResult again = Run({"--dir", dir, "deploy"});
		EXPECT_EQ(again.exit_code, 0) << again.All();
		EXPECT_NE(again.err.find("nothing to do"), std::string::npos) << again.All();
		return r;
	}

	long
	Count(const std::string &where)
	{
		return db_->Count("SELECT count(*) FROM migrate.status() WHERE " + where);
	}
	std::string
	Transactional(const std::string &name)
	{
		return db_->Scalar("SELECT transactional::text FROM migrate.migrations WHERE name = $1", {name});
	}
	/*
	 * adopt --from tool marks `applied` migrations applied, then a deploy has
	 * nothing to do and runs nothing; returns the deploy's result.
	 */
	RunResult
	AdoptThenDeployAppliesNothing(const std::string &dir, const std::string &tool, long applied)
	{
		RunResult r = Run({"--dir", dir, "adopt", "--from", tool});
		EXPECT_EQ(r.exit_code, 0) << r.All();
		EXPECT_EQ(Count("state = 'applied'"), applied) << r.All();
		r = Run({"--dir", dir, "deploy"});
		EXPECT_EQ(r.exit_code, 0) << r.All();
		EXPECT_NE(r.err.find("nothing to do"), std::string::npos) << r.All();
		EXPECT_EQ(db_->Count("SELECT count(*) FROM migrate.history WHERE action = 'apply'"), 0);
		return r;
	}

	void
	Sql(const std::string &sql)
	{
		ASSERT_EQ(pgmtest::ExecScript(conninfo_, sql), "") << sql;
	}

	std::string bindir_, psql_db_;
};

TEST_F(LayoutsHistories, PrismaSameTimestampConcurrentIndexAndEnumRewrite)
{
	DeployMatchesPsql("prisma", kPrismaUps);
	/* both folders of 20260630120000, in Prisma's order (by folder name) */
	auto rows = db_->Query("SELECT version, name FROM migrate.status() ORDER BY applied_at, version");
	ASSERT_EQ(rows.size(), 4u);
	EXPECT_EQ(*rows[0][0], "20260630120000");
	EXPECT_EQ(*rows[0][1], "add_tags");
	EXPECT_EQ(rows[1][0]->rfind("20260630120000.", 0), 0u) << *rows[1][0];
	EXPECT_EQ(*rows[1][1], "user_nickname");
	/* CREATE INDEX CONCURRENTLY alone: no-transaction, as Prisma runs it; the enum rewrite's BEGIN/COMMIT is its
	 * transaction */
	EXPECT_EQ(Transactional("tag_name_index"), "false");
	EXPECT_EQ(Transactional("remove_guest_role"), "true");
	EXPECT_EQ(Transactional("add_tags"), "true");
	EXPECT_EQ(db_->Scalar("SELECT indisvalid::text FROM pg_index WHERE indexrelid = '\"Tag_name_idx\"'::regclass"),
	          "true");
	EXPECT_EQ(db_->Scalar("SELECT enum_range(NULL::\"Role\")::text"), "{MEMBER,ADMIN}");
	/* Prisma's enum rewrite is a BEGIN ... COMMIT block in the middle of its migration: grouped in its transaction */
	EXPECT_NE(db_->Scalar("SELECT script FROM migrate.migrations WHERE name = 'remove_guest_role'")
	              .find("\n-- migrate:transaction-blocks\n"),
	          std::string::npos);
	EXPECT_EQ(db_->Scalar("SELECT to_regclass('\"User\"') IS NOT NULL AND EXISTS (SELECT FROM "
	                      "information_schema.columns WHERE table_name = 'User' AND column_name = 'bio')"),
	          "t");
	/* the script carries the policy; the up file's line numbers are unchanged */
	EXPECT_EQ(db_->Scalar("SELECT script FROM migrate.migrations WHERE name = 'tag_name_index'"),
	          "-- CreateIndex\nCREATE INDEX CONCURRENTLY \"Tag_name_idx\" ON \"Tag\"(\"name\");\n"
	          "-- migrate:no-transaction if-needed\n");
	/* a migration that needs no policy is uploaded as the tool's file */
	EXPECT_EQ(db_->Scalar("SELECT checksum FROM migrate.migrations WHERE name = 'user_nickname'"),
	          pgmigrate::client::Sha256Hex(
	              pgmtest::ReadFile(tmp_.Path() + "/histories/prisma/20260630120000_user_nickname/migration.sql")));
}

/* Prisma reads only its migration folders: a loose file beside them is skipped with a warning, as Prisma skips it. */
TEST_F(LayoutsHistories, PrismaLooseFileSkippedWithWarning)
{
	std::string dir = pgmtest::CopyFixture("histories/prisma", tmp_.Path());
	RunResult r = Run({"--dir", dir, "deploy"});
	EXPECT_EQ(r.exit_code, 0) << r.All();
	EXPECT_NE(r.err.find(dir + "/fix_migrations.sql: not a migration folder, so prisma migrate never runs it"),
	          std::string::npos)
	    << r.All();
	EXPECT_EQ(Count("true"), static_cast<long>(kPrismaUps.size()));
}

TEST_F(LayoutsHistories, PrismaResolveAndStatusNameSameTimestampFolders)
{
	std::string dir = pgmtest::CopyFixture("histories/prisma", tmp_.Path());
	RunResult r = Run({"--dir", dir, "deploy", "--target", "20260630120000"});
	ASSERT_EQ(r.exit_code, 0) << r.All();
	EXPECT_EQ(Count("state = 'applied'"), 1);
	/* the folder name picks the second folder of the timestamp, not the first */
	r = Run({"--dir", dir, "resolve", "--applied", "20260630120000_user_nickname"});
	ASSERT_EQ(r.exit_code, 0) << r.All();
	EXPECT_NE(r.out.find("user_nickname"), std::string::npos) << r.All();
	EXPECT_EQ(db_->Scalar("SELECT state FROM migrate.status() WHERE name = 'user_nickname'"), "applied");
	r = Run({"--dir", dir, "--format", "json", "status"});
	ASSERT_EQ(r.exit_code, 0) << r.All();
	nlohmann::json doc = pgmtest::ParseStdout(r);
	EXPECT_NE(doc.dump().find("user_nickname"), std::string::npos) << doc.dump();
	EXPECT_NE(doc.dump().find("add_tags"), std::string::npos) << doc.dump();
}

TEST_F(LayoutsHistories, FlywayConcurrentIndexesWithoutDirective)
{
	DeployMatchesPsql("flyway", kFlywayUps);
	EXPECT_EQ(Transactional("email_index"), "false");
	EXPECT_EQ(Transactional("drop_plan_index"), "false");
	EXPECT_EQ(Transactional("plans"), "true");
	EXPECT_EQ(db_->Count("SELECT count(*) FROM pg_indexes WHERE indexname = 'accounts_plan'"), 0);
}

TEST_F(LayoutsHistories, GolangMigrateOwnTransactionsAndEmptyDowns)
{
	DeployMatchesPsql("golang", kGolangUps);
	EXPECT_EQ(Transactional("create_users"), "true");
	EXPECT_EQ(db_->Count("SELECT count(*) FROM users"), 1);
	/* empty and comment-only down files are downs that do nothing; the BEGIN/COMMIT one drops the tables */
	EXPECT_EQ(Count("has_down"), 3);
	RunResult r = Run({"--dir", tmp_.Path() + "/histories/golang", "rollback", "--steps", "2"});
	ASSERT_EQ(r.exit_code, 0) << r.All();
	EXPECT_EQ(db_->Count("SELECT count(*) FROM users"), 1);
	EXPECT_EQ(db_->Count("SELECT count(*) FROM pg_indexes WHERE indexname = 'sessions_user_id'"), 1);
	r = Run({"--dir", tmp_.Path() + "/histories/golang", "rollback"});
	ASSERT_EQ(r.exit_code, 0) << r.All();
	EXPECT_FALSE(db_->TableExists("users"));
	EXPECT_EQ(Count("state = 'applied'"), 0);
}

TEST_F(LayoutsHistories, GolangMigrateInnerTransactionControlRefused)
{
	std::string dir = pgmtest::CopyFixture("histories/golang", tmp_.Path());
	tmp_.Write("histories/golang/000004_two_transactions.up.sql",
	           "BEGIN;\nCREATE TABLE a (id int);\nCOMMIT;\nBEGIN;\nCREATE TABLE b (id int);\nCOMMIT;\n");
	RunResult r = Run({"--dir", dir, "deploy"});
	EXPECT_EQ(r.exit_code, 2) << r.All();
	EXPECT_NE(r.err.find("COMMIT is not allowed inside a migration"), std::string::npos) << r.All();
	EXPECT_NE(r.err.find("000004_two_transactions.up.sql"), std::string::npos) << r.All();
	EXPECT_EQ(Registered(), 0);
}

TEST_F(LayoutsHistories, DrizzleUnlistedFileSkippedWithWarning)
{
	RunResult r = DeployMatchesPsql("drizzle", kDrizzleUps);
	EXPECT_NE(r.err.find("warning: " + tmp_.Path() +
	                     "/histories/drizzle/0002_draft_not_generated.sql: not listed in "
	                     "meta/_journal.json"),
	          std::string::npos)
	    << r.All();
	EXPECT_TRUE(db_->TableExists("orders"));
	/* CREATE INDEX CONCURRENTLY alone between breakpoints: no-transaction */
	EXPECT_EQ(Transactional("orders_index"), "false");
	r = Run({"--dir", tmp_.Path() + "/histories/drizzle", "--format", "json", "deploy"});
	ASSERT_EQ(r.exit_code, 0) << r.All();
	nlohmann::json doc = pgmtest::ParseStdout(r);
	ASSERT_TRUE(doc.contains("skipped_files")) << doc.dump();
	EXPECT_EQ(doc["skipped_files"].size(), 1u);
}

TEST_F(LayoutsHistories, DrizzleConcurrentIndexSharingItsChunkIsRefused)
{
	std::string dir = pgmtest::CopyFixture("histories/drizzle", tmp_.Path());
	tmp_.Write("histories/drizzle/0001_orders_index.sql",
	           "ALTER TABLE \"orders\" ADD COLUMN \"placed_at\" timestamptz;\n"
	           "CREATE INDEX CONCURRENTLY \"orders_customer_idx\" ON \"orders\" (\"customer\");\n");
	RunResult r = Run({"--dir", dir, "deploy"});
	EXPECT_EQ(r.exit_code, 2) << r.All();
	EXPECT_NE(r.err.find("drizzle would send it in one query"), std::string::npos) << r.All();
	EXPECT_EQ(Registered(), 0);
}

TEST_F(LayoutsHistories, DrizzleV1Folders)
{
	DeployMatchesPsql("drizzle_v1", kDrizzleV1Ups);
	EXPECT_EQ(db_->Scalar("SELECT string_agg(version || '_' || name, ',' ORDER BY version) FROM migrate.status()"),
	          "20250508193838_init,20250509100000_items_index");
	EXPECT_EQ(Transactional("items_index"), "false");
}

TEST_F(LayoutsHistories, DbmateIndentedMarkerIsSql)
{
	std::string dir = pgmtest::CopyFixture("histories/dbmate", tmp_.Path());
	/* psql gets the up sections (what dbmate runs on up) */
	std::vector<std::string> ups;
	for (const char *file : {"20260105100000_audit_function.sql", "20260106090000_wrapped.sql"}) {
		std::string text = pgmtest::ReadFile(dir + "/" + file);
		std::string up = text.substr(0, text.find("\n-- migrate:down\n") + 1);
		tmp_.Write(std::string("ups/") + file, up);
		ups.push_back(file);
	}
	RunResult r = Run({"--dir", dir, "deploy"});
	ASSERT_EQ(r.exit_code, 0) << r.All();
	PsqlFiles(tmp_.Path() + "/ups", ups);
	EXPECT_EQ(Schema(db_name_), Schema(psql_db_));
	Sql("SELECT audit('hello')");
	EXPECT_EQ(db_->Count("SELECT count(*) FROM audit_log"), 1);
	EXPECT_NE(db_->Scalar("SELECT up_sql FROM migrate.migrations WHERE name = 'audit_function'")
	              .find("    -- migrate:down\n"),
	          std::string::npos);
	/* both downs run: the real markers are the ones at column 0 */
	r = Run({"--dir", dir, "rollback", "--steps", "2"});
	ASSERT_EQ(r.exit_code, 0) << r.All();
	EXPECT_FALSE(db_->TableExists("audit_log"));
}

TEST_F(LayoutsHistories, NativeConcurrentlyWithoutDirectiveStillRefused)
{
	WriteMigration("20260101000000_t.sql", "CREATE TABLE t (id int);\n");
	WriteMigration("20260102000000_t_index.sql", "CREATE INDEX CONCURRENTLY t_id ON t (id);\n");
	RunResult r = Run({"deploy"});
	EXPECT_EQ(r.exit_code, 2) << r.All();
	EXPECT_NE(r.err.find("CREATE INDEX CONCURRENTLY cannot run inside a transaction"), std::string::npos) << r.All();
	EXPECT_NE(r.err.find("-- migrate:no-transaction"), std::string::npos) << r.All();
	EXPECT_EQ(Registered(), 0);
}

/* ---- adopt, then deploy: nothing left to apply ---- */

TEST_F(LayoutsHistories, AdoptPrismaSameTimestampsThenDeployAppliesNothing)
{
	std::string dir = pgmtest::CopyFixture("histories/prisma", tmp_.Path());
	Sql(R"(CREATE TABLE "_prisma_migrations" (
	           "id" VARCHAR(36) PRIMARY KEY NOT NULL, "checksum" VARCHAR(64) NOT NULL, "finished_at" TIMESTAMPTZ,
	           "migration_name" VARCHAR(255) NOT NULL, "logs" TEXT, "rolled_back_at" TIMESTAMPTZ,
	           "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(), "applied_steps_count" INTEGER NOT NULL DEFAULT 0);)");
	int n = 0;
	for (const std::string &up : kPrismaUps) {
		Sql(pgmtest::ReadFile(dir + "/" + up));
		db_->Query(
		    "INSERT INTO \"_prisma_migrations\" (id, checksum, finished_at, migration_name, applied_steps_count) "
		    "VALUES ($1, $2, now(), $3, 1)",
		    {"id-" + std::to_string(++n), pgmigrate::client::Sha256Hex(pgmtest::ReadFile(dir + "/" + up)),
		     up.substr(0, up.find('/'))});
	}
	AdoptThenDeployAppliesNothing(dir, "prisma", 4);
}

/* golang-migrate ran the files (their own BEGIN/COMMIT) and keeps its current version: nothing left to apply. */
TEST_F(LayoutsHistories, AdoptGolangMigrateOwnTransactionsThenDeployAppliesNothing)
{
	std::string dir = pgmtest::CopyFixture("histories/golang", tmp_.Path());
	for (const std::string &up : kGolangUps)
		Sql(pgmtest::ReadFile(dir + "/" + up));
	Sql("CREATE TABLE schema_migrations (version bigint NOT NULL PRIMARY KEY, dirty boolean NOT NULL);"
	    "INSERT INTO schema_migrations VALUES (3, false);");
	AdoptThenDeployAppliesNothing(dir, "golang-migrate", static_cast<long>(kGolangUps.size()));
}

/* Flyway ran the CONCURRENTLY files without a transaction and recorded its checksums: nothing left to apply. */
TEST_F(LayoutsHistories, AdoptFlywayConcurrentIndexesThenDeployAppliesNothing)
{
	std::string dir = pgmtest::CopyFixture("histories/flyway", tmp_.Path());
	Sql(R"(CREATE TABLE "flyway_schema_history" ("installed_rank" INT NOT NULL PRIMARY KEY, "version" VARCHAR(50),
	           "description" VARCHAR(200) NOT NULL, "type" VARCHAR(20) NOT NULL, "script" VARCHAR(1000) NOT NULL,
	           "checksum" INTEGER, "installed_by" VARCHAR(100) NOT NULL,
	           "installed_on" TIMESTAMP NOT NULL DEFAULT now(), "execution_time" INTEGER NOT NULL,
	           "success" BOOLEAN NOT NULL);)");
	int rank = 0;
	for (const std::string &file : kFlywayUps) {
		std::string bytes = pgmtest::ReadFile(dir + "/" + file);
		Sql(bytes);
		std::string version = file.substr(1, file.find("__") - 1);
		db_->Query("INSERT INTO flyway_schema_history VALUES ($1::int, $2, $3, 'SQL', $4, $5::int, 'flyway', now(), 1, "
		           "true)",
		           {std::to_string(++rank), version, file.substr(file.find("__") + 2), file,
		            std::to_string(pgmigrate::client::FlywayChecksum(bytes))});
	}
	AdoptThenDeployAppliesNothing(dir, "flyway", static_cast<long>(kFlywayUps.size()));
}

/* drizzle ran the journal's files (never the unlisted one): adopt and deploy agree, and skip it the same way. */
TEST_F(LayoutsHistories, AdoptDrizzleWithUnlistedFileThenDeployAppliesNothing)
{
	std::string dir = pgmtest::CopyFixture("histories/drizzle", tmp_.Path());
	Sql("CREATE SCHEMA drizzle;"
	    "CREATE TABLE drizzle.__drizzle_migrations (id SERIAL PRIMARY KEY, hash text NOT NULL, created_at bigint);");
	const char *when[] = {"1751270400000", "1751356800000"}; /* the journal's "when" */
	for (std::size_t i = 0; i < kDrizzleUps.size(); i++)
		db_->Query("INSERT INTO drizzle.__drizzle_migrations (hash, created_at) VALUES ($1, $2)",
		           {pgmigrate::client::Sha256Hex(pgmtest::ReadFile(dir + "/" + kDrizzleUps[i])), when[i]});
	/* what drizzle's migrations made: each chunk between breakpoints is one query, as drizzle sends it */
	for (const std::string &up : kDrizzleUps) {
		std::string sql = pgmtest::ReadFile(dir + "/" + up);
		std::size_t start = 0;
		while (start < sql.size()) {
			std::size_t at = sql.find("--> statement-breakpoint", start);
			std::string chunk = sql.substr(start, at == std::string::npos ? std::string::npos : at - start);
			if (chunk.find_first_not_of(" \t\n") != std::string::npos)
				Sql(chunk);
			start = at == std::string::npos ? sql.size() : at + 24;
		}
	}
	RunResult r = AdoptThenDeployAppliesNothing(dir, "drizzle", static_cast<long>(kDrizzleUps.size()));
	EXPECT_NE(r.err.find("0002_draft_not_generated.sql: not listed in meta/_journal.json"), std::string::npos)
	    << r.All();
}

/* dbmate ran the up sections (own BEGIN/COMMIT, an indented marker inside a function, a broken down). */
TEST_F(LayoutsHistories, AdoptDbmateThenDeployAppliesNothing)
{
	std::string dir = pgmtest::CopyFixture("histories/dbmate", tmp_.Path());
	tmp_.Write("histories/dbmate/20260107080000_notes.sql",
	           "-- migrate:up\nCREATE TABLE notes (id int);\n-- migrate:down\nDROP TABEL notes;\n");
	for (const char *file :
	     {"20260105100000_audit_function.sql", "20260106090000_wrapped.sql", "20260107080000_notes.sql"}) {
		std::string text = pgmtest::ReadFile(dir + "/" + file);
		Sql(text.substr(0, text.find("\n-- migrate:down\n") + 1));
	}
	Sql("CREATE TABLE schema_migrations (version varchar(128) PRIMARY KEY);"
	    "INSERT INTO schema_migrations VALUES ('20260105100000'), ('20260106090000'), ('20260107080000');");
	RunResult r = AdoptThenDeployAppliesNothing(dir, "dbmate", 3);
	/* the broken down stays visible, and rolling that migration back is refused */
	r = Run({"--dir", dir, "rollback"});
	EXPECT_NE(r.exit_code, 0) << r.All();
	EXPECT_NE(r.All().find("20260107080000_notes.sql:4"), std::string::npos) << r.All();
}

TEST_F(LayoutsHistories, AdoptDrizzleV1ThenDeployAppliesNothing)
{
	std::string dir = pgmtest::CopyFixture("histories/drizzle_v1", tmp_.Path());
	Sql("CREATE SCHEMA drizzle;"
	    "CREATE TABLE drizzle.__drizzle_migrations (id SERIAL PRIMARY KEY, hash text NOT NULL, created_at bigint);");
	/* created_at: the folder's timestamp read as UTC, in milliseconds (see README, Switching from Drizzle) */
	const char *created[] = {"1746733118000", "1746784800000"};
	for (std::size_t i = 0; i < kDrizzleV1Ups.size(); i++)
		db_->Query("INSERT INTO drizzle.__drizzle_migrations (hash, created_at) VALUES ($1, $2)",
		           {pgmigrate::client::Sha256Hex(pgmtest::ReadFile(dir + "/" + kDrizzleV1Ups[i])), created[i]});
	/* what drizzle's migrations made (the index is built on its own, outside a transaction) */
	Sql(pgmtest::ReadFile(dir + "/" + kDrizzleV1Ups[0]));
	Sql("ALTER TABLE items ADD COLUMN archived boolean DEFAULT false NOT NULL");
	Sql("CREATE INDEX CONCURRENTLY items_price_idx ON items (price)");
	AdoptThenDeployAppliesNothing(dir, "drizzle", 2);
}

TEST_F(LayoutsHistories, AdoptDrizzleV1AcceptsTheTimestampDigitsAsCreatedAt)
{
	std::string dir = pgmtest::CopyFixture("histories/drizzle_v1", tmp_.Path());
	Sql("CREATE SCHEMA drizzle;"
	    "CREATE TABLE drizzle.__drizzle_migrations (id SERIAL PRIMARY KEY, hash text NOT NULL, created_at bigint);");
	std::string sql = pgmtest::ReadFile(dir + "/" + kDrizzleV1Ups[0]);
	Sql(sql);
	db_->Query("INSERT INTO drizzle.__drizzle_migrations (hash, created_at) VALUES ($1, 20250508193838)",
	           {pgmigrate::client::Sha256Hex(sql)});
	RunResult r = Run({"--dir", dir, "adopt", "--from", "drizzle"});
	ASSERT_EQ(r.exit_code, 0) << r.All();
	EXPECT_EQ(Count("state = 'applied'"), 1);
	r = Run({"--dir", dir, "deploy"});
	ASSERT_EQ(r.exit_code, 0) << r.All();
	EXPECT_EQ(db_->Scalar("SELECT string_agg(name, ',') FROM migrate.history WHERE action = 'apply'"), "items_index");
}

TEST_F(LayoutsHistories, AdoptReportsEachChangedFileOnce)
{
	std::string dir = pgmtest::CopyFixture("histories/prisma", tmp_.Path());
	Sql(R"(CREATE TABLE "_prisma_migrations" (
	           "id" VARCHAR(36) PRIMARY KEY NOT NULL, "checksum" VARCHAR(64) NOT NULL, "finished_at" TIMESTAMPTZ,
	           "migration_name" VARCHAR(255) NOT NULL, "logs" TEXT, "rolled_back_at" TIMESTAMPTZ,
	           "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(), "applied_steps_count" INTEGER NOT NULL DEFAULT 0);)");
	int n = 0;
	for (const std::string &up : kPrismaUps)
		db_->Query("INSERT INTO \"_prisma_migrations\" (id, checksum, finished_at, migration_name) "
		           "VALUES ($1, 'recorded-before-the-edit', now(), $2)",
		           {"id-" + std::to_string(++n), up.substr(0, up.find('/'))});
	RunResult r = Run({"--dir", dir, "--format", "json", "adopt", "--from", "prisma"});
	EXPECT_EQ(r.exit_code, 4) << r.All();
	EXPECT_EQ(r.err.find("has no record"), std::string::npos) << r.err;
	std::size_t changed = 0;
	for (std::size_t at = r.err.find("changed since prisma applied it"); at != std::string::npos;
	     at = r.err.find("changed since prisma applied it", at + 1))
		changed++;
	EXPECT_EQ(changed, kPrismaUps.size()) << r.err;
	EXPECT_NE(r.err.find("4 problems"), std::string::npos) << r.err;
}

/* ---- lint FILE reads a file of another tool as deploy would ---- */

TEST_F(LayoutsHistories, LintReadsToolFilesAsDeployDoes)
{
	for (const char *fixture : {"prisma", "flyway", "golang", "drizzle", "drizzle_v1", "dbmate"})
		pgmtest::CopyFixture(std::string("histories/") + fixture, tmp_.Path());
	std::string root = tmp_.Path() + "/histories";
	for (const std::string &file :
	     {root + "/prisma/20260701090000_tag_name_index/migration.sql",
	      root + "/prisma/20260702100000_remove_guest_role/migration.sql", root + "/flyway/V2__email_index.sql",
	      root + "/flyway/V3__drop_plan_index.sql", root + "/golang/000001_create_users.up.sql",
	      root + "/golang/000001_create_users.down.sql", root + "/drizzle/0001_orders_index.sql",
	      root + "/drizzle_v1/20250509100000_items_index/migration.sql",
	      root + "/dbmate/20260105100000_audit_function.sql", root + "/dbmate/20260106090000_wrapped.sql"}) {
		RunResult r = Run({"--format", "json", "lint", file});
		EXPECT_EQ(r.exit_code, 0) << file << "\n" << r.All();
		nlohmann::json doc = pgmtest::ParseStdout(r);
		for (const auto &f : doc["findings"]) {
			EXPECT_NE(f["rule"], "requires-no-transaction") << file << ": " << f.dump();
			EXPECT_NE(f["rule"], "transaction-control") << file << ": " << f.dump();
		}
	}
	/* a problem in a tool's down file is named in that file, at its own line (a broken down is a warning) */
	tmp_.Write("histories/golang2/000009_bad.up.sql", "SELECT 1;\n");
	tmp_.Write("histories/golang2/000009_bad.down.sql", "SELECT 1;\nDROP TABLEE x;\n");
	RunResult r = Run({"lint", root + "/golang2/000009_bad.up.sql"});
	EXPECT_EQ(r.exit_code, 0) << r.All();
	EXPECT_NE(r.All().find(root + "/golang2/000009_bad.down.sql:2: warning: broken-down"), std::string::npos)
	    << r.All();
	/* the same statement in a native file: the directive is the contract */
	std::string native = tmp_.Write("native/20260101000000_index.sql", "CREATE INDEX CONCURRENTLY i ON t (id);\n");
	r = Run({"lint", native});
	EXPECT_EQ(r.exit_code, 4) << r.All();
	EXPECT_NE(r.All().find("requires-no-transaction"), std::string::npos) << r.All();
	/* a drizzle file the journal does not list is not a migration */
	r = Run({"lint", root + "/drizzle/0002_draft_not_generated.sql"});
	EXPECT_EQ(r.exit_code, 2) << r.All();
	EXPECT_NE(r.err.find("not listed in meta/_journal.json"), std::string::npos) << r.All();
}

} // namespace
