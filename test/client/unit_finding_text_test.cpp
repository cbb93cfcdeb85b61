/* unit_finding_text_test.cpp — the lint text apply() writes is the text the client reads (extension/finding_text). */
#include "finding_text.hpp"

#include <gtest/gtest.h>

using pgmigrate::FindingLine;

namespace {

const std::vector<FindingLine> kFindings = {
    {"drop-column", 2, 14, "dropping column name breaks code still reading it"},
    {"index-not-concurrent", 3, 20, "CREATE INDEX blocks writes\nwhile it builds"}, /* a message of two lines */
};

void
ExpectSame(const std::vector<FindingLine> &got, const std::vector<FindingLine> &want)
{
	ASSERT_EQ(got.size(), want.size());
	for (std::size_t i = 0; i < want.size(); i++) {
		EXPECT_EQ(got[i].rule, want[i].rule);
		EXPECT_EQ(got[i].statement, want[i].statement);
		EXPECT_EQ(got[i].line, want[i].line);
		EXPECT_EQ(got[i].message, want[i].message);
	}
}

} // namespace

TEST(FindingText, FindingLineIsTheContractsForm)
{
	EXPECT_EQ(pgmigrate::FormatFinding(kFindings[0]),
	          "drop-column (statement 2, line 14): dropping column name breaks code still reading it");
}

TEST(FindingText, NoticeRoundTrips)
{
	for (bool not_blocking : {false, true}) {
		std::string notice =
		    pgmigrate::FormatLintNotice("schema/20260101_users", pgmigrate::FormatLintHistory(kFindings, not_blocking));
		auto parsed = pgmigrate::ParseLintNotice(notice);
		ASSERT_TRUE(parsed.has_value()) << notice;
		EXPECT_EQ(parsed->label, "schema/20260101_users");
		EXPECT_EQ(parsed->not_blocking, not_blocking);
		ExpectSame(parsed->findings, kFindings);
	}
	EXPECT_EQ(pgmigrate::FormatLintNotice("schema/1_a", pgmigrate::FormatLintHistory({kFindings[0]}, false)),
	          "migration schema/1_a lint: drop-column (statement 2, line 14): dropping column name breaks code "
	          "still reading it");
}

TEST(FindingText, RefusalRoundTrips)
{
	std::string detail = pgmigrate::FormatRefusalBlock("schema/1_a", kFindings) + "\n" +
	                     pgmigrate::FormatRefusalBlock("data/2_b", {kFindings[0]});
	auto blocks = pgmigrate::ParseRefusal(detail);
	ASSERT_EQ(blocks.size(), 2u);
	EXPECT_EQ(blocks[0].label, "schema/1_a");
	ExpectSame(blocks[0].findings, kFindings);
	EXPECT_EQ(blocks[1].label, "data/2_b");
	ExpectSame(blocks[1].findings, {kFindings[0]});
}

TEST(FindingText, OtherNoticesAreNoFindings)
{
	EXPECT_FALSE(pgmigrate::ParseLintNotice("relation \"x\" already exists, skipping").has_value());
	EXPECT_FALSE(pgmigrate::ParseLintNotice("migration schema/1_a ended the atomic batch").has_value());
	EXPECT_FALSE(pgmigrate::ParseLintNotice("migration schema/1_a lint: not a finding").has_value());
}
