/*
 * The client asks, the server decides (catalog 0.1.6): deploy --stream /
 * --skip-stream is one apply call, reset one rollback(all_streams) call, and
 * the first statement carries the server's versions, an upload one
 * register_many() call (0.1.7); an older catalog still works through the
 * per-stream and per-row calls.
 */
#include "harness.hpp"

using pgmtest::ClientTest;
using pgmtest::RunResult;

namespace {

std::size_t
Occurrences(const std::string &text, const std::string &what)
{
	std::size_t n = 0;
	for (std::size_t pos = text.find(what); pos != std::string::npos; pos = text.find(what, pos + 1))
		n++;
	return n;
}

class ServerDecides : public ClientTest {
protected:
	void
	SetUp() override
	{
		ClientTest::SetUp();
		SKIP_WHEN_MANAGED("counts the calls the client makes to the extension's functions");
	}
	std::string
	Dir(const std::string &name) const
	{
		return tmp_.Path() + "/" + name;
	}
	std::string
	StateOf(const std::string &stream, const std::string &version)
	{
		return db_->Scalar("SELECT state FROM migrate.migrations WHERE stream = $1 AND version = $2",
		                   {stream, version});
	}
	void
	WriteThreeStreams()
	{
		WriteMigration("0001_items.sql",
		               "CREATE TABLE items (id int, name text);\n-- migrate:down\nDROP TABLE items;\n", "schema");
		WriteMigration("0001_items_name.sql",
		               "CREATE INDEX items_name ON items (name);\n-- migrate:down\nDROP INDEX items_name;\n", "index");
		WriteMigration("0001_seed.sql", "INSERT INTO items VALUES (1, 'one');\n-- migrate:down\nDELETE FROM items;\n",
		               "data");
	}
	std::vector<std::string>
	ThreeDirs(std::vector<std::string> command) const
	{
		std::vector<std::string> args = {"--dir", "schema=" + Dir("schema"), "--dir", "index=" + Dir("index"),
		                                 "--dir", "data=" + Dir("data")};
		args.insert(args.end(), command.begin(), command.end());
		return args;
	}
	/* The catalog as the last release left it: what the fallbacks are for. */
	void
	InstallCatalog015()
	{
		db_->Query("DROP EXTENSION pg_migrate CASCADE");
		db_->Query("DROP SCHEMA IF EXISTS migrate CASCADE");
		db_->Query("CREATE EXTENSION pg_migrate VERSION '0.1.5'");
	}
};

TEST_F(ServerDecides, StreamOptionsAreOneApplyCall)
{
	WriteThreeStreams();
	RunResult r = Run(ThreeDirs(
	    {"deploy", "-v", "--stream", "index", "--stream", "data", "--stream", "schema", "--skip-stream", "index"}));
	ASSERT_EQ(r.exit_code, 0) << r.All();
	EXPECT_EQ(Occurrences(r.err, "FROM migrate.apply_exact("), 1u) << r.err;
	EXPECT_NE(r.err.find("streams => $2::text[], skip_streams => $3::text[]"), std::string::npos) << r.err;
	/* the client no longer reads the stream order itself */
	EXPECT_EQ(r.err.find("sql: SELECT stream FROM migrate.status()"), std::string::npos) << r.err;
	/* the server's order: schema (10) before data (20); index skipped */
	EXPECT_LT(r.out.find("\n schema "), r.out.find("\n data ")) << r.out;
	EXPECT_EQ(StateOf("data", "0001"), "applied");
	EXPECT_EQ(StateOf("index", "0001"), "pending");
	EXPECT_NE(r.err.find("stream index has pending migrations but is not deployed now"), std::string::npos) << r.err;
}

TEST_F(ServerDecides, SelectedStreamsAreOneBatch)
{
	WriteMigration("0001_base.sql", "CREATE TABLE base (id int);\n", "schema");
	WriteMigration("0001_bad.sql", "SELECT 1/0;\n", "data");
	RunResult r = Run(
	    {"deploy", "--dir", Dir("schema"), "--dir", "data=" + Dir("data"), "--stream", "schema", "--stream", "data"});
	EXPECT_EQ(r.exit_code, 1) << r.All();
	/* the failure in data rolled back schema's migration of the same call */
	EXPECT_FALSE(db_->TableExists("base"));
	EXPECT_EQ(StateOf("schema", "0001"), "pending");
	EXPECT_EQ(StateOf("data", "0001"), "failed");
}

TEST_F(ServerDecides, OlderCatalogGetsOneCallPerStream)
{
	InstallCatalog015();
	WriteThreeStreams();
	RunResult r = Run(ThreeDirs({"deploy", "-v", "--skip-stream", "index"}));
	ASSERT_EQ(r.exit_code, 0) << r.All();
	EXPECT_EQ(Occurrences(r.err, "FROM migrate.apply_exact("), 2u) << r.err;
	EXPECT_EQ(r.err.find("streams =>"), std::string::npos) << r.err;
	EXPECT_NE(r.err.find("catalog 0.1.5 applies one stream per call"), std::string::npos) << r.err;
	EXPECT_EQ(StateOf("data", "0001"), "applied");
	EXPECT_EQ(StateOf("index", "0001"), "pending");
}

TEST_F(ServerDecides, ResetIsOneRollbackCall)
{
	WriteThreeStreams();
	ASSERT_EQ(Run(ThreeDirs({"deploy"})).exit_code, 0);
	RunResult r = Run(ThreeDirs({"reset", "--yes", "-v", "--format", "json"}));
	ASSERT_EQ(r.exit_code, 0) << r.All();
	EXPECT_EQ(Occurrences(r.err, "migrate.rollback("), 1u) << r.err;
	EXPECT_NE(r.err.find("migrate.rollback(all_streams => true)"), std::string::npos) << r.err;
	nlohmann::json doc = nlohmann::json::parse(r.out);
	/* index (30), then data (20), then schema (10) */
	ASSERT_EQ(doc["rolled_back"].size(), 3u) << r.out;
	EXPECT_EQ(doc["rolled_back"][0]["stream"], "index");
	EXPECT_EQ(doc["rolled_back"][1]["stream"], "data");
	EXPECT_EQ(doc["rolled_back"][2]["stream"], "schema");
	EXPECT_EQ(StateOf("index", "0001"), "applied"); /* deployed again */
}

TEST_F(ServerDecides, ResetOnOlderCatalogRollsBackStreamByStream)
{
	InstallCatalog015();
	WriteThreeStreams();
	ASSERT_EQ(Run(ThreeDirs({"deploy"})).exit_code, 0);
	RunResult r = Run(ThreeDirs({"reset", "--yes", "-v"}));
	ASSERT_EQ(r.exit_code, 0) << r.All();
	EXPECT_EQ(Occurrences(r.err, "migrate.rollback(stream => $1, all_applied => true)"), 3u) << r.err;
	EXPECT_EQ(db_->Count("SELECT count(*) FROM migrate.history WHERE action = 'rollback'"), 3);
}

TEST_F(ServerDecides, CatalogNewerThanLibraryIsExit3)
{
	WriteMigration("0001_a.sql", "CREATE TABLE a (id int);\n");
	/* as after installing a newer catalog script with an older library left loaded */
	db_->Query("UPDATE pg_catalog.pg_extension SET extversion = '9.9.9' WHERE extname = 'pg_migrate'");
	RunResult r = Run({"deploy", "-v", "--format", "json"});
	EXPECT_EQ(r.exit_code, 3) << r.All();
	EXPECT_NE(r.err.find("catalog of this database (9.9.9) is newer than the pg_migrate library"), std::string::npos)
	    << r.err;
	EXPECT_NE(r.err.find("build_extension.sh"), std::string::npos) << r.err;
	/* found in the first statement: nothing was uploaded */
	EXPECT_EQ(Occurrences(r.err, "sql: "), 1u) << r.err;
	EXPECT_EQ(Registered(), 0);
	nlohmann::json doc = nlohmann::json::parse(r.out);
	EXPECT_EQ(doc["error"]["catalog_version"], "9.9.9") << r.out;
}

TEST_F(ServerDecides, UploadIsOneRegisterManyCall)
{
	WriteMigration("0001_a.sql", "CREATE TABLE a (id int);\n");
	WriteMigration("0002_b.sql", "CREATE TABLE b (id int);\n");
	RunResult r = Run({"deploy", "-v"});
	ASSERT_EQ(r.exit_code, 0) << r.All();
	EXPECT_EQ(Occurrences(r.err, "FROM migrate.register_many("), 1u) << r.err;
	EXPECT_EQ(r.err.find("migrate.register(f.stream"), std::string::npos) << r.err;
	EXPECT_EQ(StateOf("schema", "0002"), "applied");
}

TEST_F(ServerDecides, OlderCatalogRegistersRowByRow)
{
	InstallCatalog015();
	WriteMigration("0001_a.sql", "CREATE TABLE a (id int);\n");
	WriteMigration("0002_b.sql", "CREATE TABLE b (id int);\n");
	RunResult r = Run({"deploy", "-v"});
	ASSERT_EQ(r.exit_code, 0) << r.All();
	EXPECT_EQ(r.err.find("migrate.register_many("), std::string::npos) << r.err;
	EXPECT_EQ(Occurrences(r.err, "migrate.register(f.stream"), 1u) << r.err;
	EXPECT_EQ(StateOf("schema", "0002"), "applied");
}

TEST_F(ServerDecides, OlderCatalogWithThisLibraryWorks)
{
	InstallCatalog015();
	WriteMigration("0001_a.sql", "CREATE TABLE a (id int);\n");
	RunResult r = Run({"deploy"});
	EXPECT_EQ(r.exit_code, 0) << r.All();
	EXPECT_TRUE(db_->TableExists("a"));
}

} // namespace
