/* lint FILE..., lint findings shown by deploy and push (warnings, MG004), and drift. */
#include "harness.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>

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
	/* a table with rows: the data-losing statements would lose something */
	db_->Query("INSERT INTO accounts VALUES (1, 'a@example.com', 'free')");
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
	db_->Query("INSERT INTO accounts VALUES (1, 'a@example.com', 'free')");
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

/* The history of a project deployed into an empty database: nothing can be lost there. */
TEST_F(Lint, FreshDeployOfAHistoryIsNotRefused)
{
	WriteMigration("0001_users.sql", "CREATE TABLE users (id bigint PRIMARY KEY, email text, legacy text);\n");
	WriteMigration("0002_drop_legacy.sql", "ALTER TABLE users DROP COLUMN legacy;\n");
	WriteMigration("0003_tier.sql", "ALTER TABLE users ADD COLUMN tier text NOT NULL;\n");
	WriteMigration("0004_backfill.sql", "-- a backfill\nUPDATE users SET email = lower(email);\n");
	WriteMigration("0005_accounts.sql", "DROP TABLE accounts;\n");
	RunResult r = Run({"--format", "json", "deploy"});
	ASSERT_EQ(r.exit_code, 0) << r.All();
	json doc = ParseStdout(r);
	EXPECT_EQ(doc["applied"].size(), 5u) << doc.dump(2);
	/* each finding is kept, as a notice: it did not block here */
	ASSERT_EQ(doc["warnings"].size(), 4u) << doc.dump(2);
	EXPECT_EQ(doc["warnings"][0]["rule"], "drop-column");
	EXPECT_EQ(doc["warnings"][0]["severity"], "notice");
	EXPECT_EQ(doc["warnings"][0]["blocks_here"], false);
	EXPECT_EQ(doc["warnings"][0]["file"], "./migrations/0002_drop_legacy.sql");
	EXPECT_EQ(doc["warnings"][2]["rule"], "update-without-where");
	EXPECT_EQ(doc["warnings"][2]["line"], 2);
	EXPECT_EQ(doc["warnings"][3]["rule"], "drop-table");
	EXPECT_TRUE(doc["warnings"][3]["message"].get<std::string>().find("accounts is empty") != std::string::npos)
	    << doc.dump(2);
	EXPECT_FALSE(db_->TableExists("accounts"));
	EXPECT_EQ(db_->Count("SELECT count(*) FROM information_schema.columns WHERE column_name = 'legacy'"), 0);

	/* the same statements against rows are refused as always */
	db_->Query("INSERT INTO users VALUES (1, 'A@example.com', 'gold')");
	WriteMigration("0006_drop_email.sql", "ALTER TABLE users DROP COLUMN email;\n");
	r = Run({"deploy"});
	EXPECT_EQ(r.exit_code, 4) << r.All();
	EXPECT_TRUE(Has(r.err, "./migrations/0006_drop_email.sql:1: error: drop-column: ")) << r.err;
	EXPECT_TRUE(Has(r.err, "MG004")) << r.err;
	/* ... unless acknowledged, by -- migrate:allow or a squawk comment */
	WriteMigration("0006_drop_email.sql", "-- squawk-ignore ban-drop-column\nALTER TABLE users DROP COLUMN email;\n");
	r = Run({"deploy"});
	EXPECT_EQ(r.exit_code, 0) << r.All();
	EXPECT_EQ(db_->Count("SELECT count(*) FROM information_schema.columns WHERE column_name = 'email'"), 0);
}

/* Decided when the statement runs: rows the batch itself put in an existing table count. */
TEST_F(Lint, RowsAddedEarlierInTheDeployBlockLaterStatements)
{
	WriteMigration("0001_seed.sql", "INSERT INTO accounts VALUES (1, 'a@example.com', 'free');\n");
	WriteMigration("0002_drop_plan.sql", "ALTER TABLE accounts DROP COLUMN plan;\n");
	RunResult r = Run({"--format", "json", "deploy"});
	EXPECT_EQ(r.exit_code, 4) << r.All();
	json doc = ParseStdout(r);
	EXPECT_EQ(doc["error"]["sqlstate"], "MG004") << doc.dump(2);
	ASSERT_EQ(doc["error"]["findings"].size(), 1u) << doc.dump(2);
	EXPECT_EQ(doc["error"]["findings"][0]["file"], "./migrations/0002_drop_plan.sql");
	EXPECT_EQ(doc["error"]["findings"][0]["rule"], "drop-column");
	/* the batch was rolled back as a whole, and no failure was recorded */
	EXPECT_EQ(db_->Count("SELECT count(*) FROM accounts"), 0);
	EXPECT_EQ(HistoryRows(), 0);
}

/* A deploy of a long history prints one line per rule, not one per finding; -v prints each. */
TEST_F(Lint, DeployPrintsOneLinePerRule)
{
	for (int i = 1; i <= 30; i++) {
		char name[32];
		std::snprintf(name, sizeof name, "%04d_t%d.sql", i, i);
		WriteMigration(name, "CREATE TABLE t" + std::to_string(i) + " (id bigint PRIMARY KEY, name varchar(20));\n" +
		                         (i % 3 == 0 ? "CREATE INDEX t" + std::to_string(i) + "_name ON accounts (email);\n"
		                                     : std::string()));
	}
	RunResult r = Run({"deploy"});
	ASSERT_EQ(r.exit_code, 0) << r.All();
	EXPECT_TRUE(Has(r.err, "warning: prefer-text: 30 findings in 30 migrations, the first at "
	                       "./migrations/0001_t1.sql:1\n"))
	    << r.err;
	EXPECT_TRUE(Has(r.err, "warning: index-not-concurrent: 10 findings in 10 migrations, the first at "
	                       "./migrations/0003_t3.sql:2\n"))
	    << r.err;
	EXPECT_FALSE(Has(r.err, "0002_t2.sql:1: warning: prefer-text")) << r.err;
	EXPECT_TRUE(Has(r.err, "-v lists each")) << r.err;
	EXPECT_LT(std::count(r.err.begin(), r.err.end(), '\n'), 8) << r.err;
	EXPECT_TRUE(Has(r.out, "| applied")) << r.out;

	/* -v: every finding, with its file and line */
	for (int i = 31; i <= 32; i++)
		WriteMigration("00" + std::to_string(i) + "_t" + std::to_string(i) + ".sql",
		               "CREATE TABLE t" + std::to_string(i) + " (name varchar(20));\n");
	r = Run({"-v", "deploy"});
	ASSERT_EQ(r.exit_code, 0) << r.All();
	EXPECT_TRUE(Has(r.err, "./migrations/0031_t31.sql:1: warning: prefer-text: ")) << r.err;
	EXPECT_TRUE(Has(r.err, "./migrations/0032_t32.sql:1: warning: prefer-text: ")) << r.err;
	EXPECT_FALSE(Has(r.err, "findings in")) << r.err;

	/* JSON carries every finding */
	for (int i = 33; i <= 35; i++)
		WriteMigration("00" + std::to_string(i) + "_t" + std::to_string(i) + ".sql",
		               "CREATE TABLE t" + std::to_string(i) + " (name varchar(20));\n");
	r = Run({"--format", "json", "deploy"});
	ASSERT_EQ(r.exit_code, 0) << r.All();
	EXPECT_EQ(ParseStdout(r)["warnings"].size(), 3u) << r.out;
}

TEST_F(Lint, LintSaysWhatWouldNotBlockHere)
{
	std::string file = tmp_.Write("drop.sql", "ALTER TABLE accounts DROP COLUMN plan;\n");
	RunResult r = Run({"lint", file});
	/* the file is linted, not the database: still an error */
	EXPECT_EQ(r.exit_code, 4) << r.All();
	EXPECT_TRUE(Has(r.out, file + ":1: error: drop-column: ")) << r.out;
	EXPECT_TRUE(Has(r.out, "[not blocking here]")) << r.out;
	EXPECT_TRUE(Has(r.err, "1 error would not block a deploy to this database")) << r.err;
	r = Run({"--format", "json", "lint", file});
	json doc = ParseStdout(r);
	EXPECT_EQ(doc["findings"][0]["blocks_here"], false) << doc.dump(2);

	db_->Query("INSERT INTO accounts VALUES (1, 'a@example.com', 'free')");
	r = Run({"--format", "json", "lint", file});
	doc = ParseStdout(r);
	EXPECT_EQ(doc["findings"][0]["blocks_here"], true) << doc.dump(2);

	/* other linters' comments acknowledge what they name */
	std::string squawk =
	    tmp_.Write("squawk.sql", "-- squawk-ignore ban-drop-column\nALTER TABLE accounts DROP COLUMN plan;\n");
	std::string atlas = tmp_.Write("atlas.sql", "-- atlas:nolint DS103\nALTER TABLE accounts DROP COLUMN plan;\n");
	r = Run({"lint", squawk, atlas});
	EXPECT_EQ(r.exit_code, 0) << r.All();
	EXPECT_TRUE(Has(r.out, squawk + ":2: error: drop-column: ")) << r.out;
	EXPECT_TRUE(Has(r.out, "[allowed]")) << r.out;
}

class Drift : public ClientTest {};

TEST_F(Drift, ListsHandMadeDdlAndAcknowledges)
{
	SKIP_WHEN_MANAGED("the drift log is filled by the extension's event trigger; "
	                  "ManagedMode.DriftIsWhatChangedSinceTheRecordedSchema is the managed case");
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
