/* Unit tests of reading apply()'s lint NOTICE and MG004 DETAIL, and of the finding text. */
#include "lint_findings.hpp"

#include <gtest/gtest.h>

using namespace pgmigrate::client;

namespace {

std::vector<MigrationFile>
Files()
{
	MigrationFile a;
	a.path = "db/0002_add_index.sql";
	a.stream = "schema";
	a.version = "0002";
	a.name = "add_index";
	MigrationFile b;
	b.path = "db/20260101_1200_purge.sql";
	b.stream = "data";
	b.version = "20260101_1200";
	b.name = "purge";
	return {a, b};
}

TEST(LintNotice, ParsesEveryFindingAndNamesTheFile)
{
	auto found =
	    ParseLintNotice("migration schema/0002_add_index lint: index-not-concurrent (statement 3, line 4): CREATE "
	                    "INDEX blocks writes\nprefer-text (statement 1, line 2): use text",
	                    Files());
	ASSERT_EQ(found.size(), 2u);
	EXPECT_EQ(found[0].file, "db/0002_add_index.sql");
	EXPECT_EQ(found[0].migration, "schema/0002_add_index");
	EXPECT_EQ(found[0].rule, "index-not-concurrent");
	EXPECT_EQ(found[0].statement, 3);
	EXPECT_EQ(found[0].line, 4);
	EXPECT_EQ(found[0].severity, "warning");
	EXPECT_EQ(found[0].message, "CREATE INDEX blocks writes");
	EXPECT_EQ(found[1].rule, "prefer-text");
	EXPECT_EQ(found[1].line, 2);
	EXPECT_EQ(LintText(found[0]), "db/0002_add_index.sql:4: warning: index-not-concurrent: CREATE INDEX blocks writes");
}

TEST(LintNotice, OtherNoticesAreNotFindings)
{
	EXPECT_TRUE(ParseLintNotice("relation \"t\" already exists, skipping", Files()).empty());
	EXPECT_TRUE(ParseLintNotice("migration started", Files()).empty());
	EXPECT_TRUE(ParseLintNotice("migration schema/1_x lint: not a finding", Files()).empty());
}

TEST(LintNotice, UnknownMigrationKeepsItsLabel)
{
	auto found = ParseLintNotice("migration index/7_gone lint: prefer-text (statement 1, line 1): use text", Files());
	ASSERT_EQ(found.size(), 1u);
	EXPECT_EQ(found[0].file, "index/7_gone");
}

TEST(LintRefusal, ParsesFindingsOfEachMigration)
{
	auto found = ParseLintRefusal("schema/0002_add_index:\n"
	                              "drop-table (statement 1, line 2): DROP TABLE loses its data\n"
	                              "data/20260101_1200_purge:\n"
	                              "delete-without-where (statement 2, line 5): DELETE without WHERE\n"
	                              "truncate (statement 3, line 6): TRUNCATE",
	                              Files());
	ASSERT_EQ(found.size(), 3u);
	EXPECT_EQ(found[0].file, "db/0002_add_index.sql");
	EXPECT_EQ(found[0].rule, "drop-table");
	EXPECT_EQ(found[0].severity, "error");
	EXPECT_EQ(found[1].file, "db/20260101_1200_purge.sql");
	EXPECT_EQ(found[1].line, 5);
	EXPECT_EQ(found[2].rule, "truncate");
	EXPECT_EQ(found[2].migration, "data/20260101_1200_purge");
}

TEST(LintText, LockAndAllowed)
{
	LintFinding f;
	f.file = "a.sql";
	f.line = 3;
	f.severity = "error";
	f.rule = "drop-column";
	f.message = "m";
	f.lock_mode = "ACCESS EXCLUSIVE";
	EXPECT_EQ(LintText(f), "a.sql:3: error: drop-column: m (lock: ACCESS EXCLUSIVE)");
	f.allowed = true;
	EXPECT_EQ(LintText(f), "a.sql:3: error: drop-column: m (lock: ACCESS EXCLUSIVE) [allowed]");
	EXPECT_EQ(LintJson(f)["allowed"], true);
	EXPECT_EQ(LintJson(f)["migration"], nullptr);
}

} // namespace
