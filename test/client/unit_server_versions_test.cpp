/* The client/server version rule (client/server_versions.hpp). */
#include "server_versions.hpp"

#include <gtest/gtest.h>

using pgmigrate::client::ServerVersions;
using pgmigrate::client::VersionProblem;

TEST(ServerVersions, SameOrOlderCatalogWorks)
{
	EXPECT_FALSE(VersionProblem({"0.1.6", "0.1.6"}, true));
	EXPECT_FALSE(VersionProblem({"0.1.6", "0.1.0"}, true)); /* the fallbacks talk to it; install updates it */
}

TEST(ServerVersions, CatalogNewerThanLibraryIsRefused)
{
	auto problem = VersionProblem({"0.1.5", "0.1.6"}, false);
	ASSERT_TRUE(problem);
	EXPECT_NE(problem->find("install the library of version 0.1.6"), std::string::npos) << *problem;
}

TEST(ServerVersions, RepeatableNeedsALibraryThatKnowsIt)
{
	EXPECT_FALSE(VersionProblem({"0.1.5", "0.1.5"}, false));
	auto problem = VersionProblem({"0.1.5", "0.1.5"}, true);
	ASSERT_TRUE(problem);
	EXPECT_NE(problem->find("ALTER EXTENSION pg_migrate UPDATE"), std::string::npos) << *problem;
}
