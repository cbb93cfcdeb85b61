/*
 * Lifecycle commands: rollback, verify, validate, resolve, baseline, repair,
 * version, reset and status — their results and every refusal (exit code,
 * the server's message and detail, and nothing changed).
 */
#include "harness.hpp"

#include <nlohmann/json.hpp>

using pgmtest::ClientTest;
using pgmtest::RunResult;

namespace {

class Lifecycle : public ClientTest {
protected:
	/* 0001 a and 0002 b with down sections, 0003 c and 0004 d without */
	void
	WriteFour()
	{
		WriteMigration("0001_a.sql", "CREATE TABLE a (id int);\n-- migrate:down\nDROP TABLE a;\n");
		WriteMigration("0002_b.sql", "CREATE TABLE b (id int);\n-- migrate:down\nDROP TABLE b;\n");
		WriteMigration("0003_c.sql", "CREATE TABLE c (id int);\n");
		WriteMigration("0004_d.sql", "CREATE TABLE d (id int);\n");
	}
	std::string
	State(const std::string &version, const std::string &stream = "schema")
	{
		return db_->Scalar("SELECT state FROM migrate.status($1) WHERE version = $2", {stream, version});
	}
	long
	HistoryOf(const std::string &action)
	{
		return db_->Count("SELECT count(*) FROM migrate.history WHERE action = $1", {action});
	}
	/* what the public schema holds, to show refusals change nothing */
	std::string
	Shape()
	{
		return db_->Scalar("SELECT string_agg(table_name, ',' ORDER BY table_name) FROM information_schema.tables "
		                   "WHERE table_schema = 'public'");
	}
};

TEST_F(Lifecycle, RollbackRefusesMigrationsWithoutDown)
{
	WriteFour();
	ASSERT_EQ(Run({"deploy"}).exit_code, 0);
	RunResult r = Run({"rollback", "--steps", "3"});
	EXPECT_EQ(r.exit_code, 4) << r.All();
	EXPECT_NE(r.err.find("(SQLSTATE MG005)"), std::string::npos) << r.err;
	EXPECT_NE(r.err.find("DETAIL: no down section: schema/0004_d, schema/0003_c"), std::string::npos) << r.err;
	EXPECT_NE(r.err.find("nothing was rolled back"), std::string::npos) << r.err;
	EXPECT_EQ(Shape(), "a,b,c,d");
	EXPECT_EQ(HistoryOf("rollback"), 0);
	EXPECT_EQ(State("0004"), "applied");

	r = Run({"--format", "json", "rollback", "--all"});
	EXPECT_EQ(r.exit_code, 4);
	auto doc = nlohmann::json::parse(r.out);
	EXPECT_EQ(doc["ok"], false);
	EXPECT_EQ(doc["error"]["sqlstate"], "MG005");
	EXPECT_NE(doc["error"]["detail"].get<std::string>().find("schema/0003_c"), std::string::npos) << doc.dump(2);
	EXPECT_TRUE(doc["rolled_back"].empty());
	EXPECT_EQ(Shape(), "a,b,c,d");
}

TEST_F(Lifecycle, RollbackRefusesUnknownStreamAndVersion)
{
	WriteFour();
	ASSERT_EQ(Run({"deploy", "--target", "0002"}).exit_code, 0);
	struct Case {
		std::vector<std::string> args;
		std::string message;
	} cases[] = {
	    {{"rollback", "--to", "99"}, "migration schema/99 is not registered"},
	    {{"rollback", "--to", "0003"}, "is not applied"},
	    {{"rollback", "--stream", "nope"}, "unknown stream \"nope\""},
	    {{"rollback", "--to-db-version", "9.9.9"}, "no applied migration declares db-version 9.9.9"},
	};
	for (const Case &c : cases) {
		RunResult r = Run(c.args);
		EXPECT_EQ(r.exit_code, 4) << c.args.back() << "\n" << r.All();
		EXPECT_NE(r.err.find("MG009"), std::string::npos) << r.err;
		EXPECT_NE(r.err.find(c.message), std::string::npos) << r.err;
	}
	EXPECT_EQ(Shape(), "a,b");
	EXPECT_EQ(HistoryOf("rollback"), 0);
}

TEST_F(Lifecycle, RollbackUsageErrors)
{
	for (const std::vector<std::string> &args : std::vector<std::vector<std::string>>{
	         {"rollback", "--to", "1", "--steps", "2"},
	         {"rollback", "--all", "--to-db-version", "1.0"},
	         {"rollback", "--steps", "0"},
	         {"rollback", "--to", "latest"},
	     }) {
		RunResult r = Run(args);
		EXPECT_EQ(r.exit_code, 2) << args[1] << "\n" << r.All();
	}
}

TEST_F(Lifecycle, RollbackStepsToAndResult)
{
	WriteFour();
	WriteMigration("0003_c.sql", "CREATE TABLE c (id int);\n-- migrate:down\nDROP TABLE c;\n");
	WriteMigration("0004_d.sql", "CREATE TABLE d (id int);\n-- migrate:down\nDROP TABLE d;\n");
	ASSERT_EQ(Run({"deploy"}).exit_code, 0);

	/* default: one step of schema */
	RunResult r = Run({"rollback"});
	ASSERT_EQ(r.exit_code, 0) << r.All();
	EXPECT_NE(r.out.find("| 0004    | d    | rolled-back |"), std::string::npos) << r.out;
	EXPECT_EQ(Shape(), "a,b,c");

	/* --to keeps that version */
	r = Run({"--format", "json", "rollback", "--to", "0001"});
	ASSERT_EQ(r.exit_code, 0) << r.All();
	auto doc = nlohmann::json::parse(r.out);
	ASSERT_EQ(doc["rolled_back"].size(), 2u);
	EXPECT_EQ(doc["rolled_back"][0]["version"], "0003");
	EXPECT_EQ(doc["rolled_back"][1]["version"], "0002");
	EXPECT_EQ(doc["rolled_back"][1]["outcome"], "rolled-back");
	EXPECT_EQ(Shape(), "a");
	EXPECT_EQ(State("0002"), "pending");

	/* nothing left above 0001 */
	r = Run({"rollback", "--to", "0001"});
	EXPECT_EQ(r.exit_code, 0) << r.All();
	EXPECT_NE(r.err.find("nothing to roll back"), std::string::npos) << r.err;
	EXPECT_EQ(HistoryOf("rollback"), 3);
}

TEST_F(Lifecycle, RollbackFailingDownExits1AndChangesNothing)
{
	WriteMigration("0001_a.sql", "CREATE TABLE a (id int);\n-- migrate:down\nDROP TABLE a;\n");
	WriteMigration("0002_b.sql", "CREATE TABLE b (id int);\n-- migrate:down\nDROP TABLE b_typo;\n");
	ASSERT_EQ(Run({"deploy"}).exit_code, 0);
	RunResult r = Run({"rollback", "--all"});
	EXPECT_EQ(r.exit_code, 1) << r.All();
	EXPECT_NE(r.err.find("b_typo"), std::string::npos) << r.err;
	EXPECT_NE(r.err.find("42P01"), std::string::npos) << r.err;
	EXPECT_EQ(Shape(), "a,b");
	EXPECT_EQ(State("0001"), "applied");
	EXPECT_EQ(State("0002"), "applied");
}

TEST_F(Lifecycle, RollbackOfNoTransactionMigrationIsRefused)
{
	WriteMigration("0001_t.sql", "CREATE TABLE t (k text);\n-- migrate:down\nDROP TABLE t;\n");
	WriteMigration("0002_t_k.sql", "-- migrate:no-transaction\nCREATE INDEX CONCURRENTLY IF NOT EXISTS t_k ON t (k);\n"
	                               "-- migrate:down\nDROP INDEX CONCURRENTLY IF EXISTS t_k;\n");
	ASSERT_EQ(Run({"deploy"}).exit_code, 0);
	RunResult r = Run({"rollback"});
	EXPECT_EQ(r.exit_code, 4) << r.All();
	EXPECT_NE(r.err.find("MG003"), std::string::npos) << r.err;
	EXPECT_TRUE(db_->TableExists("t_k"));
	EXPECT_EQ(State("0002"), "applied");
}

TEST_F(Lifecycle, VerifyReportsFailuresAndChangesNothing)
{
	WriteMigration("0001_users.sql",
	               "CREATE TABLE users (id int, email text);\n"
	               "-- migrate:verify\nSELECT count(*) = 0 FROM users WHERE email <> lower(email);\n");
	WriteMigration("0002_seed.sql",
	               "INSERT INTO users VALUES (1, 'a@example.com');\n"
	               "-- migrate:verify\nDELETE FROM users;\nSELECT true;\n",
	               "data");
	ASSERT_EQ(Run({"--dir", "migrations", "--dir", "data=data", "deploy"}).exit_code, 0);
	db_->Query("DELETE FROM users");
	db_->Query("INSERT INTO users VALUES (1, 'a@example.com')");
	RunResult r = Run({"verify"});
	ASSERT_EQ(r.exit_code, 0) << r.All();
	EXPECT_NE(r.err.find("all 2 verify sections passed"), std::string::npos) << r.err;
	EXPECT_EQ(db_->Count("SELECT count(*) FROM users"), 1); /* the verify's DELETE was rolled back */

	db_->Query("INSERT INTO users VALUES (2, 'B@Example.com')");
	r = Run({"--format", "json", "verify"});
	EXPECT_EQ(r.exit_code, 1) << r.All();
	auto doc = nlohmann::json::parse(r.out);
	EXPECT_EQ(doc["failed"], 1);
	ASSERT_EQ(doc["verify"].size(), 2u);
	EXPECT_EQ(doc["verify"][0]["ok"], false);
	EXPECT_EQ(doc["verify"][0]["message"], "verify statement 1 returned false");
	EXPECT_EQ(doc["verify"][1]["ok"], true);

	r = Run({"verify", "--stream", "data"});
	EXPECT_EQ(r.exit_code, 0) << r.All();
	EXPECT_EQ(db_->Count("SELECT count(*) FROM users"), 2);
}

TEST_F(Lifecycle, ValidateListsProblemsExit4)
{
	WriteMigration("0002_b.sql", "CREATE TABLE b (id int);\n");
	ASSERT_EQ(Run({"deploy"}).exit_code, 0);
	RunResult r = Run({"validate"});
	EXPECT_EQ(r.exit_code, 0) << r.All();
	EXPECT_NE(r.err.find("no problems found"), std::string::npos) << r.err;

	/* a version below the newest applied one, uploaded but never applied */
	WriteMigration("0001_a.sql", "CREATE TABLE a (id int);\n");
	ASSERT_EQ(Run({"push"}).exit_code, 0);
	r = Run({"validate"});
	EXPECT_EQ(r.exit_code, 4) << r.All();
	EXPECT_NE(r.out.find("out-of-order"), std::string::npos) << r.out;
	r = Run({"--format", "json", "validate"});
	EXPECT_EQ(r.exit_code, 4);
	auto doc = nlohmann::json::parse(r.out);
	ASSERT_EQ(doc["problems"].size(), 1u) << doc.dump(2);
	EXPECT_EQ(doc["problems"][0]["check_name"], "out-of-order");
	EXPECT_EQ(doc["problems"][0]["version"], "0001");
	EXPECT_EQ(doc["problems"][0]["severity"], "error");
}

TEST_F(Lifecycle, StatusShowsDatabaseVersionAndProblems)
{
	WriteMigration("0001_a.sql", "-- migrate:db-version 1.0.0\nCREATE TABLE a (id int);\n");
	WriteMigration("0003_c.sql", "-- migrate:db-version 1.1.0\nCREATE TABLE c (id int);\n");
	WriteMigration("0001_fill.sql", "-- migrate:requires schema:0099\nINSERT INTO a VALUES (1);\n", "data");
	ASSERT_EQ(Run({"deploy", "--stream", "schema"}).exit_code, 0);
	WriteMigration("0002_b.sql", "CREATE TABLE b (id int);\n");
	ASSERT_EQ(Run({"--dir", "migrations", "--dir", "data=data", "push"}).exit_code, 0);

	RunResult r = Run({"-v", "status"});
	ASSERT_EQ(r.exit_code, 0) << r.All();
	EXPECT_NE(r.out.find("database version: 1.1.0"), std::string::npos) << r.out;
	EXPECT_NE(r.out.find("stream schema: 2 applied, 1 pending, db version 1.1.0, 1 problem"), std::string::npos)
	    << r.out;
	EXPECT_NE(r.out.find("stream data: 0 applied, 1 pending, 1 problem"), std::string::npos) << r.out;
	EXPECT_NE(r.out.find("error out-of-order 0002: "), std::string::npos) << r.out;
	EXPECT_NE(r.out.find("error missing-requirement 0001: requires schema:0099"), std::string::npos) << r.out;
	/* one round trip: the migrations and the problems go in one message (managed mode reads the catalog itself) */
	std::size_t round_trips = 0;
	for (std::size_t at = r.err.find("sql: "); at != std::string::npos; at = r.err.find("sql: ", at + 1))
		round_trips++;
	if (!Managed()) {
		EXPECT_EQ(round_trips, 1u) << r.err;
	}

	r = Run({"--format", "json", "status"});
	ASSERT_EQ(r.exit_code, 0) << r.All();
	auto doc = nlohmann::json::parse(r.out);
	EXPECT_EQ(doc["db_version"], "1.1.0");
	EXPECT_EQ(doc["problems"].size(), 2u) << doc.dump(2);
	ASSERT_EQ(doc["streams"].size(), 2u);
	EXPECT_EQ(doc["streams"][0]["db_version"], "1.1.0");
	ASSERT_EQ(doc["streams"][0]["problems"].size(), 1u);
	EXPECT_EQ(doc["streams"][0]["problems"][0]["check_name"], "out-of-order");
	EXPECT_EQ(doc["streams"][1]["db_version"], nullptr);
	EXPECT_EQ(doc["streams"][1]["problems"][0]["check_name"], "missing-requirement");
	EXPECT_FALSE(doc["problems"][0].contains("db_version"));
}

TEST_F(Lifecycle, ResolveAppliedUploadsAndRunsNothing)
{
	WriteMigration("0001_a.sql", "CREATE TABLE a (id int);\n");
	WriteMigration("0002_b.sql", "CREATE TABLE b (id int);\n");
	/* never deployed: resolve uploads the folder first; the name form works too */
	RunResult r = Run({"--format", "json", "resolve", "--applied", "0002_b.sql"});
	ASSERT_EQ(r.exit_code, 0) << r.All();
	auto doc = nlohmann::json::parse(r.out);
	EXPECT_EQ(doc["uploaded"].size(), 2u);
	EXPECT_EQ(doc["stream"], "schema");
	EXPECT_EQ(doc["version"], "0002");
	EXPECT_EQ(doc["changed"], true);
	EXPECT_EQ(State("0002"), "applied");
	EXPECT_EQ(State("0001"), "pending");
	EXPECT_FALSE(db_->TableExists("b")); /* not run */
	EXPECT_EQ(HistoryOf("resolve"), 1);
}

TEST_F(Lifecycle, ResolveRefusals)
{
	WriteMigration("0001_a.sql", "CREATE TABLE a (id int);\n");
	ASSERT_EQ(Run({"deploy"}).exit_code, 0);
	long history = HistoryRows();
	RunResult r = Run({"resolve", "--applied", "0099"});
	EXPECT_EQ(r.exit_code, 4) << r.All();
	EXPECT_NE(r.err.find("MG009"), std::string::npos) << r.err;
	EXPECT_NE(r.err.find("schema/0099 is not registered"), std::string::npos) << r.err;
	EXPECT_EQ(Run({"resolve", "--applied", "1", "--stream", "nope"}).exit_code, 4);
	EXPECT_EQ(Run({"resolve"}).exit_code, 2);
	EXPECT_EQ(Run({"resolve", "--applied", "0001", "--rolled-back", "0001"}).exit_code, 2);
	EXPECT_EQ(Run({"resolve", "--applied", "abc"}).exit_code, 2);
	EXPECT_EQ(HistoryRows(), history);
	EXPECT_EQ(State("0001"), "applied");
}

TEST_F(Lifecycle, ResolveStreamFromTheFile)
{
	WriteMigration("0001_a.sql", "CREATE TABLE a (id int);\n");
	WriteMigration("0007_fill.sql", "INSERT INTO a VALUES (1);\n", "data");
	RunResult r = Run({"--dir", "migrations", "--dir", "data=data", "resolve", "--applied", "0007"});
	ASSERT_EQ(r.exit_code, 0) << r.All();
	EXPECT_EQ(State("0007", "data"), "applied");
	/* the same version in two streams needs --stream */
	WriteMigration("0007_b.sql", "CREATE TABLE b (id int);\n");
	r = Run({"--dir", "migrations", "--dir", "data=data", "resolve", "--applied", "0007"});
	EXPECT_EQ(r.exit_code, 2) << r.All();
	EXPECT_NE(r.err.find("name one with --stream"), std::string::npos) << r.err;
}

TEST_F(Lifecycle, ResolveRolledBackRefusesUntilInvalidIndexIsDropped)
{
	WriteMigration("0001_t.sql", "CREATE TABLE t (k text);\nINSERT INTO t VALUES ('x'), ('x');\n");
	WriteMigration("0002_t_k.sql",
	               "-- migrate:no-transaction\nCREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS t_k ON t (k);\n");
	ASSERT_EQ(Run({"deploy"}).exit_code, 1);
	/* The failed build left t_k INVALID: marking it rolled back would hide it, so the server refuses (MG008). */
	RunResult r = Run({"resolve", "--rolled-back", "0002"});
	EXPECT_EQ(r.exit_code, 4) << r.All();
	EXPECT_NE(r.All().find("DROP INDEX CONCURRENTLY IF EXISTS public.t_k"), std::string::npos) << r.All();
	EXPECT_EQ(State("0002"), "failed");
	db_->Script("DROP INDEX t_k");
	r = Run({"resolve", "--rolled-back", "0002"});
	ASSERT_EQ(r.exit_code, 0) << r.All();
	EXPECT_EQ(State("0002"), "pending");
}

TEST_F(Lifecycle, BaselineRefusals)
{
	WriteMigration("0001_a.sql", "CREATE TABLE a (id int);\n");
	RunResult r = Run({"baseline", "0001", "--stream", "nope"});
	EXPECT_EQ(r.exit_code, 4) << r.All();
	EXPECT_NE(r.err.find("unknown stream"), std::string::npos) << r.err;
	EXPECT_EQ(Run({"baseline", "latest"}).exit_code, 2);
	EXPECT_EQ(Run({"baseline"}).exit_code, 2);
	EXPECT_EQ(HistoryOf("baseline"), 0);
	EXPECT_FALSE(db_->TableExists("a"));
}

TEST_F(Lifecycle, RepairRecordsTheEditedFile)
{
	WriteMigration("0001_a.sql", "CREATE TABLE a (id int);\n");
	ASSERT_EQ(Run({"deploy"}).exit_code, 0);
	/* a down section added after the fact: deploy refuses the changed applied file */
	std::string edited = "-- add a down section\nCREATE TABLE a (id int);\n-- migrate:down\nDROP TABLE a;\n";
	WriteMigration("0001_a.sql", edited);
	EXPECT_EQ(Run({"deploy"}).exit_code, 4);
	EXPECT_EQ(Run({"rollback"}).exit_code, 4); /* MG005: the stored content has no down */

	RunResult r = Run({"repair", "0001"});
	ASSERT_EQ(r.exit_code, 0) << r.All();
	EXPECT_NE(r.out.find("recorded the content of ./migrations/0001_a.sql"), std::string::npos) << r.out;
	EXPECT_EQ(HistoryOf("repair"), 1);
	EXPECT_EQ(db_->Scalar("SELECT script FROM migrate.migrations WHERE version = '0001'"), edited);
	EXPECT_TRUE(db_->TableExists("a"));
	r = Run({"deploy"});
	EXPECT_EQ(r.exit_code, 0) << r.All();
	EXPECT_NE(r.err.find("nothing to do"), std::string::npos) << r.err;
	r = Run({"repair", "0001"});
	EXPECT_EQ(r.exit_code, 0) << r.All();
	EXPECT_NE(r.out.find("nothing to repair"), std::string::npos) << r.out;
	EXPECT_EQ(HistoryOf("repair"), 1);

	/* and now it can be rolled back */
	ASSERT_EQ(Run({"rollback"}).exit_code, 0);
	EXPECT_FALSE(db_->TableExists("a"));
}

TEST_F(Lifecycle, RepairRefusals)
{
	WriteMigration("0001_a.sql", "CREATE TABLE a (id int);\n");
	ASSERT_EQ(Run({"push"}).exit_code, 0);
	RunResult r = Run({"repair", "0005"});
	EXPECT_EQ(r.exit_code, 2) << r.All();
	EXPECT_NE(r.err.find("no file with version 0005"), std::string::npos) << r.err;
	r = Run({"repair", "0001"}); /* registered but pending */
	EXPECT_EQ(r.exit_code, 4) << r.All();
	EXPECT_NE(r.err.find("MG009"), std::string::npos) << r.err;
	EXPECT_EQ(HistoryOf("repair"), 0);
}

TEST_F(Lifecycle, VersionAndCompatibilityChecks)
{
	RunResult r = Run({"version"});
	ASSERT_EQ(r.exit_code, 0) << r.All();
	EXPECT_NE(r.out.find("database version  (none declared)"), std::string::npos) << r.out;
	EXPECT_NE(r.out.find("applied           0 migrations"), std::string::npos) << r.out;
	EXPECT_NE(r.out.find("server            PostgreSQL "), std::string::npos) << r.out;

	/* no database version yet: nothing is compatible */
	r = Run({"version", "--check", "api=1.0.0"});
	EXPECT_EQ(r.exit_code, 4) << r.All();
	EXPECT_NE(r.err.find("declares no version"), std::string::npos) << r.err;

	WriteMigration("0001_a.sql", "-- migrate:db-version 1.10\nCREATE TABLE a (id int);\n");
	ASSERT_EQ(Run({"deploy"}).exit_code, 0);
	db_->Query("INSERT INTO migrate.compatibility VALUES ('1.10.0', 'api', '3.0', '3.10')");
	EXPECT_EQ(Run({"version", "--check", "api=3.9.1"}).exit_code, 0);
	r = Run({"version", "--check", "api=3.11"});
	EXPECT_EQ(r.exit_code, 4) << r.All();
	EXPECT_NE(r.err.find("allows api 3.0 to 3.10 at database version 1.10"), std::string::npos) << r.err;
	r = Run({"version", "--check", "worker=1.0"});
	EXPECT_EQ(r.exit_code, 4) << r.All();
	EXPECT_NE(r.err.find("has no row for worker"), std::string::npos) << r.err;
	EXPECT_EQ(Run({"version", "--check", "api"}).exit_code, 2);
	EXPECT_EQ(Run({"version", "--check", "=1.0"}).exit_code, 2);
	EXPECT_EQ(Run({"version", "--check", "api=three"}).exit_code, 2);
}

TEST_F(Lifecycle, ResetRefusalsChangeNothing)
{
	WriteFour();
	ASSERT_EQ(Run({"deploy"}).exit_code, 0);
	RunResult r = Run({"reset"});
	EXPECT_EQ(r.exit_code, 2) << r.All();
	EXPECT_NE(r.err.find("--yes"), std::string::npos) << r.err;
	r = Run({"reset", "--yes"});
	EXPECT_EQ(r.exit_code, 4) << r.All();
	EXPECT_NE(r.err.find("MG005"), std::string::npos) << r.err;
	EXPECT_EQ(Shape(), "a,b,c,d");
	EXPECT_EQ(HistoryOf("rollback"), 0);
}

TEST_F(Lifecycle, ResetRollsBackEveryStreamAndDeploys)
{
	WriteMigration("0001_a.sql", "CREATE TABLE a (id int);\n-- migrate:down\nDROP TABLE a;\n");
	WriteMigration(
	    "0001_fill.sql",
	    "-- migrate:requires schema:0001\nINSERT INTO a VALUES (1);\n-- migrate:down\nDELETE FROM a WHERE id = 1;\n",
	    "data");
	std::vector<std::string> dirs = {"--dir", "migrations", "--dir", "data=data"};
	auto with = [&](std::vector<std::string> args) {
		args.insert(args.begin(), dirs.begin(), dirs.end());
		return args;
	};
	ASSERT_EQ(Run(with({"deploy"})).exit_code, 0);
	db_->Query("INSERT INTO a VALUES (2)"); /* development data, gone with the reset */
	RunResult r = Run(with({"reset", "--yes"}));
	ASSERT_EQ(r.exit_code, 0) << r.All();
	EXPECT_LT(r.out.find(" data   | 0001    | fill | rolled-back"),
	          r.out.find(" schema | 0001    | a    | rolled-back"))
	    << r.out;
	EXPECT_EQ(db_->Scalar("SELECT string_agg(id::text, ',') FROM a"), "1");
	EXPECT_EQ(HistoryOf("rollback"), 2);
	EXPECT_EQ(HistoryOf("apply"), 4);
}

class LifecycleWithoutExtension : public ClientTest {
protected:
	bool
	WithExtension() const override
	{
		return false;
	}
};

TEST_F(LifecycleWithoutExtension, MissingExtensionExits3)
{
	for (const std::vector<std::string> &args :
	     std::vector<std::vector<std::string>>{{"rollback"}, {"verify"}, {"validate"}, {"version"}, {"status"}}) {
		RunResult r = Run(args);
		EXPECT_EQ(r.exit_code, 3) << args[0] << "\n" << r.All();
		EXPECT_NE(r.err.find("pg_migrate install"), std::string::npos) << r.err;
	}
}

} // namespace

namespace {

TEST_F(Lifecycle, ValidateNamesAppliedFilesChangedOnDisk)
{
	WriteMigration("0001_a.sql", "CREATE TABLE a (id bigint);\n");
	ASSERT_EQ(Run({"deploy"}).exit_code, 0);
	EXPECT_EQ(Run({"validate"}).exit_code, 0);
	WriteMigration("0001_a.sql", "CREATE TABLE a (id bigint, note text);\n");
	RunResult r = Run({"validate"});
	EXPECT_EQ(r.exit_code, 4) << r.All();
	EXPECT_NE(r.All().find("checksum"), std::string::npos) << r.All();
	EXPECT_NE(r.All().find("0001_a.sql changed after it was applied"), std::string::npos) << r.All();
	/* validate changes nothing: the stored content is still what was applied */
	EXPECT_EQ(db_->Scalar("SELECT script FROM migrate.migrations WHERE version = '0001'"),
	          "CREATE TABLE a (id bigint);\n");
	WriteMigration("0001_a.sql", "CREATE TABLE a (id bigint);\n");
	EXPECT_EQ(Run({"validate"}).exit_code, 0);
}

} // namespace
