/* Connecting: missing extension, unreachable server, install, and passwords never printed. */
#include "harness.hpp"

#include <nlohmann/json.hpp>

#include <cstdlib>

using pgmtest::ClientTest;
using pgmtest::RunClient;
using pgmtest::RunResult;

namespace {

const std::string kSecret = "s3cretpw";

class NoExtension : public ClientTest {
protected:
	bool
	WithExtension() const override
	{
		return false;
	}
};

TEST_F(NoExtension, DeployAndStatusExit3AndSayHowToInstall)
{
	WriteMigration("0001_a.sql", "CREATE TABLE a (id int);\n");
	for (const char *command : {"deploy", "status", "push", "history"}) {
		RunResult r = Run({command});
		EXPECT_EQ(r.exit_code, 3) << command << ": " << r.All();
		EXPECT_NE(r.err.find("extension pg_migrate is not installed in database " + db_name_), std::string::npos)
		    << r.err;
		EXPECT_NE(r.err.find("pg_migrate install"), std::string::npos) << r.err;
	}
	EXPECT_FALSE(db_->TableExists("a"));
}

TEST_F(NoExtension, InstallCreatesExtensionAndIsRepeatable)
{
	RunResult r = Run({"install"});
	ASSERT_EQ(r.exit_code, 0) << r.All();
	EXPECT_EQ(db_->Scalar("SELECT extversion FROM pg_extension WHERE extname = 'pg_migrate'"), PG_MIGRATE_VERSION);
	EXPECT_NE(r.out.find("pg_migrate " PG_MIGRATE_VERSION " is installed"), std::string::npos) << r.out;
	r = Run({"install"});
	EXPECT_EQ(r.exit_code, 0) << r.All();
	/* the server's "already exists" notices are not shown without -v */
	EXPECT_EQ(r.err, "");

	WriteMigration("0001_a.sql", "CREATE TABLE a (id int);\n");
	EXPECT_EQ(Run({"deploy"}).exit_code, 0);
	EXPECT_TRUE(db_->TableExists("a"));
}

TEST_F(NoExtension, InstallUpdatesAnOlderCatalogAndKeepsHistory)
{
	db_->Script("CREATE EXTENSION pg_migrate VERSION '0.1.0'");
	WriteMigration("0001_a.sql", "CREATE TABLE a (id bigint);\n");
	ASSERT_EQ(Run({"deploy"}).exit_code, 0);
	std::string history =
	    db_->Scalar("SELECT string_agg(id || ':' || version || ':' || status, ',') FROM migrate.history");
	RunResult r = Run({"install"});
	ASSERT_EQ(r.exit_code, 0) << r.All();
	EXPECT_EQ(db_->Scalar("SELECT extversion FROM pg_extension WHERE extname = 'pg_migrate'"), PG_MIGRATE_VERSION);
	EXPECT_EQ(db_->Scalar("SELECT string_agg(id || ':' || version || ':' || status, ',') FROM migrate.history"),
	          history);
	WriteMigration("0002_b.sql", "CREATE TABLE b (id bigint);\n");
	EXPECT_EQ(Run({"deploy"}).exit_code, 0);
	EXPECT_TRUE(db_->TableExists("b"));
}

TEST(Connection, UnreachableServerExits3)
{
	pgmtest::TempDir tmp;
	tmp.Write("migrations/0001_a.sql", "SELECT 1;\n");
	for (const char *command : {"deploy", "status", "install"}) {
		RunResult r = RunClient({"--db", "postgresql://127.0.0.1:1/nowhere", command}, {}, tmp.Path());
		EXPECT_EQ(r.exit_code, 3) << command << ": " << r.All();
		EXPECT_NE(r.err.find("cannot connect"), std::string::npos) << r.err;
	}
	/* libpq defaults (PG*) pointing nowhere */
	RunResult r = RunClient({"status"}, {{"PGHOST", "127.0.0.1"}, {"PGPORT", "1"}}, tmp.Path());
	EXPECT_EQ(r.exit_code, 3) << r.All();
}

TEST(Connection, PasswordIsNeverPrinted)
{
	pgmtest::TempDir tmp;
	tmp.Write("migrations/0001_a.sql", "SELECT 1;\n");
	const std::vector<std::string> targets = {
	    "postgresql://alice:" + kSecret + "@127.0.0.1:1/db",
	    "postgres://alice:" + kSecret + "@127.0.0.1:1/db?sslmode=disable",
	    "postgresql://alice@127.0.0.1:1/db?password=" + kSecret,
	    "postgresql://alice:" + kSecret + "@[::1/db", /* malformed: libpq quotes the whole URL */
	    "postgresql://alice:" + kSecret + "@127.0.0.1:notaport/db",
	    "host=127.0.0.1 port=1 user=alice password=" + kSecret,
	    "host=127.0.0.1 port=1 password='" + kSecret + "' user=alice",
	};
	for (const std::string &target : targets) {
		for (const char *command : {"status", "deploy"}) {
			for (const char *format : {"text", "json"}) {
				RunResult r = RunClient({"-v", "--format", format, "--db", target, command}, {}, tmp.Path());
				EXPECT_EQ(r.exit_code, 3) << target << " " << command << ": " << r.All();
				EXPECT_EQ(r.All().find(kSecret), std::string::npos) << target << " " << command << ":\n" << r.All();
			}
		}
		RunResult r = RunClient({"-v", "status"}, {{"DATABASE_URL", target}}, tmp.Path());
		EXPECT_EQ(r.exit_code, 3) << r.All();
		EXPECT_EQ(r.All().find(kSecret), std::string::npos) << r.All();
	}
}

TEST_F(ClientTest, VerboseNamesConnectionButNotPassword)
{
	/* a working URL with the real password in it */
	const char *password = std::getenv("PGPASSWORD");
	const char *user = std::getenv("PGUSER");
	const char *host = std::getenv("PGHOST");
	const char *port = std::getenv("PGPORT");
	if (password == nullptr || user == nullptr || host == nullptr || port == nullptr ||
	    std::string(password).size() < 4)
		GTEST_SKIP() << "needs PGPASSWORD, PGUSER, PGHOST and PGPORT (pg_virtualenv sets them)";
	std::string url = std::string("postgresql://") + user + ":" + password + "@" + host + ":" + port + "/" + db_name_;
	WriteMigration("0001_a.sql", "CREATE TABLE a (id int);\n");
	RunResult r = RunClient({"-v", "deploy", "--db", url}, {{"PGPASSWORD", std::nullopt}}, tmp_.Path());
	ASSERT_EQ(r.exit_code, 0) << r.All();
	EXPECT_TRUE(db_->TableExists("a"));
	EXPECT_NE(r.err.find("connected to database \"" + db_name_ + "\" as user \"" + user + "\""), std::string::npos)
	    << r.err;
	EXPECT_EQ(r.All().find(password), std::string::npos) << r.All();
}

} // namespace
