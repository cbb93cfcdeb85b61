/*
 * Histories as real teams wrote them: a down section nobody ever ran, an enum
 * value added by one migration and used by the next, deploy --backup, every
 * refused file of a folder named in one run, and the runner's log.
 */
#include "harness.hpp"

#include <cstdio>
#include <cstdlib>
#include <functional>
#include <filesystem>
#include <regex>

using pgmtest::ClientTest;
using pgmtest::RunResult;

namespace fs = std::filesystem;

namespace {

/* Runs a shell command, returning what it printed (stdout and stderr) and its exit code. */
std::string
Shell(const std::string &command, int *exit_code = nullptr)
{
	std::string output;
	FILE *pipe = popen((command + " 2>&1").c_str(), "r");
	if (pipe == nullptr) {
		ADD_FAILURE() << "cannot run " << command;
		return output;
	}
	char buffer[4096];
	std::size_t n;
	while ((n = fread(buffer, 1, sizeof buffer, pipe)) > 0)
		output.append(buffer, n);
	int status = pclose(pipe);
	if (exit_code != nullptr)
		*exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
	return output;
}

std::size_t
Count(const std::string &text, const std::string &what)
{
	std::size_t n = 0;
	for (std::size_t pos = text.find(what); pos != std::string::npos; pos = text.find(what, pos + 1))
		n++;
	return n;
}

class RealHistories : public ClientTest {
protected:
	/* The server's own tools (pg_dump, pg_restore, psql): the cluster runs on this host. */
	std::string
	Bindir()
	{
		return admin_->Scalar("SELECT setting FROM pg_catalog.pg_config WHERE name = 'BINDIR'");
	}
	/* The schema outside migrate, as pg_dump prints it, without the per-run \restrict keys. */
	std::string
	SchemaOf(const std::string &database)
	{
		int rc = 0;
		std::string dump =
		    Shell(Bindir() + "/pg_dump --schema-only --no-owner --exclude-schema=migrate -d " + database, &rc);
		EXPECT_EQ(rc, 0) << dump;
		static const std::regex kRestrict("^\\\\(un)?restrict .*$", std::regex::multiline);
		return std::regex_replace(dump, kRestrict, "");
	}
};

/* ---- 6. a down section that does not parse ---- */

const char *kAccounts = "-- migrate:up\nCREATE TABLE accounts (id bigint PRIMARY KEY);\n"
                        "-- migrate:down\nDROP TABLE accounts;\n";
/* dbmate history: line 5 of the file is the broken statement */
const char *kBrokenDown = "-- migrate:up\nCREATE TABLE notes (id bigint PRIMARY KEY);\n\n"
                          "-- migrate:down\nDROP TABLE notes CASCADE RESTRICT oops;\n";
const char *kTags = "-- migrate:up\nCREATE TABLE tags (id bigint PRIMARY KEY);\n-- migrate:down\nDROP TABLE tags;\n";

TEST_F(RealHistories, BrokenDownDeploysWarnsAndRefusesItsRollback)
{
	WriteMigration("0001_accounts.sql", kAccounts);
	WriteMigration("0002_notes.sql", kBrokenDown);
	RunResult r = Run({"--format", "json", "deploy"});
	ASSERT_EQ(r.exit_code, 0) << r.All();
	EXPECT_TRUE(db_->TableExists("notes"));
	/* the server's warning, shown with file and line, also in the JSON */
	EXPECT_NE(r.err.find("./migrations/0002_notes.sql:5: warning: broken-down: the down section does not parse: "
	                     "syntax error at or near \"RESTRICT\""),
	          std::string::npos)
	    << r.err;
	nlohmann::json doc = pgmtest::ParseStdout(r);
	bool found = false;
	for (const auto &w : doc["warnings"])
		found = found || (w.value("rule", "") == "broken-down" &&
		                  w.value("file", "") == "./migrations/0002_notes.sql" && w.value("line", 0) == 5);
	EXPECT_TRUE(found) << doc.dump(2);

	/* validate: a warning row, exit 4 */
	r = Run({"validate"});
	EXPECT_EQ(r.exit_code, 4) << r.All();
	EXPECT_NE(r.All().find("broken-down"), std::string::npos) << r.All();
	EXPECT_NE(r.All().find("./migrations/0002_notes.sql:5"), std::string::npos) << r.All();
	if (!Managed()) { /* the SQL function, beside the command */
		EXPECT_EQ(db_->Count("SELECT count(*) FROM migrate.validate() WHERE check_name = 'broken-down' "
		                     "AND severity = 'warning' AND version = '0002'"),
		          1);
	}

	/* rollback of exactly that migration: refused, naming file and line, nothing changed */
	long history = HistoryRows();
	r = Run({"rollback"});
	EXPECT_EQ(r.exit_code, 4) << r.All();
	EXPECT_NE(r.err.find("cannot roll back: ./migrations/0002_notes.sql:5: the down section does not parse"),
	          std::string::npos)
	    << r.err;
	EXPECT_TRUE(db_->TableExists("notes"));
	EXPECT_EQ(HistoryRows(), history);
	if (!Managed()) {
		EXPECT_EQ(db_->ErrorOf("SELECT * FROM migrate.rollback()"), "MG005");
	}

	/* a good down after it still rolls back */
	WriteMigration("0003_tags.sql", kTags);
	ASSERT_EQ(Run({"deploy"}).exit_code, 0);
	r = Run({"rollback"});
	EXPECT_EQ(r.exit_code, 0) << r.All();
	EXPECT_FALSE(db_->TableExists("tags"));
	EXPECT_TRUE(db_->TableExists("notes"));
}

TEST_F(RealHistories, UpAndVerifySectionsStayStrict)
{
	WriteMigration("0001_bad_up.sql", "-- migrate:up\nCREATE TABEL x (id int);\n-- migrate:down\nSELECT 1;\n");
	RunResult r = Run({"deploy"});
	EXPECT_EQ(r.exit_code, 2) << r.All();
	EXPECT_EQ(Registered(), 0);
	fs::remove(tmp_.Path() + "/migrations/0001_bad_up.sql");
	WriteMigration("0001_bad_verify.sql", "-- migrate:up\nSELECT 1;\n-- migrate:verify\nSELEC 1;\n");
	r = Run({"deploy"});
	EXPECT_EQ(r.exit_code, 2) << r.All();
	EXPECT_EQ(Registered(), 0);
}

/* ---- 9. an enum value added by one migration and used by the next ---- */

void
WriteEnumHistory(const std::function<void(const std::string &, const std::string &)> &write,
                 const std::string &use_value)
{
	write("0001_mood.sql", "CREATE TYPE mood AS ENUM ('sad', 'ok');\n");
	write("0002_add_happy.sql", "ALTER TYPE mood ADD VALUE 'happy';\n");
	write("0003_people.sql", "CREATE TABLE people (id bigint PRIMARY KEY, m mood NOT NULL DEFAULT '" + use_value +
	                             "' CHECK (m <> 'sad'));\nINSERT INTO people (id, m) VALUES (1, '" + use_value +
	                             "');\n");
	write("0004_more.sql", "ALTER TABLE people ADD COLUMN note text;\n");
}

TEST_F(RealHistories, EnumValueAddedThenUsedDeploysLikePsql)
{
	auto write = [this](const std::string &f, const std::string &c) { WriteMigration(f, c); };
	WriteEnumHistory(write, "happy");
	RunResult r = Run({"deploy"});
	ASSERT_EQ(r.exit_code, 0) << r.All();
	EXPECT_EQ(db_->Count("SELECT count(*) FROM migrate.status() WHERE state = 'applied'"), 4);
	EXPECT_EQ(db_->Count("SELECT count(*) FROM migrate.history WHERE action = 'apply' AND status = 'succeeded'"), 4);
	EXPECT_EQ(db_->Scalar("SELECT m::text FROM people"), "happy");

	/* psql running the same files in order (each statement commits): the same schema */
	std::string other = db_name_ + "_psql";
	admin_->Query("CREATE DATABASE " + other);
	{
		pgmtest::Db psql_db("dbname=" + other);
		if (!Managed()) /* the same catalog kind in both; managed mode's is no extension */
			psql_db.Query("CREATE EXTENSION pg_migrate");
	}
	for (const char *file : {"0001_mood.sql", "0002_add_happy.sql", "0003_people.sql", "0004_more.sql"}) {
		int rc = 0;
		std::string output = Shell(Bindir() + "/psql -X -q -v ON_ERROR_STOP=1 -d " + other + " -f " + tmp_.Path() +
		                               "/migrations/" + file,
		                           &rc);
		ASSERT_EQ(rc, 0) << file << ": " << output;
	}
	std::string ours = SchemaOf(db_name_), theirs = SchemaOf(other);
	admin_->Query("DROP DATABASE " + other + " WITH (FORCE)");
	EXPECT_NE(ours.find("CREATE TYPE public.mood AS ENUM"), std::string::npos) << ours;
	EXPECT_EQ(ours, theirs);
}

TEST_F(RealHistories, EnumBoundaryThroughApplyAndFailureAfterIt)
{
	SKIP_WHEN_MANAGED("SELECT migrate.apply() from psql");
	auto write = [this](const std::string &f, const std::string &c) { WriteMigration(f, c); };
	WriteEnumHistory(write, "happy");
	ASSERT_EQ(Run({"push"}).exit_code, 0);
	/* SELECT * FROM migrate.apply(): the part up to the enum migration applied, the rest queued */
	auto rows = db_->Query("SELECT version, outcome FROM migrate.apply() ORDER BY version");
	ASSERT_EQ(rows.size(), 4u);
	EXPECT_EQ(*rows[1][1], "applied");
	EXPECT_EQ(*rows[2][1], "queued");
	EXPECT_EQ(*rows[3][1], "queued");
	RunResult r = Run({"deploy"}); /* waits for the runner */
	EXPECT_EQ(r.exit_code, 0) << r.All();
	EXPECT_EQ(db_->Count("SELECT count(*) FROM migrate.status() WHERE state = 'applied'"), 4);
}

TEST_F(RealHistories, EnumBoundaryFailureKeepsTheEarlierPart)
{
	auto write = [this](const std::string &f, const std::string &c) { WriteMigration(f, c); };
	WriteEnumHistory(write, "nosuch");
	RunResult r = Run({"deploy"});
	EXPECT_EQ(r.exit_code, 1) << r.All();
	EXPECT_NE(r.All().find("./migrations/0003_people.sql"), std::string::npos) << r.All();
	EXPECT_NE(r.All().find("in the background runner; what ran before it stays applied"), std::string::npos) << r.All();
	EXPECT_EQ(db_->Scalar("SELECT string_agg(version || '=' || state, ',' ORDER BY version) FROM migrate.status()"),
	          "0001=applied,0002=applied,0003=failed,0004=queued");
	EXPECT_EQ(db_->Count("SELECT count(*) FROM pg_enum WHERE enumlabel = 'happy'"), 1);
	EXPECT_FALSE(db_->TableExists("people"));
	EXPECT_EQ(db_->Count("SELECT count(*) FROM migrate.history WHERE version = '0003' AND status = 'failed'"), 1);
}

/* ---- 8. deploy --backup DIR ---- */

/*
 * After an enum value is added the runner takes the rest as batches: one
 * transaction per run of migrations up to the next enum value added, each
 * migration in a subtransaction, the schema state recorded once per batch.
 * A failure rolls back its own migration only; the ones before it in the
 * batch stay applied.
 */
TEST_F(RealHistories, AfterAnEnumValueTheRunnerCommitsPerBatchAndAFailureUndoesItsOwnPartOnly)
{
	WriteMigration("0001_mood.sql", "CREATE TYPE mood AS ENUM ('sad', 'ok');\n");
	WriteMigration("0002_add_happy.sql", "ALTER TYPE mood ADD VALUE 'happy';\n");
	WriteMigration("0003_people.sql", "CREATE TABLE people (id bigint PRIMARY KEY, m mood DEFAULT 'happy');\n");
	WriteMigration("0004_add_calm.sql", "ALTER TYPE mood ADD VALUE 'calm';\n");
	WriteMigration("0005_calm_people.sql", "INSERT INTO people VALUES (1, 'calm');\n");
	WriteMigration("0006_pets.sql", "CREATE TABLE pets (id bigint PRIMARY KEY);\n");
	WriteMigration("0007_broken.sql", "CREATE TABLE toys (id bigint);\nINSERT INTO nowhere VALUES (1);\n");
	RunResult r = Run({"deploy"});
	EXPECT_EQ(r.exit_code, 1) << r.All();
	EXPECT_EQ(db_->Scalar("SELECT string_agg(version || '=' || state, ',' ORDER BY version) FROM migrate.status()"),
	          "0001=applied,0002=applied,0003=applied,0004=applied,0005=applied,0006=applied,0007=failed");
	/* the failed migration's own statements are undone, the ones before it in its batch are not */
	EXPECT_FALSE(db_->TableExists("toys"));
	EXPECT_TRUE(db_->TableExists("pets"));
	EXPECT_EQ(db_->Scalar("SELECT m::text FROM people"), "calm");
	/* the state after each batch: 0002 (deploy's own batch), 0004 (ends at its enum value), 0006 (before the failure)
	 */
	EXPECT_EQ(db_->Scalar("SELECT string_agg(version, ',' ORDER BY id) FROM migrate.history "
	                      "WHERE action = 'apply' AND fingerprint IS NOT NULL"),
	          "0002,0004,0006");
	EXPECT_EQ(db_->Scalar("SELECT fingerprint FROM migrate.history WHERE version = '0006' AND action = 'apply'"),
	          db_->Scalar("SELECT migrate.fingerprint()"));
	EXPECT_EQ(db_->Count("SELECT count(*) FROM migrate.schema_diff()"), 0);
}

/* A batch ends after 32 migrations: their subtransactions never overflow a backend's subxid cache (64). */
TEST_F(RealHistories, ARunnerBatchCommitsEveryThirtyTwoMigrations)
{
	WriteMigration("0001_mood.sql", "CREATE TYPE mood AS ENUM ('sad', 'ok');\n");
	WriteMigration("0002_add_happy.sql", "ALTER TYPE mood ADD VALUE 'happy';\n");
	for (int i = 3; i <= 42; i++) {
		char name[32];
		std::snprintf(name, sizeof(name), "%04d_t%d.sql", i, i);
		WriteMigration(name, "CREATE TABLE t" + std::to_string(i) + " (id bigint PRIMARY KEY);\n");
	}
	RunResult r = Run({"deploy"});
	ASSERT_EQ(r.exit_code, 0) << r.All();
	EXPECT_EQ(db_->Count("SELECT count(*) FROM migrate.status() WHERE state = 'applied'"), 42);
	EXPECT_EQ(db_->Scalar("SELECT string_agg(version, ',' ORDER BY id) FROM migrate.history "
	                      "WHERE action = 'apply' AND fingerprint IS NOT NULL"),
	          "0002,0034,0042");
}

TEST_F(RealHistories, BackupBeforeApplyingRestoresAndNamesTheFile)
{
	WriteMigration("0001_accounts.sql", kAccounts);
	RunResult r = Run({"--format", "json", "deploy", "--backup", "backups"});
	ASSERT_EQ(r.exit_code, 0) << r.All();
	nlohmann::json doc = pgmtest::ParseStdout(r);
	ASSERT_TRUE(doc["backup"].is_string()) << doc.dump(2);
	std::string file = doc["backup"];
	EXPECT_TRUE(std::regex_match(file, std::regex("backups/" + db_name_ + "-[0-9]{8}T[0-9]{6}Z\\.dump"))) << file;
	EXPECT_NE(r.err.find("backup: " + file), std::string::npos) << r.err;
	std::string path = tmp_.Path() + "/" + file;
	ASSERT_TRUE(fs::exists(path));
	/* a dump taken before the apply: it restores, and holds no accounts table */
	int rc = 0;
	std::string list = Shell(Bindir() + "/pg_restore --list " + path, &rc);
	EXPECT_EQ(rc, 0) << list;
	EXPECT_NE(list.find("dbname: " + db_name_), std::string::npos) << list;
	EXPECT_EQ(list.find("TABLE public accounts"), std::string::npos) << list;
	EXPECT_TRUE(db_->TableExists("accounts"));

	/* nothing pending: no dump */
	r = Run({"--format", "json", "deploy", "--backup", "backups"});
	EXPECT_EQ(r.exit_code, 0) << r.All();
	EXPECT_TRUE(pgmtest::ParseStdout(r)["backup"].is_null());
	EXPECT_EQ(std::distance(fs::directory_iterator(tmp_.Path() + "/backups"), fs::directory_iterator()), 1);

	/* the next pending migration gets a dump of its own, which holds accounts */
	WriteMigration("0002_tags.sql", kTags);
	r = Run({"--format", "json", "deploy", "--backup", "backups"});
	ASSERT_EQ(r.exit_code, 0) << r.All();
	std::string second = pgmtest::ParseStdout(r)["backup"];
	EXPECT_NE(second, file);
	list = Shell(Bindir() + "/pg_restore --list " + tmp_.Path() + "/" + second, &rc);
	EXPECT_EQ(rc, 0) << list;
	EXPECT_NE(list.find("TABLE public accounts"), std::string::npos) << list;
}

TEST_F(RealHistories, BackupThatCannotBeTakenStopsTheDeploy)
{
	WriteMigration("0001_accounts.sql", kAccounts);
	/* DIR cannot be created: a file stands where its parent should be (holds for root too) */
	tmp_.Write("not_a_dir", "x");
	RunResult r = Run({"deploy", "--backup", "not_a_dir/backups"});
	EXPECT_EQ(r.exit_code, 3) << r.All();
	EXPECT_NE(r.err.find("no backup: cannot create the backup directory not_a_dir/backups"), std::string::npos)
	    << r.err;
	EXPECT_NE(r.err.find("nothing was applied"), std::string::npos) << r.err;
	EXPECT_FALSE(db_->TableExists("accounts"));
	EXPECT_EQ(db_->Count("SELECT count(*) FROM migrate.status() WHERE state = 'applied'"), 0);

	/* no pg_dump */
	r = Run({"deploy", "--backup", "backups"}, {{"PG_MIGRATE_PG_DUMP", "/nonexistent/pg_dump"}});
	EXPECT_EQ(r.exit_code, 3) << r.All();
	EXPECT_NE(r.err.find("cannot run /nonexistent/pg_dump"), std::string::npos) << r.err;
	EXPECT_FALSE(db_->TableExists("accounts"));

	/* pg_dump fails (its message is shown); it got the connection without the password on its command line */
	std::string fake = tmp_.Write("fake_pg_dump", "#!/bin/sh\n"
	                                              "if [ \"$1\" = --version ]; then echo 'pg_dump (PostgreSQL) 99.0'; "
	                                              "exit 0; fi\n"
	                                              "echo \"$@\" > \"$(dirname \"$0\")/argv\"\n"
	                                              "cat \"$PGPASSFILE\" > \"$(dirname \"$0\")/passfile\" 2>/dev/null\n"
	                                              "echo 'pg_dump: error: connection to server failed: Connection "
	                                              "refused' >&2; exit 1\n");
	fs::permissions(fake, fs::perms::owner_all);
	r = Run({"deploy", "--backup", "backups"}, {{"PG_MIGRATE_PG_DUMP", fake}});
	EXPECT_EQ(r.exit_code, 3) << r.All();
	EXPECT_NE(r.err.find("pg_dump failed (exit 1): pg_dump: error: connection to server failed: Connection refused"),
	          std::string::npos)
	    << r.err;
	EXPECT_FALSE(db_->TableExists("accounts"));
	EXPECT_TRUE(fs::is_empty(tmp_.Path() + "/backups")) << "no partial dump is left";
	std::string argv = pgmtest::ReadFile(tmp_.Path() + "/argv");
	EXPECT_NE(argv.find("dbname='" + db_name_ + "'"), std::string::npos) << argv;
	EXPECT_NE(argv.find("--format=custom"), std::string::npos) << argv;
	const char *password =
	    Managed() ? "managed" : std::getenv("PGPASSWORD"); /* the connection's, as the harness gave it */
	if (password != nullptr && password[0] != '\0') {
		EXPECT_EQ(argv.find(password), std::string::npos) << argv;
		EXPECT_EQ(pgmtest::ReadFile(tmp_.Path() + "/passfile"), std::string("*:*:*:*:") + password + "\n");
	}
}

/* ---- 13. every problem of the folder in one run; the runner's log ---- */

TEST_F(RealHistories, EveryRefusedFileIsNamedInOneRun)
{
	WriteMigration("0001_ok.sql", kAccounts);
	WriteMigration("0002_typo.sql", "-- migrate:up\nCREATE TABLE a (id int);\nSELEC 1;\n");
	WriteMigration("0003_commit.sql", "-- migrate:up\nCREATE TABLE b (id int);\nCOMMIT;\n");
	WriteMigration("0004_quote.sql", "-- migrate:up\n\nINSERT INTO accounts VALUES (1, 'x);\n");
	RunResult r = Run({"--format", "json", "deploy"});
	EXPECT_EQ(r.exit_code, 2) << r.All();
	EXPECT_NE(r.err.find("./migrations/0002_typo.sql:3: syntax error at or near \"SELEC\""), std::string::npos)
	    << r.err;
	EXPECT_NE(r.err.find("./migrations/0003_commit.sql:3: COMMIT is not allowed inside a migration"), std::string::npos)
	    << r.err;
	EXPECT_NE(r.err.find("COMMIT is not allowed inside a migration"), std::string::npos) << r.err;
	EXPECT_NE(r.err.find("./migrations/0004_quote.sql:3: unterminated quoted string"), std::string::npos) << r.err;
	EXPECT_NE(r.err.find("the server refused 3 migration scripts; nothing was uploaded"), std::string::npos) << r.err;
	nlohmann::json doc = pgmtest::ParseStdout(r);
	EXPECT_EQ(doc["error"]["problems"].size(), 3u) << doc.dump(2);
	EXPECT_EQ(Registered(), 0);

	/* problems the client finds itself are all listed too */
	WriteMigration("0002_typo.sql", "-- migrate:upp\nSELECT 1;\n");
	WriteMigration("0003_commit.sql", "-- migrate:up\nSELECT 1;\n-- migrate:up\n");
	WriteMigration("0004_quote.sql", "-- migrate:lock-timeout soon\nSELECT 1;\n");
	r = Run({"deploy"});
	EXPECT_EQ(r.exit_code, 2) << r.All();
	EXPECT_NE(r.err.find("3 problems in the migration folders"), std::string::npos) << r.err;
	EXPECT_EQ(Registered(), 0);
}

TEST_F(RealHistories, RunnerLogHasOneLinePerFinishedStep)
{
	WriteMigration("0001_t.sql", "CREATE TABLE t (id int);\n");
	for (int i = 2; i <= 7; i++)
		WriteMigration("000" + std::to_string(i) + "_idx.sql",
		               "-- migrate:no-transaction\nCREATE INDEX CONCURRENTLY IF NOT EXISTS t_" + std::to_string(i) +
		                   " ON t (id);\n");
	RunResult r = Run({"deploy"}); /* stderr is a pipe here: the log form */
	ASSERT_EQ(r.exit_code, 0) << r.All();
	EXPECT_EQ(Count(r.err, "runner: schema "), 6u) << r.err;
	for (int i = 2; i <= 7; i++)
		EXPECT_NE(r.err.find("runner: schema 000" + std::to_string(i) + " idx applied ("), std::string::npos) << r.err;
}

} // namespace
