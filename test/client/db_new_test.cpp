/* `pg_migrate new`: file name, template, folders, and that the result deploys. */
#include "harness.hpp"

#include <nlohmann/json.hpp>

#include <filesystem>
#include <regex>

using pgmtest::ClientTest;
using pgmtest::ReadFile;
using pgmtest::RunResult;

namespace {

class New : public ClientTest {};

TEST_F(New, CreatesTimestampedFileThatDeploysOnceFilledIn)
{
	/* no ./migrations yet: new creates it */
	RunResult r = Run({"new", "add_users"});
	ASSERT_EQ(r.exit_code, 0) << r.All();
	std::string path = r.out.substr(0, r.out.find('\n'));
	EXPECT_TRUE(std::regex_match(path, std::regex(R"(\./migrations/\d{14}_add_users\.sql)"))) << path;
	std::string full = tmp_.Path() + "/" + path;
	std::string content = ReadFile(full);
	EXPECT_NE(content.find("-- migrate:up\n"), std::string::npos) << content;
	EXPECT_NE(content.find("-- migrate:down\n"), std::string::npos) << content;

	/* the untouched template is refused: its up section is empty */
	EXPECT_EQ(Run({"deploy"}).exit_code, 2);

	std::size_t down = content.find("-- migrate:down\n");
	content.insert(down, "CREATE TABLE users (id int);\n");
	content += "DROP TABLE users;\n";
	tmp_.Write(path.substr(2), content);
	r = Run({"deploy"});
	ASSERT_EQ(r.exit_code, 0) << r.All();
	EXPECT_TRUE(db_->TableExists("users"));
	EXPECT_EQ(db_->Scalar("SELECT name FROM migrate.migrations"), "add_users");
	EXPECT_EQ(db_->Scalar("SELECT has_down::text FROM migrate.status()"), "true");
}

TEST_F(New, TwoFilesInOneSecondGetDistinctVersions)
{
	RunResult a = Run({"new", "first"});
	RunResult b = Run({"new", "second"});
	ASSERT_EQ(a.exit_code, 0) << a.All();
	ASSERT_EQ(b.exit_code, 0) << b.All();
	std::string va = a.out.substr(std::string("./migrations/").size(), 14);
	std::string vb = b.out.substr(std::string("./migrations/").size(), 14);
	EXPECT_LT(va, vb);
}

TEST_F(New, StreamPicksThatStreamsDirOrWritesDirective)
{
	std::string data_dir = tmp_.Path() + "/data";
	RunResult r =
	    Run({"--dir", tmp_.Path() + "/schema", "--dir", "data=" + data_dir, "new", "fill", "--stream", "data"});
	ASSERT_EQ(r.exit_code, 0) << r.All();
	EXPECT_EQ(r.out.rfind(data_dir + "/", 0), 0u) << r.out;
	EXPECT_EQ(ReadFile(r.out.substr(0, r.out.find('\n'))).find("-- migrate:stream"), std::string::npos);

	r = Run({"--dir", tmp_.Path() + "/schema", "new", "concurrently", "--stream", "index", "--format", "json"});
	ASSERT_EQ(r.exit_code, 0) << r.All();
	auto doc = nlohmann::json::parse(r.out);
	EXPECT_EQ(doc["stream"], "index");
	std::string path = doc["path"];
	EXPECT_EQ(path.rfind(tmp_.Path() + "/schema/", 0), 0u) << path;
	EXPECT_EQ(ReadFile(path).rfind("-- migrate:stream index\n", 0), 0u) << ReadFile(path);
}

TEST_F(New, RejectsBadNames)
{
	for (const char *name : {"2fa", "../escape", "with space", ""}) {
		RunResult r = Run({"new", name});
		EXPECT_EQ(r.exit_code, 2) << name << ": " << r.All();
	}
	EXPECT_FALSE(std::filesystem::exists(tmp_.Path() + "/migrations"));
}

} // namespace
