/* Unit tests of reading apply()'s lint NOTICE and MG004 DETAIL, of the finding text and of the summary. */
#include "lint_findings.hpp"

#include <gtest/gtest.h>

#include <sstream>

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

TEST(LintNotice, NotBlockingHereIsANotice)
{
	auto found = ParseLintNotice("migration schema/0002_add_index lint, not blocking here: drop-column (statement 1, "
	                             "line 3): dropping column plan loses its data [not blocking here: accounts is empty]",
	                             Files());
	ASSERT_EQ(found.size(), 1u);
	EXPECT_EQ(found[0].severity, "notice");
	EXPECT_EQ(found[0].rule, "drop-column");
	EXPECT_EQ(found[0].file, "db/0002_add_index.sql");
	EXPECT_EQ(found[0].line, 3);
	EXPECT_EQ(found[0].blocks_here, false);
	EXPECT_EQ(LintJson(found[0])["blocks_here"], false);
	EXPECT_EQ(LintText(found[0]), "db/0002_add_index.sql:3: notice: drop-column: dropping column plan loses its data "
	                              "[not blocking here: accounts is empty]");
}

TEST(LintText, ErrorNotBlockingHere)
{
	LintFinding f;
	f.file = "a.sql";
	f.line = 1;
	f.severity = "error";
	f.rule = "truncate";
	f.message = "m";
	EXPECT_EQ(LintJson(f)["blocks_here"], nullptr);
	f.blocks_here = false;
	EXPECT_EQ(LintText(f), "a.sql:1: error: truncate: m [not blocking here]");
	f.blocks_here = true;
	EXPECT_EQ(LintText(f), "a.sql:1: error: truncate: m");
}

/* What PrintLintSummary writes, one string per line. */
std::vector<std::string>
SummaryLines(const std::vector<LintFinding> &findings, bool verbose)
{
	GlobalOptions options;
	options.verbose = verbose;
	Output out(options);
	std::string captured;
	out.CaptureTo(&captured);
	PrintLintSummary(findings, out);
	std::vector<std::string> lines;
	std::istringstream in(captured);
	for (std::string line; std::getline(in, line);)
		lines.push_back(line);
	return lines;
}

TEST(LintSummary, OneLinePerRule)
{
	std::vector<LintFinding> findings;
	for (int i = 1; i <= 40; i++) {
		LintFinding f;
		f.file = "m/" + std::to_string(i) + "_t.sql";
		f.migration = "schema/" + std::to_string(i) + "_t";
		f.line = 2;
		f.severity = "warning";
		f.rule = "prefer-text";
		f.message = "use text";
		findings.push_back(f);
		if (i % 2 == 0) {
			f.rule = "prefer-bigint";
			f.line = 3;
			findings.push_back(f);
		}
	}
	LintFinding single;
	single.file = "m/9_t.sql";
	single.migration = "schema/9_t";
	single.line = 7;
	single.severity = "notice";
	single.rule = "drop-column";
	single.message = "dropping column x [not blocking here: t is empty]";
	findings.push_back(single);

	std::vector<std::string> lines = SummaryLines(findings, false);
	ASSERT_EQ(lines.size(), 4u);
	EXPECT_EQ(lines[0], "warning: prefer-text: 40 findings in 40 migrations, the first at m/1_t.sql:2");
	EXPECT_EQ(lines[1], "warning: prefer-bigint: 20 findings in 20 migrations, the first at m/2_t.sql:3");
	/* a rule with one finding: the finding itself */
	EXPECT_EQ(lines[2], "m/9_t.sql:7: notice: drop-column: dropping column x [not blocking here: t is empty]");
	EXPECT_NE(lines[3].find("61 findings"), std::string::npos) << lines[3];
	EXPECT_NE(lines[3].find("-v lists each"), std::string::npos) << lines[3];

	/* -v: every finding */
	EXPECT_EQ(SummaryLines(findings, true).size(), findings.size());
	/* nothing to say: nothing said */
	EXPECT_TRUE(SummaryLines({}, false).empty());
}

} // namespace
