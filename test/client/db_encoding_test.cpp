/*
 * Migration files are UTF-8 whatever the database stores: in a LATIN1
 * database, text LATIN1 can hold deploys as written, and a character it
 * cannot hold is refused naming file and line, with nothing uploaded.
 */
#include "harness.hpp"

#include <gtest/gtest.h>

#include <unistd.h>

using pgmtest::RunResult;

namespace {

class Latin1Database : public ::testing::Test {
protected:
	void
	SetUp() override
	{
		name_ = "pgm_latin1_" + std::to_string(getpid());
		admin_ = std::make_unique<pgmtest::Db>("");
		admin_->Query("DROP DATABASE IF EXISTS " + name_);
		admin_->Query("CREATE DATABASE " + name_ + " ENCODING 'LATIN1' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0");
		db_ = std::make_unique<pgmtest::Db>("dbname=" + name_);
		db_->Query("CREATE EXTENSION pg_migrate");
	}
	void
	TearDown() override
	{
		db_.reset();
		admin_->Query("DROP DATABASE IF EXISTS " + name_);
	}
	RunResult
	Deploy()
	{
		return pgmtest::RunClient({"--db", "dbname=" + name_, "deploy"}, {}, tmp_.Path());
	}

	std::string name_;
	std::unique_ptr<pgmtest::Db> admin_, db_;
	pgmtest::TempDir tmp_;
};

TEST_F(Latin1Database, TextLatin1CanHoldDeploysAsWritten)
{
	tmp_.Write("migrations/0001_cafe.sql",
	           "CREATE TABLE caf\xc3\xa9 (nom text DEFAULT 'cr\xc3\xa8me br\xc3\xbbl\xc3\xa9"
	           "e');\n"
	           "COMMENT ON TABLE caf\xc3\xa9 IS '\xc3\xa0 la carte';\n");
	RunResult r = Deploy();
	ASSERT_EQ(r.exit_code, 0) << r.All();
	/* read back through a UTF8 client connection: the same characters */
	db_->Query("SET client_encoding = 'UTF8'");
	EXPECT_EQ(db_->Scalar("SELECT obj_description('caf\xc3\xa9'::regclass, 'pg_class')"), "\xc3\xa0 la carte");
	/* the checksum is the file's, so a second deploy has nothing to do */
	RunResult again = Deploy();
	EXPECT_EQ(again.exit_code, 0) << again.All();
	EXPECT_NE(again.err.find("nothing to do"), std::string::npos) << again.All();
}

TEST_F(Latin1Database, CharacterLatin1CannotHoldIsRefusedWithFileAndLine)
{
	tmp_.Write("migrations/0001_ok.sql", "CREATE TABLE ok (id bigint);\n");
	tmp_.Write("migrations/0002_euro.sql", "CREATE TABLE prices (id bigint);\n"
	                                       "COMMENT ON TABLE prices IS 'in \xe2\x82\xac';\n");
	RunResult r = Deploy();
	EXPECT_EQ(r.exit_code, 2) << r.All();
	EXPECT_NE(r.err.find("migrations/0002_euro.sql:2:"), std::string::npos) << r.All();
	EXPECT_EQ(db_->Count("SELECT count(*) FROM migrate.migrations"), 0);
	EXPECT_FALSE(db_->TableExists("ok"));
}

} // namespace
