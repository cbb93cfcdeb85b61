/* Unit tests of what status, version and adopt report, built without a server. */
#include "adopt.hpp"
#include "status_report.hpp"
#include "version_report.hpp"

#include <gtest/gtest.h>

using namespace pgmigrate::client;

namespace {

TEST(StatusReport, GroupsStreamsInOrderAndCountsStates)
{
	std::vector<StatusRowFacts> rows = {{"schema", "applied", "1.0.0"},    {"schema", "applied", "1.10.0"},
	                                    {"schema", "pending", "2.0.0"},    {"data", "failed", std::nullopt},
	                                    {"data", "applied", "not semver"}, {"schema", "applied", "1.9.0"}};
	StatusReport report = BuildStatus(rows, {});
	ASSERT_TRUE(report.db_version);
	EXPECT_EQ(*report.db_version, "1.10.0"); /* semantic order, pending 2.0.0 not counted */
	ASSERT_EQ(report.streams.size(), 2u);
	EXPECT_EQ(report.streams[0].stream, "schema");
	EXPECT_EQ(report.streams[0].rows, (std::vector<int>{0, 1, 2, 5}));
	EXPECT_EQ(report.streams[0].counts.at("applied"), 3);
	EXPECT_EQ(report.streams[0].counts.at("pending"), 1);
	EXPECT_EQ(report.streams[0].counts.at("failed"), 0);
	EXPECT_EQ(report.streams[0].db_version, "1.10.0");
	EXPECT_EQ(report.streams[1].stream, "data");
	EXPECT_EQ(report.streams[1].db_version, ""); /* not a semantic version: skipped */
	EXPECT_EQ(StreamSummary(report.streams[0]), "stream schema: 3 applied, 1 pending, db version 1.10.0");
	EXPECT_EQ(StreamSummary(report.streams[1]), "stream data: 1 applied, 1 failed, 0 pending");
}

TEST(StatusReport, NoVersionDeclaredAndNoStreams)
{
	StatusReport report = BuildStatus({{"schema", "pending", "1.0.0"}}, {});
	EXPECT_FALSE(report.db_version);
	report = BuildStatus({}, {std::nullopt});
	EXPECT_TRUE(report.streams.empty());
	EXPECT_EQ(report.other_problems, (std::vector<int>{0}));
	EXPECT_EQ(report.problem_count, 1u);
}

TEST(StatusReport, ProblemsGoToTheirStreamOrLast)
{
	std::vector<StatusRowFacts> rows = {{"schema", "applied", std::nullopt}, {"data", "pending", std::nullopt}};
	StatusReport report =
	    BuildStatus(rows, {std::string("data"), std::nullopt, std::string("gone"), std::string("data")});
	EXPECT_EQ(report.problem_count, 4u);
	EXPECT_TRUE(report.streams[0].problems.empty());
	EXPECT_EQ(report.streams[1].problems, (std::vector<int>{0, 3}));
	EXPECT_EQ(report.other_problems, (std::vector<int>{1, 2}));
	EXPECT_EQ(StreamSummary(report.streams[1]), "stream data: 0 applied, 1 pending, 2 problems");
	report = BuildStatus(rows, {std::string("schema")});
	EXPECT_EQ(StreamSummary(report.streams[0]), "stream schema: 1 applied, 0 pending, 1 problem");
}

VersionFacts
Facts()
{
	return {std::string("1.2.0"), "0.1.3", "0.1.3", "0.1.3", "18.1", "1"};
}

TEST(VersionReport, TextAlignsLabelsAndNamesChecks)
{
	std::vector<CheckOutcome> checks = {{"api", "2.0.0", true, ""},
	                                    {"a-very-long-component", "1.0.0", false, "no row"}};
	EXPECT_EQ(VersionText(Facts(), checks), "database version  1.2.0\n"
	                                        "extension         0.1.3\n"
	                                        "client            0.1.3\n"
	                                        "server            PostgreSQL 18.1\n"
	                                        "applied           1 migration\n"
	                                        "api 2.0.0         compatible with database version 1.2.0\n"
	                                        "a-very-long-component 1.0.0 NOT compatible: no row\n");
	EXPECT_TRUE(VersionNotes(Facts()).empty());
	EXPECT_EQ(Incompatible(checks), (std::vector<std::string>{"a-very-long-component 1.0.0: no row"}));
	EXPECT_EQ(IncompatibleMessage(Facts(), Incompatible(checks)),
	          "incompatible with database version 1.2.0: a-very-long-component 1.0.0: no row");
	nlohmann::json json_checks = ChecksJson(checks);
	ASSERT_EQ(json_checks.size(), 2u);
	EXPECT_EQ(json_checks[1]["compatible"], false);
}

TEST(VersionReport, MismatchesAndNoDatabaseVersion)
{
	VersionFacts facts = Facts();
	facts.db_version.reset();
	facts.library_version = "0.1.4";
	facts.applied = "0";
	std::string text = VersionText(facts, {{"api", "1.0.0", true, ""}});
	EXPECT_NE(text.find("database version  (none declared)\n"), std::string::npos);
	EXPECT_NE(text.find("extension         0.1.3 (library 0.1.4: run pg_migrate install)\n"), std::string::npos);
	EXPECT_NE(text.find("applied           0 migrations\n"), std::string::npos);
	EXPECT_NE(text.find("compatible with database version (none)\n"), std::string::npos);
	EXPECT_EQ(VersionNotes(facts), (std::vector<std::string>{"the extension's SQL objects are at 0.1.3 but the "
	                                                         "loaded library is 0.1.4; pg_migrate install updates "
	                                                         "them",
	                                                         "this client is 0.1.3, the extension 0.1.4"}));
	nlohmann::json doc = VersionJson(facts);
	EXPECT_TRUE(doc["db_version"].is_null());
	EXPECT_EQ(doc["applied"], 0);
	EXPECT_EQ(doc["library_version"], "0.1.4");
}

TEST(AdoptionReport, AdoptedInPlanOrderAndPendingInFolderOrder)
{
	std::vector<MigrationFile> files(4);
	for (std::size_t i = 0; i < files.size(); i++) {
		files[i].stream = "schema";
		files[i].version = std::to_string(i + 1);
	}
	AdoptionPlan plan;
	plan.applied = {{&files[1], "2_b"}, {&files[0], "1_a"}};
	plan.repeatables = {{&files[2], "R__c"}};
	auto applied_here = [&](const MigrationFile &f) { return &f == &files[0]; };
	AdoptionReport report = BuildAdoptionReport(plan, files, applied_here);
	ASSERT_EQ(report.adopted.size(), 3u);
	EXPECT_EQ(report.adopted[0].file, &files[1]);
	EXPECT_FALSE(report.adopted[0].already_applied);
	EXPECT_EQ(report.adopted[1].recorded_as, "1_a");
	EXPECT_TRUE(report.adopted[1].already_applied);
	EXPECT_EQ(report.adopted[2].file, &files[2]);
	EXPECT_EQ(report.pending, (std::vector<const MigrationFile *>{&files[3]}));
}

} // namespace
