/* Streams: --dir STREAM=PATH, the stream directive, --stream / --skip-stream, SKIP_INDEX_MIGRATIONS. */
#include "harness.hpp"

using pgmtest::ClientTest;
using pgmtest::RunResult;

namespace {

class Streams : public ClientTest {
protected:
	std::string
	Dir(const std::string &name) const
	{
		return tmp_.Path() + "/" + name;
	}
	std::string
	StreamOf(const std::string &version)
	{
		return db_->Scalar("SELECT stream FROM migrate.migrations WHERE version = $1", {version});
	}
	std::string
	StateOf(const std::string &stream, const std::string &version)
	{
		return db_->Scalar("SELECT state FROM migrate.migrations WHERE stream = $1 AND version = $2",
		                   {stream, version});
	}
	/* schema creates a table, index indexes it, data fills it */
	void
	WriteThreeStreams()
	{
		WriteMigration("0001_items.sql", "CREATE TABLE items (id int, name text);\n", "schema");
		WriteMigration("0001_items_name.sql", "CREATE INDEX items_name ON items (name);\n", "index");
		WriteMigration("0001_seed.sql", "INSERT INTO items VALUES (1, 'one');\n", "data");
	}
	std::vector<std::string>
	ThreeDirs() const
	{
		return {"--dir", "schema=" + Dir("schema"), "--dir", "index=" + Dir("index"), "--dir", "data=" + Dir("data")};
	}
};

TEST_F(Streams, DirPrefixPutsFilesInThatStream)
{
	WriteMigration("0001_schema.sql", "CREATE TABLE s (id int);\n", "schema");
	WriteMigration("0001_fill.sql", "INSERT INTO s VALUES (1);\n", "data");
	RunResult r = Run({"deploy", "--dir", Dir("schema"), "--dir", "data=" + Dir("data")});
	ASSERT_EQ(r.exit_code, 0) << r.All();
	EXPECT_EQ(db_->Count("SELECT count(*) FROM migrate.migrations WHERE stream = 'data' AND name = 'fill'"), 1);
	EXPECT_EQ(db_->Count("SELECT count(*) FROM migrate.migrations WHERE stream = 'schema' AND name = 'schema'"), 1);
	/* schema (position 10) ran before data (20) */
	EXPECT_EQ(db_->Count("SELECT count(*) FROM s"), 1);
}

TEST_F(Streams, DirectiveWinsOverDirStream)
{
	WriteMigration("0001_a.sql", "CREATE TABLE a (id int);\n", "data");
	WriteMigration("0002_b.sql", "-- migrate:stream schema\nCREATE TABLE b (id int);\n", "data");
	ASSERT_EQ(Run({"deploy", "--dir", "data=" + Dir("data")}).exit_code, 0);
	EXPECT_EQ(StreamOf("0001"), "data");
	EXPECT_EQ(StreamOf("0002"), "schema");
}

TEST_F(Streams, SkipIndexMigrationsSkipsIndexStream)
{
	WriteThreeStreams();
	std::vector<std::string> args = ThreeDirs();
	args.push_back("deploy");
	RunResult r = Run(args, {{"SKIP_INDEX_MIGRATIONS", "true"}});
	ASSERT_EQ(r.exit_code, 0) << r.All();
	EXPECT_EQ(StateOf("schema", "0001"), "applied");
	EXPECT_EQ(StateOf("data", "0001"), "applied");
	EXPECT_NE(StateOf("index", "0001"), "applied");
	EXPECT_FALSE(db_->TableExists("items_name"));
	EXPECT_EQ(db_->Count("SELECT count(*) FROM migrate.history WHERE stream = 'index'"), 0);
	EXPECT_NE(r.err.find("stream index has pending migrations but is not deployed now"), std::string::npos) << r.err;

	/* nothing left outside index: nothing to do while skipping it */
	r = Run(args, {{"SKIP_INDEX_MIGRATIONS", "true"}});
	EXPECT_EQ(r.exit_code, 0) << r.All();
	EXPECT_NE(r.err.find("nothing to do"), std::string::npos) << r.All();

	/* without the variable the index stream is deployed */
	r = Run(args);
	ASSERT_EQ(r.exit_code, 0) << r.All();
	EXPECT_TRUE(db_->TableExists("items_name"));
	EXPECT_EQ(StateOf("index", "0001"), "applied");
}

TEST_F(Streams, StreamOptionAppliesOnlyThatStream)
{
	WriteThreeStreams();
	std::vector<std::string> args = ThreeDirs();
	args.insert(args.end(), {"deploy", "--stream", "schema"});
	RunResult r = Run(args);
	ASSERT_EQ(r.exit_code, 0) << r.All();
	EXPECT_EQ(StateOf("schema", "0001"), "applied");
	EXPECT_EQ(StateOf("data", "0001"), "pending");
	EXPECT_EQ(StateOf("index", "0001"), "pending");

	/* --stream given twice, listed out of order: applied in stream position order (index 30 after data 20) */
	args = ThreeDirs();
	args.insert(args.end(), {"deploy", "--stream", "index", "--stream", "data"});
	r = Run(args);
	ASSERT_EQ(r.exit_code, 0) << r.All();
	EXPECT_LT(r.out.find("\n data "), r.out.find("\n index ")) << r.out;
	EXPECT_EQ(StateOf("index", "0001"), "applied");
}

TEST_F(Streams, UnknownStreamOptionIsPointedOut)
{
	WriteMigration("0001_a.sql", "CREATE TABLE a (id int);\n", "schema");
	RunResult r = Run({"deploy", "--dir", Dir("schema"), "--stream", "shema"});
	EXPECT_EQ(r.exit_code, 0) << r.All();
	EXPECT_NE(r.err.find("stream shema has no migrations"), std::string::npos) << r.err;
	EXPECT_FALSE(db_->TableExists("a"));
}

TEST_F(Streams, SkipStreamOption)
{
	WriteThreeStreams();
	std::vector<std::string> args = ThreeDirs();
	args.insert(args.end(), {"deploy", "--skip-stream", "data", "--skip-stream", "index"});
	ASSERT_EQ(Run(args).exit_code, 0);
	EXPECT_EQ(StateOf("schema", "0001"), "applied");
	EXPECT_EQ(StateOf("data", "0001"), "pending");
	EXPECT_EQ(StateOf("index", "0001"), "pending");
}

TEST_F(Streams, NewCustomStreamFromDirIsApplied)
{
	WriteMigration("0001_base.sql", "CREATE TABLE base (id int);\n", "schema");
	WriteMigration("0001_report.sql", "CREATE VIEW report AS SELECT * FROM base;\n", "reports");
	RunResult r = Run({"deploy", "--dir", Dir("schema"), "--dir", "reports=" + Dir("reports"), "--stream", "reports",
	                   "--stream", "schema"});
	ASSERT_EQ(r.exit_code, 0) << r.All();
	EXPECT_TRUE(db_->TableExists("report"));
	EXPECT_EQ(StateOf("reports", "0001"), "applied");
}

TEST_F(Streams, FailureInFirstStreamStopsLaterStreams)
{
	WriteMigration("0001_bad.sql", "SELECT 1/0;\n", "schema");
	WriteMigration("0001_fill.sql", "CREATE TABLE filled (id int);\n", "data");
	RunResult r = Run({"deploy", "--dir", Dir("schema"), "--dir", "data=" + Dir("data"), "--skip-stream", "index"});
	EXPECT_EQ(r.exit_code, 1) << r.All();
	EXPECT_FALSE(db_->TableExists("filled"));
	EXPECT_EQ(db_->Count("SELECT count(*) FROM migrate.history WHERE stream = 'data'"), 0);
}

} // namespace
