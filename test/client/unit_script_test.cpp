/* Unit checks of the shared script parser (extension/script.cpp) for inputs found by test/fuzz. */
#include "script.hpp"

#include <gtest/gtest.h>

using namespace pgmigrate;

namespace {

/* Found by script_fuzzer: a db-version with a group of 21 digits was registered, then
 * db_version() failed on every call because SemanticVersionKey() refuses it. */
TEST(ScriptParser, DbVersionKeepsVersionLimits)
{
	EXPECT_THROW(ParseScript("-- migrate:db-version 1.123456789012345678901\nSELECT 1;\n", "schema"), ScriptError);
	EXPECT_THROW(ParseScript("-- migrate:db-version 1.2.3.4.5.6.7.8.9\nSELECT 1;\n", "schema"), ScriptError);
	Script s = ParseScript("-- migrate:db-version 1.12345678901234567890\nSELECT 1;\n", "schema");
	EXPECT_EQ(s.db_version, "1.12345678901234567890");
	EXPECT_NO_THROW(SemanticVersionKey(s.db_version));
}

/* A lock-timeout beyond what PostgreSQL's lock_timeout takes was registered, then every apply failed. */
TEST(ScriptParser, LockTimeoutFitsPostgres)
{
	auto timeout = [](const std::string &value) {
		return ParseScript("-- migrate:lock-timeout " + value + "\nSELECT 1;\n", "schema").lock_timeout;
	};
	EXPECT_EQ(timeout("2147483647ms"), "2147483647ms");
	EXPECT_EQ(timeout("2147483s"), "2147483s");
	EXPECT_EQ(timeout("596h"), "596h");
	EXPECT_THROW(timeout("2147483648"), ScriptError);
	EXPECT_THROW(timeout("2147484s"), ScriptError);
	EXPECT_THROW(timeout("597h"), ScriptError);
	EXPECT_THROW(timeout("99999999999999999999999999s"), ScriptError);
}

} // namespace

TEST(ScriptParser, CrOnlyLineEndsAreRefusedWithAClearMessage)
{
	try {
		ParseScript("-- migrate:up\rCREATE TABLE a (id bigint);\r-- migrate:down\rDROP TABLE a;\r", "schema");
		FAIL() << "a CR-only file was accepted";
	} catch (const ScriptError &e) {
		EXPECT_NE(std::string(e.what()).find("CR-only line ends"), std::string::npos) << e.what();
	}
	/* CRLF files are read as they are */
	Script crlf =
	    ParseScript("-- migrate:up\r\nCREATE TABLE a (id bigint);\r\n-- migrate:down\r\nDROP TABLE a;\r\n", "schema");
	EXPECT_TRUE(crlf.down.present);
}

TEST(ScriptParser, DirectivesOnlyAtColumnZero)
{
	/* dbmate: an indented marker is SQL (a comment), not a marker */
	pgmigrate::Script s =
	    pgmigrate::ParseScript("-- migrate:up\nCREATE FUNCTION f() RETURNS int LANGUAGE sql AS $$\n"
	                           "  -- migrate:down\n  SELECT 1 $$;\n-- migrate:down\nDROP FUNCTION f;\n",
	                           "schema");
	EXPECT_NE(s.up.sql.find("  -- migrate:down\n"), std::string::npos);
	EXPECT_EQ(s.down.sql, "DROP FUNCTION f;\n");
	EXPECT_EQ(s.down.first_line, 6);
	/* an indented unknown directive is no error either: it is a comment */
	EXPECT_NO_THROW(pgmigrate::ParseScript("SELECT 1;\n\t-- migrate:bogus\n", "schema"));
	EXPECT_THROW(pgmigrate::ParseScript("SELECT 1;\n-- migrate:bogus\n", "schema"), pgmigrate::ScriptError);
	EXPECT_TRUE(pgmigrate::ParseScript("\xEF\xBB\xBF-- migrate:no-transaction\nVACUUM;\n", "schema").transactional ==
	            false);
}

TEST(ScriptParser, NoTransactionArguments)
{
	using pgmigrate::NoTransactionIf;
	EXPECT_EQ(pgmigrate::ParseScript("SELECT 1;\n-- migrate:no-transaction if-needed\n", "schema").no_transaction_if,
	          NoTransactionIf::kNeeded);
	EXPECT_EQ(pgmigrate::ParseScript("SELECT 1;\n-- migrate:no-transaction if-needed-between-breakpoints\n", "schema")
	              .no_transaction_if,
	          NoTransactionIf::kNeededBetweenBreakpoints);
	EXPECT_THROW(pgmigrate::ParseScript("SELECT 1;\n-- migrate:no-transaction sometimes\n", "schema"),
	             pgmigrate::ScriptError);
	pgmigrate::Script plain = pgmigrate::ParseScript("SELECT 1;\n", "schema");
	EXPECT_EQ(plain.no_transaction_if, NoTransactionIf::kNever);
}
