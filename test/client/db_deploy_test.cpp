/* Deploy, re-deploy, push, changed files and failing migrations, against a real server. */
#include "harness.hpp"

#include "checksum.hpp"

using pgmtest::ClientTest;
using pgmtest::RunResult;

namespace {

const char *kUsers = "-- migrate:up\nCREATE TABLE users (id int PRIMARY KEY, email text);\n"
                     "-- migrate:down\nDROP TABLE users;\n";
const char *kPosts = "CREATE TABLE posts (id int PRIMARY KEY, user_id int REFERENCES users);\n";
const char *kSeed = "-- migrate:up\nINSERT INTO users VALUES (1, 'a@example.com');\n";

class Deploy : public ClientTest {
protected:
	void
	WriteSmallFolder()
	{
		WriteMigration("0001_users.sql", kUsers);
		WriteMigration("0002_posts.sql", kPosts);
		WriteMigration("0003_seed.sql", kSeed);
	}
};

TEST_F(Deploy, AppliesSmallFolderAndRecordsSucceededHistory)
{
	WriteSmallFolder();
	RunResult r = Run({"deploy"});
	ASSERT_EQ(r.exit_code, 0) << r.All();
	EXPECT_TRUE(db_->TableExists("users"));
	EXPECT_TRUE(db_->TableExists("posts"));
	EXPECT_EQ(db_->Count("SELECT count(*) FROM users"), 1);
	EXPECT_EQ(db_->Count("SELECT count(*) FROM migrate.history WHERE action = 'apply' AND status = 'succeeded'"), 3);
	EXPECT_EQ(db_->Count("SELECT count(*) FROM migrate.migrations WHERE state = 'applied'"), 3);
	EXPECT_EQ(db_->Scalar("SELECT source FROM migrate.migrations WHERE version = '0002'"),
	          "./migrations/0002_posts.sql");
	/* a psql-style result table on stdout */
	EXPECT_NE(r.out.find(" stream | version | name  | outcome | duration_ms"), std::string::npos) << r.out;
	EXPECT_NE(r.out.find("| 0003    | seed  | applied |"), std::string::npos) << r.out;
	EXPECT_NE(r.out.find("(3 rows)"), std::string::npos) << r.out;
}

TEST_F(Deploy, RedeployIsNothingToDo)
{
	WriteSmallFolder();
	RunResult first = Run({"deploy", "-v"});
	ASSERT_EQ(first.exit_code, 0) << first.All();
	/* status, one upload statement for all three files, one apply (managed mode runs the engine's own SQL) */
	const std::string upload = "sql: SELECT stream, version, outcome FROM migrate.register_many(";
	if (!Managed()) {
		EXPECT_NE(first.err.find(upload), std::string::npos) << first.err;
		EXPECT_EQ(first.err.find("migrate.register", first.err.find(upload) + upload.size()), std::string::npos);
		EXPECT_NE(first.err.find("sql: SELECT stream, version, name, outcome, duration_ms FROM migrate.apply_exact("),
		          std::string::npos);
	}
	long history = HistoryRows();
	std::string registered_at = db_->Scalar("SELECT max(registered_at)::text FROM migrate.migrations");

	RunResult r = Run({"deploy"});
	EXPECT_EQ(r.exit_code, 0) << r.All();
	EXPECT_NE(r.err.find("nothing to do"), std::string::npos) << r.All();
	EXPECT_EQ(r.out, "");
	EXPECT_EQ(HistoryRows(), history);
	EXPECT_EQ(db_->Scalar("SELECT max(registered_at)::text FROM migrate.migrations"), registered_at);

	/* one round trip after connecting: -v traces every statement sent */
	r = Run({"deploy", "-v"});
	EXPECT_EQ(r.exit_code, 0) << r.All();
	std::size_t statements = 0;
	for (std::size_t pos = r.err.find("sql: "); pos != std::string::npos; pos = r.err.find("sql: ", pos + 1))
		statements++;
	/* the server's versions come with the checksums (the version check costs no round trip) */
	EXPECT_NE(r.err.find("sql: SELECT s.stream, s.version, s.checksum, s.state, v.library, v.catalog"),
	          std::string::npos)
	    << r.err;
	/*
	 * managed mode: the first statement finds no extension; then the catalog
	 * check and one read-only transaction (BEGIN, catalog search_path, the
	 * queue, the state, COMMIT)
	 */
	EXPECT_EQ(statements, Managed() ? 7u : 1u) << r.err;

	/* -q silences even that */
	r = Run({"deploy", "-q"});
	EXPECT_EQ(r.exit_code, 0);
	EXPECT_EQ(r.All(), "");
}

TEST_F(Deploy, ChangedAppliedFileExits4WithMG001AndUploadsNothing)
{
	WriteSmallFolder();
	ASSERT_EQ(Run({"deploy"}).exit_code, 0);
	std::string checksum = db_->Scalar("SELECT checksum FROM migrate.migrations WHERE version = '0002'");
	WriteMigration("0002_posts.sql", std::string(kPosts) + "ALTER TABLE posts ADD COLUMN title text;\n");
	WriteMigration("0004_more.sql", "CREATE TABLE more (id int);\n");

	RunResult r = Run({"deploy"});
	EXPECT_EQ(r.exit_code, 4) << r.All();
	EXPECT_NE(r.err.find("MG001"), std::string::npos) << r.err;
	EXPECT_NE(r.err.find("./migrations/0002_posts.sql: this file was changed after it was applied"), std::string::npos)
	    << r.err;
	EXPECT_NE(r.err.find("new migration"), std::string::npos) << r.err;
	/* all or nothing: the new file was not registered either */
	EXPECT_EQ(Registered(), 3);
	EXPECT_EQ(db_->Scalar("SELECT checksum FROM migrate.migrations WHERE version = '0002'"), checksum);
	EXPECT_FALSE(db_->TableExists("more"));

	/* push refuses the same way */
	EXPECT_EQ(Run({"push"}).exit_code, 4);
	EXPECT_EQ(Registered(), 3);
}

TEST_F(Deploy, FailingMigrationAmongThreeExits1AppliesNoneAndRecordsFailure)
{
	WriteMigration("0001_users.sql", kUsers);
	WriteMigration("0002_broken.sql", "-- migrate:up\nCREATE TABLE t2 (id int);\nINSERT INTO nope VALUES (1);\n");
	WriteMigration("0003_posts.sql", kPosts);

	RunResult r = Run({"deploy"});
	EXPECT_EQ(r.exit_code, 1) << r.All();
	EXPECT_FALSE(db_->TableExists("users"));
	EXPECT_FALSE(db_->TableExists("t2"));
	EXPECT_FALSE(db_->TableExists("posts"));
	EXPECT_EQ(db_->Count("SELECT count(*) FROM migrate.history WHERE status = 'succeeded'"), 0);
	auto failed = db_->Query("SELECT version, sqlstate, line FROM migrate.history WHERE status = 'failed'");
	ASSERT_EQ(failed.size(), 1u);
	EXPECT_EQ(failed[0][0].value_or(""), "0002");
	EXPECT_EQ(failed[0][1].value_or(""), "42P01");
	/* the error names file and line, the message and the SQLSTATE */
	EXPECT_NE(r.err.find("./migrations/0002_broken.sql:3: "), std::string::npos) << r.err;
	EXPECT_NE(r.err.find("relation \"nope\" does not exist"), std::string::npos) << r.err;
	EXPECT_NE(r.err.find("42P01"), std::string::npos) << r.err;
	EXPECT_EQ(db_->Count("SELECT count(*) FROM migrate.migrations WHERE state = 'applied'"), 0);

	/* fixed, the next deploy applies all three */
	WriteMigration("0002_broken.sql", "-- migrate:up\nCREATE TABLE t2 (id int);\n");
	r = Run({"deploy"});
	EXPECT_EQ(r.exit_code, 0) << r.All();
	EXPECT_TRUE(db_->TableExists("posts"));
	EXPECT_EQ(db_->Count("SELECT count(*) FROM migrate.history WHERE status = 'succeeded'"), 3);
}

TEST_F(Deploy, PushRegistersWithoutApplyingAndUpdatesPendingFiles)
{
	WriteSmallFolder();
	RunResult r = Run({"push"});
	ASSERT_EQ(r.exit_code, 0) << r.All();
	EXPECT_EQ(db_->Count("SELECT count(*) FROM migrate.migrations WHERE state = 'pending'"), 3);
	EXPECT_FALSE(db_->TableExists("users"));
	EXPECT_NE(r.out.find("| new     |"), std::string::npos) << r.out;

	WriteMigration("0003_seed.sql", "INSERT INTO users VALUES (2, 'b@example.com');\n");
	r = Run({"push"});
	ASSERT_EQ(r.exit_code, 0) << r.All();
	EXPECT_NE(r.out.find("| updated |"), std::string::npos) << r.out;
	EXPECT_NE(r.out.find("(1 row)"), std::string::npos) << r.out;

	r = Run({"push"});
	EXPECT_EQ(r.exit_code, 0);
	EXPECT_NE(r.err.find("nothing to upload"), std::string::npos) << r.All();

	ASSERT_EQ(Run({"deploy"}).exit_code, 0);
	EXPECT_EQ(db_->Scalar("SELECT email FROM users"), "b@example.com");
}

TEST_F(Deploy, DryRunChangesNothing)
{
	WriteSmallFolder();
	RunResult r = Run({"deploy", "--dry-run"});
	EXPECT_EQ(r.exit_code, 0) << r.All();
	EXPECT_NE(r.out.find("dry-run"), std::string::npos) << r.out;
	EXPECT_FALSE(db_->TableExists("users"));
	EXPECT_EQ(db_->Count("SELECT count(*) FROM migrate.migrations WHERE state = 'applied'"), 0);
}

TEST_F(Deploy, TargetStopsAtVersion)
{
	WriteSmallFolder();
	RunResult r = Run({"deploy", "--target", "0002"});
	EXPECT_EQ(r.exit_code, 0) << r.All();
	EXPECT_TRUE(db_->TableExists("posts"));
	EXPECT_EQ(db_->Count("SELECT count(*) FROM users"), 0);
	EXPECT_EQ(db_->Count("SELECT count(*) FROM migrate.migrations WHERE state = 'pending'"), 1);
}

TEST_F(Deploy, GlobalOptionsAfterCommandAndDatabaseUrlFromEnvironment)
{
	WriteSmallFolder();
	RunResult r = pgmtest::RunClient({"deploy", "--dir", tmp_.Path() + "/migrations", "-q"},
	                                 {{"DATABASE_URL", "postgresql:///" + db_name_}}, tmp_.Path());
	EXPECT_EQ(r.exit_code, 0) << r.All();
	EXPECT_EQ(r.All(), "");
	EXPECT_TRUE(db_->TableExists("posts"));
}

TEST_F(Deploy, ChecksumEqualsServerChecksumForUtf8AndCrlf)
{
	std::string content = "-- migrate:up\r\nCREATE TABLE caf\xc3\xa9 (n text DEFAULT '\xe2\x82\xac');\r\n";
	WriteMigration("0001_cafe.sql", content);
	ASSERT_EQ(Run({"deploy"}).exit_code, 0);
	EXPECT_EQ(db_->Scalar("SELECT checksum FROM migrate.status()"), pgmigrate::client::Sha256Hex(content));
	EXPECT_TRUE(db_->TableExists("\"caf\xc3\xa9\""));
	RunResult r = Run({"deploy"});
	EXPECT_NE(r.err.find("nothing to do"), std::string::npos) << r.All();
}

TEST_F(Deploy, PreviouslyFailedMigrationIsRetried)
{
	WriteMigration("0001_bad.sql", "SELECT 1/0;\n");
	ASSERT_EQ(Run({"deploy"}).exit_code, 1);
	/* still failing: not "nothing to do" */
	RunResult r = Run({"deploy"});
	EXPECT_EQ(r.exit_code, 1) << r.All();
	EXPECT_EQ(db_->Count("SELECT count(*) FROM migrate.history WHERE status = 'failed'"), 2);
}

} // namespace
