/* Unit tests of other tools' folder layouts: detection, reading, translation, checksums. */
#include "checksum.hpp"
#include "folder.hpp"
#include "layouts.hpp"
#include "script.hpp"

#include "temp_dir.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

using namespace pgmigrate::client;

namespace {

TEST(Translate, UpAloneIsTheFileItself)
{
	std::string up = "CREATE TABLE t (id int);\n";
	Translation t = TranslateScript(up, nullptr, false);
	EXPECT_EQ(t.script, up);
	EXPECT_EQ(t.down_first_line, 0);
}

TEST(Translate, DownFollowsAfterMarkerAndParses)
{
	std::string up = "-- comment\nCREATE TABLE t (id int);", down = "DROP TABLE t;\n";
	Translation t = TranslateScript(up, &down, false);
	EXPECT_EQ(t.script, "-- comment\nCREATE TABLE t (id int);\n-- migrate:down\nDROP TABLE t;\n");
	EXPECT_EQ(t.down_first_line, 4);
	pgmigrate::Script s = pgmigrate::ParseScript(t.script, "schema");
	EXPECT_EQ(s.up.first_line, 1);
	EXPECT_NE(s.up.sql.find("CREATE TABLE t"), std::string::npos);
	EXPECT_TRUE(s.down.present);
	EXPECT_EQ(s.down.sql, "DROP TABLE t;\n");
	EXPECT_EQ(s.down.first_line, 4);
}

TEST(Translate, EmptyDownIsADownThatDoesNothing)
{
	std::string down = "-- nothing to undo\n";
	Translation t = TranslateScript("SELECT 1;\n", &down, false);
	EXPECT_EQ(t.script, "SELECT 1;\n-- migrate:down\n-- nothing to undo\n");
	EXPECT_EQ(t.down_first_line, 3);
	EXPECT_TRUE(pgmigrate::ParseScript(t.script, "schema").down.present);
	std::string empty;
	EXPECT_EQ(TranslateScript("SELECT 1;", &empty, false).script, "SELECT 1;\n-- migrate:down\n");
}

TEST(Translate, IfNeededDirectiveOnlyWhereAStatementMayNeedIt)
{
	using pgmigrate::NoTransactionIf;
	std::string plain = "CREATE TABLE \"Subscription\" (\"database\" text, \"system\" text);\n";
	EXPECT_EQ(TranslateScript(plain, nullptr, false, NoTransactionIf::kNeeded).script, plain);
	std::string index = "-- CreateIndex\nCREATE INDEX CONCURRENTLY \"i\" ON \"t\"(\"a\");";
	Translation t = TranslateScript(index, nullptr, false, NoTransactionIf::kNeeded);
	EXPECT_EQ(t.script, index + "\n-- migrate:no-transaction if-needed\n");
	pgmigrate::Script s = pgmigrate::ParseScript(t.script, "schema");
	EXPECT_EQ(s.no_transaction_if, NoTransactionIf::kNeeded);
	EXPECT_TRUE(s.transactional); /* the server decides */
	EXPECT_EQ(s.up.first_line, 1);
	std::string undo = "DROP INDEX CONCURRENTLY i;\n";
	EXPECT_EQ(TranslateScript("SELECT 1;\n", &undo, false, NoTransactionIf::kNeededBetweenBreakpoints).script,
	          "SELECT 1;\n-- migrate:no-transaction if-needed-between-breakpoints\n-- migrate:down\nDROP INDEX "
	          "CONCURRENTLY i;\n");
	EXPECT_EQ(TranslateScript("vacuum analyze t;", nullptr, false, NoTransactionIf::kNeeded).script,
	          "vacuum analyze t;\n-- migrate:no-transaction if-needed\n");
	EXPECT_EQ(TranslateScript(index, nullptr, false).script, index); /* native and golang-migrate: never */
}

TEST(Translate, EmptyPrismaMigrationStillRegisters)
{
	Translation t = TranslateScript("-- This is an empty migration.", nullptr, false);
	pgmigrate::Script s = pgmigrate::ParseScript(t.script, "schema");
	EXPECT_NE(s.up.sql.find("SELECT;"), std::string::npos);
}

TEST(Translate, RepeatableCarriesTheDirective)
{
	/* register() decides what a changed repeatable migration becomes: the translation only says it is one */
	Translation t = TranslateScript("CREATE OR REPLACE VIEW v AS SELECT 1;\n", nullptr, true);
	pgmigrate::Script s = pgmigrate::ParseScript(t.script, "schema-repeatable");
	EXPECT_TRUE(s.repeatable);
	EXPECT_NE(t.script.find("-- migrate:repeatable\n"), std::string::npos);
	EXPECT_EQ(s.up.first_line, 1);
}

TEST(Drizzle, BreakpointsStayCommentsAndSeparateStatements)
{
	std::string generated = "CREATE TABLE a (id int);\n--> statement-breakpoint\nCREATE TABLE b (id int);\n";
	EXPECT_EQ(DrizzleStatements(generated), generated);
	std::string custom = "UPDATE a SET id = 1 WHERE id = 0\n--> statement-breakpoint\nSELECT 1";
	EXPECT_EQ(DrizzleStatements(custom), "UPDATE a SET id = 1 WHERE id = 0\n;--> statement-breakpoint\nSELECT 1");
	EXPECT_EQ(DrizzleStatements("SELECT 1;\n-- note\n--> statement-breakpoint\n"),
	          "SELECT 1;\n-- note\n--> statement-breakpoint\n");
	std::string same_line = "ALTER TABLE a ADD b int;--> statement-breakpoint\nCREATE INDEX i ON a (b);";
	EXPECT_EQ(DrizzleStatements(same_line), same_line);
	EXPECT_EQ(DrizzleStatements("SELECT 1--> statement-breakpoint\nSELECT 2"),
	          "SELECT 1;--> statement-breakpoint\nSELECT 2");
}

TEST(Repeatable, VersionsSortLikeDescriptionsAndAreValid)
{
	std::vector<std::string> descriptions = {"a",     "account summary view", "account summary view 2", "b",
	                                         "touch", "touch trigger",        std::string(80, 'x')};
	for (std::size_t i = 0; i < descriptions.size(); i++) {
		std::string v = RepeatableVersion(descriptions[i]);
		EXPECT_NO_THROW(pgmigrate::CheckVersion(v)) << v;
		if (i > 0) {
			EXPECT_LT(pgmigrate::CompareVersions(RepeatableVersion(descriptions[i - 1]), v), 0)
			    << descriptions[i - 1] << " / " << descriptions[i];
		}
	}
	EXPECT_EQ(RepeatableVersion("a"), std::to_string(97ULL << 48));
	EXPECT_EQ(RepeatableStream("schema"), "schema-repeatable");
}

TEST(Flyway, ChecksumIsCrc32OfLinesWithoutEndings)
{
	/* CRC-32 of "123456789" is 0xCBF43926 */
	EXPECT_EQ(FlywayChecksum("123456789"), static_cast<std::int32_t>(0xCBF43926u));
	EXPECT_EQ(FlywayChecksum("12345\n6789\n"), static_cast<std::int32_t>(0xCBF43926u));
	EXPECT_EQ(FlywayChecksum("12345\r\n6789\r\n"), static_cast<std::int32_t>(0xCBF43926u));
	EXPECT_EQ(FlywayChecksum("\xEF\xBB\xBF"
	                         "123456789"),
	          static_cast<std::int32_t>(0xCBF43926u));
	EXPECT_EQ(FlywayChecksum(""), 0);
}

class LayoutFolder : public ::testing::Test {
protected:
	void
	Write(const std::string &relative, const std::string &content)
	{
		temp_.Write(relative, content);
	}
	FolderContents
	Read(const std::string &layout = "", const std::string &stream = "")
	{
		std::string spec = stream.empty() ? dir_ : stream + "=" + dir_;
		return ReadFolders(ParseDirSpecs({spec}, layout));
	}
	static std::string
	Problems(const FolderContents &c)
	{
		std::string all;
		for (const FileProblem &p : c.problems)
			all += p.ToString() + "\n";
		return all;
	}
	pgmtest::TempDir temp_{"pg_migrate_layout_"};
	const std::string dir_ = temp_.Path();
};

TEST_F(LayoutFolder, Prisma)
{
	Write("migration_lock.toml", "provider = \"postgresql\"\n");
	Write("20240110090000_init/migration.sql", "CREATE TABLE \"User\" (id text);\n");
	Write("20240112100000_posts/migration.sql", "CREATE TABLE \"Post\" (id text);\n");
	Write("20240112100000_posts/down.sql", "DROP TABLE \"Post\";\n");
	FolderContents c = Read();
	ASSERT_TRUE(c.problems.empty()) << Problems(c);
	ASSERT_EQ(c.files.size(), 2u);
	EXPECT_EQ(c.files[0].layout, "prisma");
	EXPECT_EQ(c.files[0].version, "20240110090000");
	EXPECT_EQ(c.files[0].name, "init");
	EXPECT_EQ(c.files[0].tool_id, "20240110090000_init");
	EXPECT_EQ(c.files[0].path, dir_ + "/20240110090000_init/migration.sql");
	EXPECT_EQ(c.files[0].content, c.files[0].original);
	EXPECT_EQ(c.files[0].checksum, Sha256Hex(c.files[0].content));
	EXPECT_EQ(c.files[1].content, "CREATE TABLE \"Post\" (id text);\n-- migrate:down\nDROP TABLE \"Post\";\n");
	EXPECT_EQ(c.files[1].original, "CREATE TABLE \"Post\" (id text);\n");
}

TEST_F(LayoutFolder, PrismaFolderWithoutMigrationSql)
{
	Write("20240110090000_init/migration.sql", "SELECT 1;\n");
	Write("20240111090000_broken/notes.txt", "x");
	FolderContents c = Read();
	ASSERT_EQ(c.problems.size(), 1u);
	EXPECT_EQ(c.problems[0].path, dir_ + "/20240111090000_broken");
	/* a folder of another runner's code migrations (a real history has dozens): what to do is said */
	EXPECT_NE(c.problems[0].message.find("move the folder out of the migrations directory"), std::string::npos)
	    << c.problems[0].message;
}

TEST_F(LayoutFolder, PrismaDownErrorNamesDownFile)
{
	Write("20240110090000_init/migration.sql", "SELECT 1;\n");
	Write("20240110090000_init/down.sql", "SELECT 1;\n-- migrate:bogus\n");
	FolderContents c = Read();
	ASSERT_EQ(c.problems.size(), 1u) << Problems(c);
	EXPECT_EQ(c.problems[0].path, dir_ + "/20240110090000_init/down.sql");
	EXPECT_EQ(c.problems[0].line, 2);
}

TEST_F(LayoutFolder, Flyway)
{
	Write("V1__create_accounts.sql", "CREATE TABLE accounts (id int);\n");
	Write("V1_1__index.sql", "CREATE INDEX ON accounts (id);\n");
	Write("V2__invoices.sql", "CREATE TABLE invoices (id int);\n");
	Write("U2__invoices.sql", "DROP TABLE invoices;\n");
	Write("R__summary_view.sql", "CREATE OR REPLACE VIEW s AS SELECT 1;\n");
	Write("more/V3__nested.sql", "SELECT 3;\n");
	FolderContents c = Read();
	ASSERT_TRUE(c.problems.empty()) << Problems(c);
	ASSERT_EQ(c.files.size(), 5u);
	std::map<std::string, const MigrationFile *> by_tool;
	for (const MigrationFile &f : c.files)
		by_tool[f.tool_id] = &f;
	ASSERT_EQ(by_tool.count("V1_1__index.sql"), 1u);
	EXPECT_EQ(by_tool["V1_1__index.sql"]->version, "1.1");
	EXPECT_EQ(by_tool["V2__invoices.sql"]->content, "CREATE TABLE invoices (id int);\n-- migrate:down\nDROP TABLE "
	                                                "invoices;\n");
	ASSERT_EQ(by_tool.count("more/V3__nested.sql"), 1u);
	EXPECT_EQ(by_tool["more/V3__nested.sql"]->version, "3");
	const MigrationFile *r = by_tool["R__summary_view.sql"];
	ASSERT_NE(r, nullptr);
	EXPECT_TRUE(r->repeatable);
	EXPECT_EQ(r->stream, "schema-repeatable");
	EXPECT_EQ(r->version, RepeatableVersion("summary view"));
	EXPECT_EQ(r->original, "CREATE OR REPLACE VIEW s AS SELECT 1;\n");
}

TEST_F(LayoutFolder, FlywayUndoWithoutVersioned)
{
	Write("V1__a.sql", "SELECT 1;\n");
	Write("U2__b.sql", "SELECT 2;\n");
	FolderContents c = Read();
	ASSERT_EQ(c.problems.size(), 1u) << Problems(c);
	EXPECT_EQ(c.problems[0].path, dir_ + "/U2__b.sql");
}

TEST_F(LayoutFolder, Drizzle)
{
	Write("meta/_journal.json", R"({"version":"7","dialect":"postgresql","entries":[
	  {"idx":0,"version":"7","when":1700000000000,"tag":"0000_init","breakpoints":true},
	  {"idx":1,"version":"7","when":1700000100000,"tag":"0001_posts","breakpoints":true}]})");
	Write("meta/0000_snapshot.json", "{}");
	Write("0000_init.sql", "CREATE TABLE a (id int);\n--> statement-breakpoint\nCREATE TABLE b (id int);\n");
	Write("0001_posts.sql", "CREATE TABLE p (id int);");
	FolderContents c = Read();
	ASSERT_TRUE(c.problems.empty()) << Problems(c);
	ASSERT_EQ(c.files.size(), 2u);
	EXPECT_EQ(c.files[0].layout, "drizzle");
	EXPECT_EQ(c.files[0].version, "0000");
	EXPECT_EQ(c.files[0].name, "init");
	EXPECT_EQ(c.files[0].created_millis, 1700000000000LL);
	EXPECT_EQ(c.files[1].tool_id, "0001_posts");
}

TEST_F(LayoutFolder, DrizzleUnlistedAndMissingFiles)
{
	Write("meta/_journal.json",
	      R"({"entries":[{"idx":0,"when":1,"tag":"0000_init"},{"idx":1,"when":2,"tag":"0001_gone"}]})");
	Write("0000_init.sql", "SELECT 1;\n");
	Write("0002_stray.sql", "SELECT 2;\n");
	FolderContents c = Read();
	std::string all = Problems(c);
	EXPECT_EQ(c.problems.size(), 1u) << all;
	EXPECT_NE(all.find(dir_ + "/0001_gone.sql: listed in meta/_journal.json"), std::string::npos) << all;
	/* drizzle never runs a file its journal does not list: skipped with a warning */
	ASSERT_EQ(c.warnings.size(), 1u);
	EXPECT_EQ(c.warnings[0].path, dir_ + "/0002_stray.sql");
	EXPECT_NE(c.warnings[0].message.find("not listed in meta/_journal.json"), std::string::npos);
	ASSERT_EQ(c.files.size(), 1u);
	EXPECT_EQ(c.files[0].tool_id, "0000_init");
}

TEST_F(LayoutFolder, DrizzleV1Folders)
{
	Write("20250508193838_init/migration.sql", "CREATE TABLE a (id int);\n");
	Write("20250508193838_init/snapshot.json", "{}");
	Write("20250509100000_more/migration.sql", "CREATE TABLE b (id int);\n--> statement-breakpoint\nSELECT 1");
	Write("20250509100000_more/snapshot.json", "{}");
	FolderContents c = Read();
	ASSERT_TRUE(c.problems.empty()) << Problems(c);
	ASSERT_EQ(c.files.size(), 2u);
	EXPECT_EQ(c.files[0].layout, "drizzle");
	EXPECT_EQ(c.files[0].version, "20250508193838");
	EXPECT_EQ(c.files[0].tool_id, "20250508193838_init");
	EXPECT_EQ(c.files[0].created_millis, 1746733118000LL); /* 2025-05-08 19:38:38 UTC */
	EXPECT_EQ(c.files[1].path, dir_ + "/20250509100000_more/migration.sql");
	EXPECT_EQ(c.files[1].original, "CREATE TABLE b (id int);\n--> statement-breakpoint\nSELECT 1");
	/* a migration_lock.toml makes the same folders Prisma's */
	Write("migration_lock.toml", "provider = \"postgresql\"\n");
	EXPECT_EQ(Read().files[0].layout, "prisma");
}

TEST_F(LayoutFolder, PrismaFoldersSharingATimestamp)
{
	Write("migration_lock.toml", "provider = \"postgresql\"\n");
	Write("20260630120000_drop_y/migration.sql", "SELECT 2;\n");
	Write("20260630120000_add_x/migration.sql", "SELECT 1;\n");
	Write("20260630120000_zz/migration.sql", "SELECT 3;\n");
	Write("20260701000000_later/migration.sql", "SELECT 4;\n");
	FolderContents c = Read();
	ASSERT_TRUE(c.problems.empty()) << Problems(c);
	ASSERT_EQ(c.files.size(), 4u);
	EXPECT_EQ(c.files[0].tool_id, "20260630120000_add_x");
	EXPECT_EQ(c.files[0].version, "20260630120000"); /* the first in Prisma's order keeps the timestamp */
	EXPECT_EQ(c.files[1].tool_id, "20260630120000_drop_y");
	EXPECT_EQ(c.files[1].version, "20260630120000." + RepeatableVersion("drop_y"));
	EXPECT_EQ(c.files[3].version, "20260701000000");
	for (std::size_t i = 1; i < c.files.size(); i++)
		EXPECT_LT(pgmigrate::CompareVersions(c.files[i - 1].version, c.files[i].version), 0) << i;
	/* stable: the version depends on the folder's own name only */
	Write("20260630120000_b/migration.sql", "SELECT 5;\n");
	FolderContents again = Read();
	ASSERT_EQ(again.files.size(), 5u);
	EXPECT_EQ(again.files[2].tool_id, "20260630120000_drop_y");
	EXPECT_EQ(again.files[2].version, c.files[1].version);
}

TEST_F(LayoutFolder, DrizzleBadJournal)
{
	Write("meta/_journal.json", "{not json");
	Write("0000_init.sql", "SELECT 1;\n");
	FolderContents c = Read();
	ASSERT_EQ(c.problems.size(), 1u) << Problems(c);
	EXPECT_EQ(c.problems[0].path, dir_ + "/meta/_journal.json");
}

TEST_F(LayoutFolder, GolangMigrate)
{
	Write("1_init.up.sql", "CREATE TABLE a (id int);\n");
	Write("1_init.down.sql", "DROP TABLE a;\n");
	Write("2_more.up.sql", "CREATE TABLE b (id int);\n");
	FolderContents c = Read();
	ASSERT_TRUE(c.problems.empty()) << Problems(c);
	ASSERT_EQ(c.files.size(), 2u);
	EXPECT_EQ(c.files[0].version, "1");
	EXPECT_EQ(c.files[0].name, "init");
	EXPECT_EQ(c.files[0].content, "CREATE TABLE a (id int);\n-- migrate:down\nDROP TABLE a;\n");
	EXPECT_EQ(c.files[1].layout, "golang-migrate");
}

/* golang-migrate's version is the leading digits: the rest, dots and underscores included, is the name. */
TEST_F(LayoutFolder, GolangMigrateVersionIsTheLeadingDigits)
{
	Write("0030_2.0.0_schema.up.sql", "CREATE TABLE a (id int);\n");
	Write("0040_2.1.0_schema.up.sql", "CREATE TABLE b (id int);\n");
	Write("20260101_1200_x.up.sql", "CREATE TABLE c (id int);\n");
	FolderContents c = Read();
	ASSERT_TRUE(c.problems.empty()) << Problems(c);
	ASSERT_EQ(c.files.size(), 3u);
	EXPECT_EQ(c.files[0].version, "0030");
	EXPECT_EQ(c.files[0].name, "2.0.0_schema");
	EXPECT_EQ(c.files[1].version, "0040");
	EXPECT_EQ(c.files[2].version, "20260101");
	EXPECT_EQ(c.files[2].name, "1200_x");
}

TEST_F(LayoutFolder, MixedLayoutsNameTheOddFile)
{
	Write("V1__a.sql", "SELECT 1;\n");
	Write("V2__b.sql", "SELECT 2;\n");
	Write("0003_native.sql", "SELECT 3;\n");
	FolderContents c = Read();
	ASSERT_EQ(c.problems.size(), 1u) << Problems(c);
	EXPECT_EQ(c.problems[0].path, dir_ + "/0003_native.sql");
	EXPECT_NE(c.problems[0].message.find("flyway"), std::string::npos);
}

TEST_F(LayoutFolder, NativeWithPrismaFolderIsMixed)
{
	Write("0001_a.sql", "SELECT 1;\n");
	Write("0002_b.sql", "SELECT 2;\n");
	Write("20240101000000_x/migration.sql", "SELECT 3;\n");
	FolderContents c = Read();
	ASSERT_EQ(c.problems.size(), 1u) << Problems(c);
	EXPECT_EQ(c.problems[0].path, dir_ + "/20240101000000_x");
}

TEST_F(LayoutFolder, ForcedLayoutNamesFilesThatDoNotFit)
{
	Write("0001_a.sql", "SELECT 1;\n");
	FolderContents c = Read("flyway");
	ASSERT_EQ(c.problems.size(), 1u) << Problems(c);
	EXPECT_EQ(c.problems[0].path, dir_ + "/0001_a.sql");
	EXPECT_NE(c.problems[0].message.find("--layout flyway"), std::string::npos);
	EXPECT_TRUE(Read("native").problems.empty());
	EXPECT_THROW(ParseDirSpecs({dir_}, "liquibase"), std::exception);
}

TEST_F(LayoutFolder, NativeIsUnchanged)
{
	Write("0001_a.sql", "-- migrate:up\nSELECT 1;\n-- migrate:down\nSELECT 2;\n");
	Write("README.md", "x");
	FolderContents c = Read();
	ASSERT_TRUE(c.problems.empty()) << Problems(c);
	ASSERT_EQ(c.files.size(), 1u);
	EXPECT_EQ(c.files[0].layout, "native");
	EXPECT_TRUE(c.files[0].original.empty());
	EXPECT_EQ(c.files[0].ToolBytes(), c.files[0].content);
}

} // namespace
