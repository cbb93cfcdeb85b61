/*
 * Schema fingerprints from the client: `pg_migrate diff` (exit 0 / 4, text
 * and JSON), and deploy against a drifted database — warned by default,
 * refused with pg_migrate.drift_gate = error (exit 4, MG011, the objects
 * listed), applied after --accept-drift, which history records.
 */
#include "harness.hpp"

#include <gtest/gtest.h>

using pgmtest::ClientTest;
using pgmtest::ParseStdout;
using pgmtest::RunResult;
using json = nlohmann::json;

namespace {

class Diff : public ClientTest {
protected:
	void
	SetUp() override
	{
		ClientTest::SetUp();
		WriteMigration("0001_accounts.sql", "CREATE TABLE accounts (id bigint PRIMARY KEY, email text);\n");
		RunResult r = Run({"deploy"});
		ASSERT_EQ(r.exit_code, 0) << r.All();
	}
};

TEST_F(Diff, NoDriftExitsZero)
{
	RunResult r = Run({"diff"});
	EXPECT_EQ(r.exit_code, 0) << r.All();
	EXPECT_NE(r.err.find("no drift"), std::string::npos) << r.All();
	r = Run({"--format", "json", "diff"});
	EXPECT_EQ(r.exit_code, 0) << r.All();
	EXPECT_TRUE(ParseStdout(r)["changes"].empty());
}

TEST_F(Diff, HandMadeChangesAreListedAndExitFour)
{
	db_->Script("ALTER TABLE accounts ADD COLUMN phone text; CREATE INDEX accounts_email ON accounts (email);");
	RunResult r = Run({"diff"});
	EXPECT_EQ(r.exit_code, 4) << r.All();
	EXPECT_NE(r.out.find("--- recorded table public.accounts"), std::string::npos) << r.out;
	EXPECT_NE(r.out.find("+(id bigint not null, email text, phone text)"), std::string::npos) << r.out;
	EXPECT_NE(r.out.find("-(id bigint not null, email text)"), std::string::npos) << r.out;
	EXPECT_NE(r.out.find("@@ added @@"), std::string::npos) << r.out;

	r = Run({"--format", "json", "diff"});
	EXPECT_EQ(r.exit_code, 4) << r.All();
	json changes = ParseStdout(r)["changes"];
	ASSERT_EQ(changes.size(), 2u) << changes.dump(2);
	EXPECT_EQ(changes[0]["kind"], "index");
	EXPECT_EQ(changes[0]["object"], "public.accounts_email");
	EXPECT_EQ(changes[0]["change"], "added");
	EXPECT_TRUE(changes[0]["before"].is_null());
	EXPECT_EQ(changes[1]["kind"], "table");
	EXPECT_EQ(changes[1]["change"], "changed");
}

TEST_F(Diff, DeployWarnsRefusesWithErrorGateAndAcceptsDrift)
{
	db_->Script("CREATE TABLE handmade (id bigint);");
	WriteMigration("0002_orders.sql", "CREATE TABLE orders (id bigint PRIMARY KEY);\n");

	/* the default gate warns and applies */
	WriteMigration("0003_items.sql", "CREATE TABLE items (id bigint PRIMARY KEY);\n");
	RunResult r = Run({"deploy", "--target", "0002"});
	EXPECT_EQ(r.exit_code, 0) << r.All();
	EXPECT_NE(r.err.find("schema drift"), std::string::npos) << r.All();
	EXPECT_NE(r.err.find("table public.handmade"), std::string::npos) << r.All();
	EXPECT_TRUE(db_->TableExists("orders"));

	/* error refuses before anything runs */
	r = Run({"deploy"}, {{"PGOPTIONS", std::string("-c pg_migrate.drift_gate=error")}});
	EXPECT_EQ(r.exit_code, 4) << r.All();
	EXPECT_NE(r.err.find("MG011"), std::string::npos) << r.All();
	EXPECT_NE(r.err.find("table public.handmade"), std::string::npos) << r.All();
	EXPECT_FALSE(db_->TableExists("items"));

	/* --accept-drift records the state as the baseline, then applies */
	r = Run({"deploy", "--accept-drift"}, {{"PGOPTIONS", std::string("-c pg_migrate.drift_gate=error")}});
	EXPECT_EQ(r.exit_code, 0) << r.All();
	EXPECT_TRUE(db_->TableExists("items"));
	EXPECT_EQ(db_->Scalar("SELECT role = current_user FROM migrate.history WHERE action = 'accept-drift'"), "t");
	EXPECT_EQ(Run({"diff"}).exit_code, 0);
}

TEST_F(Diff, AgainstFolderComparesWithTheSchemaTheFoldersProduce)
{
	AllowCreatedb(); /* the scratch database (managed mode: as most managed services give the owner) */
	RunResult r = Run({"diff", "--against-folder"});
	EXPECT_EQ(r.exit_code, 0) << r.All();
	EXPECT_NE(r.err.find("what the folders produce"), std::string::npos) << r.All();

	/*
	 * changed by hand and accepted (deploy --accept-drift, with a migration that changes no schema to deploy:
	 * managed mode has no migrate.accept_drift() in SQL), so the recorded state has it too: the folders still
	 * say otherwise
	 */
	db_->Script("ALTER TABLE accounts ADD COLUMN phone text;");
	WriteMigration("0002_nothing.sql", "SELECT 1;\n");
	r = Run({"deploy", "--accept-drift"});
	ASSERT_EQ(r.exit_code, 0) << r.All();
	EXPECT_EQ(Run({"diff"}).exit_code, 0);
	r = Run({"--format", "json", "diff", "--against-folder"});
	EXPECT_EQ(r.exit_code, 4) << r.All();
	json changes = ParseStdout(r)["changes"];
	ASSERT_EQ(changes.size(), 1u) << changes.dump(2);
	EXPECT_EQ(changes[0]["object"], "public.accounts");
	EXPECT_EQ(changes[0]["change"], "changed");
	EXPECT_EQ(changes[0]["before"], "(id bigint not null, email text)");
	/* the scratch database is gone */
	EXPECT_EQ(db_->Scalar("SELECT count(*) FROM pg_database WHERE datname LIKE 'pg_migrate_scratch_%'"), "0");
}

TEST_F(Diff, SameMigrationsInTwoDatabasesDescribeAlike)
{
	AllowCreatedb();
	std::string other = db_name_ + "_twin";
	/* the same role as this test's database (managed mode: its owner, by user and password) */
	std::string other_conninfo = "dbname=" + other + conninfo_.substr(("dbname=" + db_name_).size());
	db_->Query("DROP DATABASE IF EXISTS " + other);
	db_->Query("CREATE DATABASE " + other);
	if (Managed()) {
		RunResult installed = pgmtest::RunClient({"--db", other_conninfo, "install", "--no-extension"});
		ASSERT_EQ(installed.exit_code, 0) << installed.All();
	} else {
		pgmtest::Db twin("dbname=" + other);
		twin.Query("CREATE EXTENSION pg_migrate");
	}
	RunResult r = pgmtest::RunClient({"--db", other_conninfo, "deploy"}, {}, tmp_.Path());
	EXPECT_EQ(r.exit_code, 0) << r.All();
	std::string here = db_->Scalar("SELECT string_agg(kind || ' ' || object || ' ' || description, E'\\n') "
	                               "FROM migrate.describe()");
	std::string there;
	{
		pgmtest::Db twin("dbname=" + other);
		there = twin.Scalar("SELECT string_agg(kind || ' ' || object || ' ' || description, E'\\n') "
		                    "FROM migrate.describe()");
		EXPECT_EQ(twin.Scalar("SELECT migrate.fingerprint()"), db_->Scalar("SELECT migrate.fingerprint()"));
	}
	EXPECT_EQ(there, here);
	EXPECT_FALSE(here.empty());
	db_->Query("DROP DATABASE " + other);
}

} // namespace
