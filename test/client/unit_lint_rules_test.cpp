/* unit_lint_rules_test.cpp — the rule table (extension/lint_rules) against the contract and the README. */
#include "lint_rules.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace {

std::string
Readme()
{
	std::ifstream in(std::filesystem::path(__FILE__).parent_path().parent_path().parent_path() / "README.md");
	std::stringstream text;
	text << in.rdbuf();
	return text.str();
}

} // namespace

/* The README's table of rules names every rule of the table, so no rule goes undocumented. */
TEST(LintRules, EveryRuleIsInTheReadme)
{
	std::string readme = Readme();
	ASSERT_FALSE(readme.empty());
	for (const pgmigrate::LintRule &rule : pgmigrate::LintRules())
		EXPECT_NE(readme.find(std::string("| `") + rule.id + "` |"), std::string::npos) << rule.id;
}

/* ARCHITECTURE.md §8: the default errors are the rules that lose data or cannot work; strict adds the locking ones. */
TEST(LintRules, SeveritiesOfTheContract)
{
	for (const char *id :
	     {"drop-table", "drop-column", "drop-database", "truncate", "truncate-cascade", "delete-without-where",
	      "update-without-where", "add-not-null-without-default", "requires-no-transaction", "transaction-control"})
		EXPECT_STREQ(pgmigrate::RuleSeverity(id, false), "error") << id;
	for (const char *id : {"index-not-concurrent", "set-not-null", "column-type-change", "vacuum-full-or-cluster"}) {
		EXPECT_STREQ(pgmigrate::RuleSeverity(id, false), "warning") << id;
		EXPECT_STREQ(pgmigrate::RuleSeverity(id, true), "error") << id;
	}
	EXPECT_STREQ(pgmigrate::RuleSeverity("prefer-text", true), "warning");
	EXPECT_TRUE(pgmigrate::CannotWork("transaction-control"));
	EXPECT_FALSE(pgmigrate::CannotWork("drop-table"));
	EXPECT_TRUE(pgmigrate::DependsOnDataRule("drop-column"));
	EXPECT_FALSE(pgmigrate::DependsOnDataRule("drop-database"));
}

/* Other linters' names map to ours; a rule that cannot work is never acknowledged by one. */
TEST(LintRules, ForeignNames)
{
	EXPECT_EQ(pgmigrate::RulesForForeignName("ban-drop-column"), std::vector<std::string>{"drop-column"});
	EXPECT_EQ(pgmigrate::RulesForForeignName("drop-table"), std::vector<std::string>{"drop-table"});
	EXPECT_TRUE(pgmigrate::RulesForForeignName("transaction-control").empty());
}
