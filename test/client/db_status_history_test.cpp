/* `pg_migrate status` and `pg_migrate history` in text form. */
#include "harness.hpp"

#include <nlohmann/json.hpp>

using pgmtest::ClientTest;
using pgmtest::RunResult;

namespace {

class StatusHistory : public ClientTest {};

TEST_F(StatusHistory, StatusCountsPerStream)
{
	WriteMigration("0001_a.sql", "CREATE TABLE a (id int);\n");
	WriteMigration("0002_b.sql", "CREATE TABLE b (id int);\n");
	WriteMigration("0001_fill.sql", "INSERT INTO a VALUES (1);\n", "data");
	ASSERT_EQ(Run({"--dir", "migrations", "--dir", "data=data", "deploy", "--stream", "schema", "--target", "0001"})
	              .exit_code,
	          0);
	RunResult r = Run({"status"});
	ASSERT_EQ(r.exit_code, 0) << r.All();
	EXPECT_NE(r.out.find("stream schema: 1 applied, 1 pending"), std::string::npos) << r.out;
	EXPECT_NE(r.out.find("stream data: 0 applied, 1 pending"), std::string::npos) << r.out;
	EXPECT_LT(r.out.find("stream schema"), r.out.find("stream data"));
	EXPECT_NE(r.out.find(" 0002    | b    | pending |"), std::string::npos) << r.out;
}

TEST_F(StatusHistory, EmptyDatabase)
{
	RunResult r = Run({"status"});
	EXPECT_EQ(r.exit_code, 0);
	EXPECT_NE(r.out.find("no migrations registered"), std::string::npos) << r.out;
}

TEST_F(StatusHistory, HistoryNewestFirstWithLimit)
{
	WriteMigration("0001_a.sql", "CREATE TABLE a (id int);\n");
	WriteMigration("0002_b.sql", "SELECT 1/0;\n");
	ASSERT_EQ(Run({"deploy"}).exit_code, 1);
	WriteMigration("0002_b.sql", "CREATE TABLE b (id int);\n");
	ASSERT_EQ(Run({"deploy"}).exit_code, 0);

	RunResult r = Run({"history"});
	ASSERT_EQ(r.exit_code, 0) << r.All();
	EXPECT_NE(r.out.find("(3 rows)"), std::string::npos) << r.out;
	EXPECT_LT(r.out.find("succeeded"), r.out.find("failed"));
	EXPECT_NE(r.out.find("division by zero"), std::string::npos) << r.out;

	r = Run({"history", "--limit", "1", "--format", "json"});
	ASSERT_EQ(r.exit_code, 0) << r.All();
	auto doc = nlohmann::json::parse(r.out);
	ASSERT_EQ(doc["history"].size(), 1u);
	EXPECT_EQ(doc["history"][0]["version"], "0002");

	EXPECT_EQ(Run({"history", "--limit", "-1"}).exit_code, 2);
}

} // namespace
