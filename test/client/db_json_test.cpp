/* --format json: exactly one JSON document on stdout, for success and for every kind of failure. */
#include "harness.hpp"

#include <nlohmann/json.hpp>

using nlohmann::json;
using pgmtest::ClientTest;
using pgmtest::ParseStdout;
using pgmtest::RunResult;

namespace {

class Json : public ClientTest {};

TEST_F(Json, DeployDocumentHasUploadedAndAppliedRows)
{
	WriteMigration("0001_a.sql", "CREATE TABLE a (id int);\n");
	WriteMigration("0002_b.sql", "CREATE TABLE b (id int);\n");
	RunResult r = Run({"--format", "json", "deploy"});
	ASSERT_EQ(r.exit_code, 0) << r.All();
	json doc = ParseStdout(r);
	EXPECT_EQ(doc["command"], "deploy");
	EXPECT_EQ(doc["ok"], true);
	EXPECT_EQ(doc["exit_code"], 0);
	EXPECT_EQ(doc["nothing_to_do"], false);
	ASSERT_EQ(doc["uploaded"].size(), 2u);
	EXPECT_EQ(doc["uploaded"][0]["file"], "./migrations/0001_a.sql");
	EXPECT_EQ(doc["uploaded"][0]["outcome"], "new");
	ASSERT_EQ(doc["applied"].size(), 2u);
	EXPECT_EQ(doc["applied"][1]["stream"], "schema");
	EXPECT_EQ(doc["applied"][1]["version"], "0002");
	EXPECT_EQ(doc["applied"][1]["name"], "b");
	EXPECT_EQ(doc["applied"][1]["outcome"], "applied");
	EXPECT_TRUE(doc["applied"][1]["duration_ms"].is_number());
	EXPECT_TRUE(db_->TableExists("b"));

	r = Run({"deploy", "--format", "json"});
	doc = ParseStdout(r);
	EXPECT_EQ(doc["nothing_to_do"], true);
	EXPECT_EQ(doc["applied"].size(), 0u);
	EXPECT_NE(r.err.find("nothing to do"), std::string::npos);
}

TEST_F(Json, FailedMigrationDocument)
{
	WriteMigration("0001_a.sql", "CREATE TABLE a (id int);\n");
	WriteMigration("0002_bad.sql", "SELECT 1/0;\n");
	RunResult r = Run({"--format", "json", "deploy"});
	EXPECT_EQ(r.exit_code, 1) << r.All();
	json doc = ParseStdout(r);
	EXPECT_EQ(doc["ok"], false);
	EXPECT_EQ(doc["exit_code"], 1);
	EXPECT_EQ(doc["failed"]["version"], "0002");
	EXPECT_EQ(doc["failed"]["sqlstate"], "22012");
	EXPECT_EQ(doc["failed"]["file"], "./migrations/0002_bad.sql");
	EXPECT_TRUE(doc["error"]["message"].is_string());
	bool saw_failed = false;
	for (const auto &row : doc["applied"])
		saw_failed = saw_failed || row["outcome"] == "failed";
	EXPECT_TRUE(saw_failed) << doc.dump(2);
	/* the human explanation goes to stderr */
	EXPECT_NE(r.err.find("division by zero"), std::string::npos) << r.err;
}

TEST_F(Json, BadFilesDocumentListsProblems)
{
	WriteMigration("0001_a.sql", "-- migrate:up\n");
	WriteMigration("b.sql", "SELECT 1;\n");
	RunResult r = Run({"--format", "json", "deploy"});
	EXPECT_EQ(r.exit_code, 2);
	json doc = ParseStdout(r);
	ASSERT_EQ(doc["error"]["problems"].size(), 2u) << doc.dump(2);
	EXPECT_EQ(doc["error"]["problems"][0]["file"], "./migrations/0001_a.sql");
	EXPECT_EQ(doc["error"]["problems"][0]["line"], 2);
	EXPECT_EQ(doc["error"]["problems"][1]["file"], "./migrations/b.sql");
	EXPECT_TRUE(doc["error"]["problems"][1]["line"].is_null());
}

TEST_F(Json, ChangedAppliedFileDocument)
{
	WriteMigration("0001_a.sql", "CREATE TABLE a (id int);\n");
	ASSERT_EQ(Run({"deploy"}).exit_code, 0);
	WriteMigration("0001_a.sql", "CREATE TABLE a (id bigint);\n");
	RunResult r = Run({"--format", "json", "deploy"});
	EXPECT_EQ(r.exit_code, 4);
	json doc = ParseStdout(r);
	EXPECT_EQ(doc["error"]["sqlstate"], "MG001");
	EXPECT_EQ(doc["error"]["files"][0], "./migrations/0001_a.sql");
}

TEST_F(Json, StatusAndHistoryDocuments)
{
	WriteMigration("0001_a.sql", "CREATE TABLE a (id int);\n");
	WriteMigration("0002_b.sql", "CREATE TABLE b (id int);\n");
	ASSERT_EQ(Run({"deploy", "--target", "0001"}).exit_code, 0);

	json doc = ParseStdout(Run({"--format", "json", "status"}));
	ASSERT_EQ(doc["streams"].size(), 1u) << doc.dump(2);
	EXPECT_EQ(doc["streams"][0]["stream"], "schema");
	EXPECT_EQ(doc["streams"][0]["applied"], 1);
	EXPECT_EQ(doc["streams"][0]["pending"], 1);
	ASSERT_EQ(doc["streams"][0]["migrations"].size(), 2u);
	EXPECT_EQ(doc["streams"][0]["migrations"][0]["transactional"], true);
	EXPECT_EQ(doc["streams"][0]["migrations"][1]["state"], "pending");

	doc = ParseStdout(Run({"--format", "json", "history"}));
	ASSERT_EQ(doc["history"].size(), 1u);
	EXPECT_EQ(doc["history"][0]["version"], "0001");
	EXPECT_EQ(doc["history"][0]["status"], "succeeded");
	EXPECT_TRUE(doc["history"][0]["id"].is_number_integer());
}

TEST_F(Json, UsageAndConnectionErrorsAreDocumentsToo)
{
	RunResult r = Run({"--format", "json", "deploy", "--bogus"});
	EXPECT_EQ(r.exit_code, 2);
	EXPECT_EQ(ParseStdout(r)["ok"], false);
	r = pgmtest::RunClient({"--format=json", "--db", "postgresql://127.0.0.1:1/x", "status"});
	EXPECT_EQ(r.exit_code, 3);
	EXPECT_EQ(ParseStdout(r)["exit_code"], 3);
}

} // namespace
