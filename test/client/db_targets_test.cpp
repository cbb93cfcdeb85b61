/*
 * deploy to many databases: --targets FILE and repeated --db, --jobs N in
 * parallel, a result table per database, the worst exit code.
 */
#include "fixtures.hpp"
#include "harness.hpp"

#include <nlohmann/json.hpp>

using pgmtest::ClientTest;
using pgmtest::RunClient;
using pgmtest::RunResult;

namespace {

class Targets : public ClientTest {
protected:
	void
	TearDown() override
	{
		pgmtest::Db admin("");
		for (const std::string &name : created_)
			admin.Query("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
		ClientTest::TearDown();
	}
	/* A new database named <this test's database>_<suffix>, with the extension unless told otherwise. */
	std::string
	CreateDatabase(const std::string &suffix, bool with_extension = true)
	{
		std::string name = db_name_ + "_" + suffix;
		pgmtest::Db admin("");
		admin.Query("CREATE DATABASE " + name);
		created_.push_back(name);
		if (with_extension)
			pgmtest::Db("dbname=" + name).Query("CREATE EXTENSION pg_migrate");
		return name;
	}
	RunResult
	Client(const std::vector<std::string> &args)
	{
		return RunClient(args, {}, tmp_.Path());
	}
	std::vector<std::string> created_;
};

TEST_F(Targets, TenDatabasesOneBrokenTheOtherNineDeployed)
{
	std::string dir = pgmtest::CopyFixture("flyway", tmp_.Path());
	std::vector<std::string> names;
	std::string file = "# tenants of the staging cluster\n\n";
	for (int i = 0; i < 10; i++) {
		/* the seventh has no pg_migrate extension: broken on purpose */
		names.push_back(CreateDatabase("t" + std::to_string(i), i != 6));
		file += "dbname=" + names.back() + (i % 3 == 0 ? "  \n" : "\n");
		if (i == 4)
			file += "   # a comment line between targets\n";
	}
	std::string targets = tmp_.Write("targets.txt", file);

	RunResult r = Client({"--dir", dir, "deploy", "--targets", targets, "--jobs", "4"});
	EXPECT_EQ(r.exit_code, 3) << r.All();
	/* the table: one row per database, the broken one named with its error */
	for (int i = 0; i < 10; i++) {
		std::size_t row = r.out.find(" dbname=" + names[i] + " ");
		ASSERT_NE(row, std::string::npos) << names[i] << "\n" << r.out;
		std::string line = r.out.substr(row, r.out.find('\n', row) - row);
		if (i == 6) {
			EXPECT_NE(line.find("no extension"), std::string::npos) << line;
			EXPECT_NE(line.find("extension pg_migrate is not installed in database " + names[i]), std::string::npos)
			    << line;
		} else {
			EXPECT_NE(line.find("deployed"), std::string::npos) << line;
			EXPECT_NE(line.find("|       7 |    0 |"), std::string::npos) << line;
		}
	}
	EXPECT_NE(r.err.find("1 of 10 databases not deployed: dbname=" + names[6]), std::string::npos) << r.err;
	for (int i = 0; i < 10; i++) {
		pgmtest::Db db("dbname=" + names[i]);
		if (i == 6) {
			EXPECT_FALSE(db.TableExists("accounts"));
			continue;
		}
		EXPECT_EQ(db.Count("SELECT count(*) FROM migrate.status() WHERE state = 'applied'"), 7) << names[i];
		EXPECT_TRUE(db.TableExists("account_summary")) << names[i];
		EXPECT_EQ(db.Count("SELECT count(*) FROM migrate.history WHERE action = 'apply'"), 7) << names[i];
	}

	/* fixed: the next run deploys the one left behind and finds the others up to date */
	pgmtest::Db("dbname=" + names[6]).Query("CREATE EXTENSION pg_migrate");
	r = Client({"--format", "json", "--dir", dir, "deploy", "--targets", targets, "--jobs", "3"});
	EXPECT_EQ(r.exit_code, 0) << r.All();
	nlohmann::json doc = nlohmann::json::parse(r.out);
	ASSERT_EQ(doc["targets"].size(), 10u);
	for (int i = 0; i < 10; i++) {
		EXPECT_EQ(doc["targets"][i]["database"], "dbname=" + names[i]);
		EXPECT_EQ(doc["targets"][i]["outcome"], i == 6 ? "deployed" : "up to date") << i;
		EXPECT_EQ(doc["targets"][i]["applied_count"], i == 6 ? 7 : 0) << i;
	}
	EXPECT_EQ(doc["failed"], 0);
}

TEST_F(Targets, RepeatedDbMasksPasswordsAndKeepsTheWorstExitCode)
{
	std::string good = CreateDatabase("good");
	WriteMigration("0001_t.sql", "CREATE TABLE t (id bigint);\n");
	std::string bad = "postgresql://someone:s3cretpw@127.0.0.1:1/nowhere";
	RunResult r = Client({"deploy", "--db", "dbname=" + good, "--db", bad});
	EXPECT_EQ(r.exit_code, 3) << r.All();
	EXPECT_EQ(r.All().find("s3cretpw"), std::string::npos) << r.All();
	EXPECT_NE(r.out.find("postgresql://someone:****@127.0.0.1:1/nowhere"), std::string::npos) << r.out;
	EXPECT_NE(r.out.find("cannot connect"), std::string::npos) << r.out;
	EXPECT_TRUE(pgmtest::Db("dbname=" + good).TableExists("t"));
}

TEST_F(Targets, SslPasswordIsMaskedLikeThePassword)
{
	/* sslpassword (the client key's passphrase) is ignored without a client key: both databases deploy */
	std::string a = CreateDatabase("a"), b = CreateDatabase("b");
	WriteMigration("0001_t.sql", "CREATE TABLE t (id bigint);\n");
	const std::string secret = "k3ypassphr4se";
	std::string targets = tmp_.Write("targets.txt", "postgresql:///" + b + "?sslpassword=" + secret + "\n");
	for (const char *format : {"text", "json"}) {
		RunResult r = Client(
		    {"--format", format, "deploy", "--db", "dbname=" + a + " sslpassword=" + secret, "--targets", targets});
		EXPECT_EQ(r.exit_code, 0) << r.All();
		EXPECT_EQ(r.All().find(secret), std::string::npos) << r.All();
		EXPECT_NE(r.out.find("dbname=" + a + " sslpassword=****"), std::string::npos) << r.out;
		EXPECT_NE(r.out.find("postgresql:///" + b + "?sslpassword=****"), std::string::npos) << r.out;
	}
	EXPECT_TRUE(pgmtest::Db("dbname=" + a).TableExists("t"));
	EXPECT_TRUE(pgmtest::Db("dbname=" + b).TableExists("t"));
	/* a failing target: its error line is scrubbed too */
	RunResult r = Client(
	    {"deploy", "--db", "dbname=" + a, "--db", "host=127.0.0.1 port=1 sslpassword='" + secret + "' dbname=nowhere"});
	EXPECT_EQ(r.exit_code, 3) << r.All();
	EXPECT_EQ(r.All().find(secret), std::string::npos) << r.All();
	EXPECT_NE(r.out.find("host=127.0.0.1 port=1 sslpassword=**** dbname=nowhere"), std::string::npos) << r.out;
}

TEST_F(Targets, BadFilesStopBeforeAnyDatabase)
{
	std::string a = CreateDatabase("a"), b = CreateDatabase("b");
	WriteMigration("0001_t.sql", "CREATE TABLE t (id bigint);\n");
	WriteMigration("0002_bad.sql", "-- migrate:bogus\nSELECT 1;\n");
	RunResult r = Client({"deploy", "--db", "dbname=" + a, "--db", "dbname=" + b, "--jobs", "2"});
	EXPECT_EQ(r.exit_code, 2) << r.All();
	EXPECT_NE(r.err.find("0002_bad.sql:1"), std::string::npos) << r.err;
	EXPECT_EQ(pgmtest::Db("dbname=" + a).Count("SELECT count(*) FROM migrate.migrations"), 0);
	EXPECT_EQ(pgmtest::Db("dbname=" + b).Count("SELECT count(*) FROM migrate.migrations"), 0);
}

TEST_F(Targets, SeveralDatabasesAreForDeployOnly)
{
	std::string targets = tmp_.Write("targets.txt", "dbname=" + db_name_ + "\n");
	RunResult r = Client({"status", "--targets", targets});
	EXPECT_EQ(r.exit_code, 2) << r.All();
	EXPECT_NE(r.err.find("deploy only"), std::string::npos) << r.err;
	r = Client({"deploy", "--targets", tmp_.Path() + "/missing.txt"});
	EXPECT_EQ(r.exit_code, 2) << r.All();
}

} // namespace
