/* lint FILE..., lint findings shown by deploy and push (warnings, MG004), and drift. */
#include "harness.hpp"

#include <nlohmann/json.hpp>

using nlohmann::json;
using pgmtest::ClientTest;
using pgmtest::ParseStdout;
using pgmtest::RunResult;

namespace {

bool
Has(const std::string &haystack, const std::string &needle)
{
	return haystack.find(needle) != std::string::npos;
}

class Lint : public ClientTest {
protected:
	void
	SetUp() override
	{
		ClientTest::SetUp();
		db_->Query("CREATE TABLE accounts (id bigint PRIMARY KEY, email text, plan text)");
	}
};

TEST_F(Lint, CleanFileExits0)
{
	std::string file = tmp_.Write("clean.sql", "ALTER TABLE accounts ADD COLUMN note text;\n");
	RunResult r = Run({"lint", file});
	EXPECT_EQ(r.exit_code, 0) << r.All();
	EXPECT_EQ(r.out, "") << r.All();
	EXPECT_TRUE(Has(r.err, "1 file: 0 errors, 0 warnings")) << r.err;
}

TEST_F(Lint, WarningsExit0AndNameFileLineRuleAndLock)
{
	std::string file = tmp_.Write("warn.sql", "-- migrate:lock-timeout 2s\n"
	                                          "ALTER TABLE accounts ADD COLUMN note text;\n"
	                                          "CREATE INDEX accounts_email ON accounts (email);\n");
	RunResult r = Run({"lint", file});
	EXPECT_EQ(r.exit_code, 0) << r.All();
	EXPECT_TRUE(Has(r.out, file + ":3: warning: index-not-concurrent: CREATE INDEX blocks writes to accounts"))
	    << r.out;
	EXPECT_TRUE(Has(r.out, "(lock: SHARE)\n")) << r.out;
	EXPECT_TRUE(Has(r.err, "0 errors, 1 warning")) << r.err;
}

TEST_F(Lint, ErrorsExit4AndAllowAcknowledgesThem)
{
	std::string bad = tmp_.Write("purge.sql", "DELETE FROM accounts;\nALTER TABLE accounts DROP COLUMN plan;\n");
	RunResult r = Run({"lint", bad});
	EXPECT_EQ(r.exit_code, 4) << r.All();
	EXPECT_TRUE(Has(r.out, bad + ":1: error: delete-without-where: ")) << r.out;
	EXPECT_TRUE(Has(r.out, bad + ":2: error: drop-column: ")) << r.out;
	EXPECT_TRUE(Has(r.out, "(lock: ACCESS EXCLUSIVE)")) << r.out;
	EXPECT_TRUE(Has(r.err, "2 errors")) << r.err;

	/* acknowledged findings are still listed, but do not fail the lint (apply() would run them) */
	std::string allowed = tmp_.Write("purge_ok.sql", "-- migrate:allow delete-without-where, drop-column\n"
	                                                 "DELETE FROM accounts;\nALTER TABLE accounts DROP COLUMN plan;\n");
	r = Run({"lint", allowed});
	EXPECT_EQ(r.exit_code, 0) << r.All();
	EXPECT_TRUE(Has(r.out, allowed + ":3: error: drop-column: ")) << r.out;
	EXPECT_TRUE(Has(r.out, "[allowed]")) << r.out;

	/* several files: one with an error is enough */
	std::string clean = tmp_.Write("clean.sql", "SELECT 1;\n");
	r = Run({"lint", clean, allowed, bad});
	EXPECT_EQ(r.exit_code, 4) << r.All();
}

TEST_F(Lint, BadFilesExit2)
{
	std::string syntax = tmp_.Write("syntax.sql", "SELECT 1;\nSELEC 2;\n");
	std::string directive = tmp_.Write("directive.sql", "-- migrate:bogus\nSELECT 1;\n");
	std::string nul = tmp_.Write("nul.sql", std::string("SELECT 1;\0\n", 11));
	std::string utf8 = tmp_.Write("latin1.sql", "SELECT 'caf\xe9';\n");
	std::string warn = tmp_.Write("warn.sql", "CREATE INDEX accounts_email ON accounts (email);\n");
	RunResult r = Run({"lint", syntax, directive, nul, utf8, tmp_.Path() + "/missing.sql", warn});
	EXPECT_EQ(r.exit_code, 2) << r.All();
	EXPECT_TRUE(Has(r.err, syntax + ":2: syntax error at or near \"SELEC\"")) << r.err;
	EXPECT_TRUE(Has(r.err, directive + ":1: ")) << r.err;
	EXPECT_TRUE(Has(r.err, nul + ":1: ")) << r.err;
	EXPECT_TRUE(Has(r.err, utf8 + ":1: ")) << r.err;
	EXPECT_TRUE(Has(r.err, "missing.sql: cannot read the file")) << r.err;
	/* the good file is still linted */
	EXPECT_TRUE(Has(r.out, warn + ":1: warning: index-not-concurrent")) << r.out;
	/* problems are listed in command-line order */
	EXPECT_LT(r.err.find(syntax), r.err.find(directive)) << r.err;
}

TEST_F(Lint, JsonDocument)
{
	std::string file = tmp_.Write("m.sql", "CREATE INDEX accounts_email ON accounts (email);\nTRUNCATE accounts;\n");
	RunResult r = Run({"--format", "json", "lint", file});
	EXPECT_EQ(r.exit_code, 4) << r.All();
	json doc = ParseStdout(r);
	EXPECT_EQ(doc["command"], "lint");
	EXPECT_EQ(doc["ok"], false);
	EXPECT_EQ(doc["exit_code"], 4);
	EXPECT_EQ(doc["errors"], 1);
	EXPECT_EQ(doc["warnings"], 1);
	ASSERT_EQ(doc["findings"].size(), 2u) << doc.dump(2);
	json first = doc["findings"][0];
	EXPECT_EQ(first["file"], file);
	EXPECT_EQ(first["line"], 1);
	EXPECT_EQ(first["statement"], 1);
	EXPECT_EQ(first["rule"], "index-not-concurrent");
	EXPECT_EQ(first["severity"], "warning");
	EXPECT_EQ(first["lock_mode"], "SHARE");
	EXPECT_EQ(first["allowed"], false);
	EXPECT_EQ(doc["findings"][1]["rule"], "truncate");
	EXPECT_EQ(doc["findings"][1]["line"], 2);
	EXPECT_TRUE(doc["error"]["message"].is_string());

	r = Run({"--format", "json", "lint", tmp_.Path() + "/missing.sql"});
	EXPECT_EQ(r.exit_code, 2) << r.All();
	doc = ParseStdout(r);
	ASSERT_EQ(doc["error"]["problems"].size(), 1u) << doc.dump(2);
	EXPECT_EQ(doc["findings"].size(), 0u);
}

TEST_F(Lint, DeployShowsLintWarnings)
{
	WriteMigration("0001_email_index.sql", "-- migrate:lock-timeout 2s\n"
	                                       "CREATE INDEX accounts_email ON accounts (email);\n");
	RunResult r = Run({"deploy"});
	ASSERT_EQ(r.exit_code, 0) << r.All();
	EXPECT_TRUE(Has(r.err, "./migrations/0001_email_index.sql:2: warning: index-not-concurrent: CREATE INDEX blocks "
	                       "writes to accounts"))
	    << r.err;
	EXPECT_TRUE(Has(r.out, "| applied")) << r.out;

	WriteMigration("0002_plan_index.sql", "CREATE INDEX accounts_plan ON accounts (plan);\n");
	r = Run({"--format", "json", "deploy"});
	ASSERT_EQ(r.exit_code, 0) << r.All();
	json doc = ParseStdout(r);
	ASSERT_EQ(doc["warnings"].size(), 1u) << doc.dump(2);
	EXPECT_EQ(doc["warnings"][0]["file"], "./migrations/0002_plan_index.sql");
	EXPECT_EQ(doc["warnings"][0]["migration"], "schema/0002_plan_index");
	EXPECT_EQ(doc["warnings"][0]["rule"], "index-not-concurrent");
	EXPECT_EQ(doc["warnings"][0]["severity"], "warning");
	EXPECT_EQ(doc["warnings"][0]["line"], 1);

	/* nothing to do: no warnings */
	r = Run({"--format", "json", "deploy"});
	EXPECT_EQ(ParseStdout(r)["warnings"].size(), 0u) << r.out;
}

TEST_F(Lint, DeployRefusesLintErrorsWithFindingsListed)
{
	WriteMigration("0001_note.sql", "ALTER TABLE accounts ADD COLUMN note text;\n");
	WriteMigration("0002_purge.sql", "UPDATE accounts SET plan = 'free';\nALTER TABLE accounts DROP COLUMN email;\n");
	RunResult r = Run({"deploy"});
	EXPECT_EQ(r.exit_code, 4) << r.All();
	EXPECT_TRUE(Has(r.err, "./migrations/0002_purge.sql:1: error: update-without-where: ")) << r.err;
	EXPECT_TRUE(Has(r.err, "./migrations/0002_purge.sql:2: error: drop-column: ")) << r.err;
	EXPECT_TRUE(Has(r.err, "MG004")) << r.err;
	EXPECT_TRUE(Has(r.err, "-- migrate:allow")) << r.err;
	/* the plan is refused as a whole before anything runs */
	EXPECT_EQ(db_->Count("SELECT count(*) FROM migrate.history"), 0);
	EXPECT_EQ(db_->Count("SELECT count(*) FROM information_schema.columns WHERE column_name = 'note'"), 0);

	r = Run({"--format", "json", "deploy"});
	EXPECT_EQ(r.exit_code, 4) << r.All();
	json doc = ParseStdout(r);
	EXPECT_EQ(doc["error"]["sqlstate"], "MG004");
	ASSERT_EQ(doc["error"]["findings"].size(), 2u) << doc.dump(2);
	EXPECT_EQ(doc["error"]["findings"][0]["file"], "./migrations/0002_purge.sql");
	EXPECT_EQ(doc["error"]["findings"][0]["rule"], "update-without-where");
	EXPECT_EQ(doc["error"]["findings"][0]["severity"], "error");
	EXPECT_EQ(doc["error"]["findings"][1]["rule"], "drop-column");
	EXPECT_EQ(doc["error"]["findings"][1]["line"], 2);

	/* acknowledged: applied */
	WriteMigration("0002_purge.sql", "-- migrate:allow update-without-where, drop-column\n"
	                                 "UPDATE accounts SET plan = 'free';\nALTER TABLE accounts DROP COLUMN email;\n");
	r = Run({"deploy"});
	EXPECT_EQ(r.exit_code, 0) << r.All();
	EXPECT_EQ(db_->Count("SELECT count(*) FROM migrate.history WHERE status = 'succeeded'"), 2);
}

TEST_F(Lint, PushShowsFindingsOfUploadedFiles)
{
	WriteMigration("0001_index.sql", "CREATE INDEX accounts_email ON accounts (email);\n");
	WriteMigration("0002_purge.sql", "DELETE FROM accounts;\n");
	RunResult r = Run({"push"});
	EXPECT_EQ(r.exit_code, 0) << r.All();
	EXPECT_TRUE(Has(r.err, "./migrations/0001_index.sql:1: warning: index-not-concurrent: ")) << r.err;
	EXPECT_TRUE(Has(r.err, "./migrations/0002_purge.sql:1: error: delete-without-where: ")) << r.err;
	EXPECT_TRUE(Has(r.err, "deploy will refuse")) << r.err;

	r = Run({"--format", "json", "push"});
	json doc = ParseStdout(r);
	EXPECT_EQ(doc["warnings"].size(), 0u) << "nothing uploaded, nothing linted: " << doc.dump(2);
}

class Drift : public ClientTest {};

TEST_F(Drift, ListsHandMadeDdlAndAcknowledges)
{
	RunResult r = Run({"drift"});
	EXPECT_EQ(r.exit_code, 0) << r.All();
	EXPECT_TRUE(Has(r.out, "no unacknowledged drift")) << r.out;

	/* DDL through pg_migrate is not drift; DDL by hand is */
	WriteMigration("0001_users.sql", "CREATE TABLE users (id bigint PRIMARY KEY);\n");
	ASSERT_EQ(Run({"deploy"}).exit_code, 0);
	db_->Query("CREATE TABLE hand_made (id int)");
	r = Run({"drift"});
	EXPECT_EQ(r.exit_code, 0) << r.All();
	EXPECT_TRUE(Has(r.out, "CREATE TABLE")) << r.out;
	EXPECT_TRUE(Has(r.out, "public.hand_made")) << r.out;
	EXPECT_FALSE(Has(r.out, "public.users")) << r.out;
	EXPECT_TRUE(Has(r.err, "pg_migrate drift --ack ID")) << r.err;

	r = Run({"--format", "json", "drift"});
	EXPECT_EQ(r.exit_code, 0) << r.All();
	json doc = ParseStdout(r);
	ASSERT_EQ(doc["drift"].size(), 1u) << doc.dump(2);
	EXPECT_EQ(doc["drift"][0]["command_tag"], "CREATE TABLE");
	EXPECT_EQ(doc["drift"][0]["object_identity"], "public.hand_made");
	EXPECT_EQ(doc["drift"][0]["acknowledged"], false);
	long long id = doc["drift"][0]["id"].get<long long>();

	r = Run({"drift", "--ack", std::to_string(id)});
	EXPECT_EQ(r.exit_code, 0) << r.All();
	r = Run({"--format", "json", "drift"});
	EXPECT_EQ(ParseStdout(r)["drift"].size(), 0u) << r.out;
	r = Run({"--format", "json", "drift", "--all"});
	doc = ParseStdout(r);
	ASSERT_EQ(doc["drift"].size(), 1u) << doc.dump(2);
	EXPECT_EQ(doc["drift"][0]["acknowledged"], true);

	/* an id that does not exist is refused */
	r = Run({"drift", "--ack", std::to_string(id + 1000)});
	EXPECT_NE(r.exit_code, 0) << r.All();
	r = Run({"drift", "--ack", "abc"});
	EXPECT_EQ(r.exit_code, 2) << r.All();
}

} // namespace
