/*
 * The walkthroughs of examples/ run end to end: the commands each README
 * gives, run by the real binary from the repository root against a fresh
 * database, with the database's tables, indexes, rows, policies and triggers
 * checked after each step.
 */
#include "harness.hpp"

#include <nlohmann/json.hpp>

#include <filesystem>

using pgmtest::ClientTest;
using pgmtest::EnvChanges;
using pgmtest::RunResult;

namespace {

namespace fs = std::filesystem;

/* The repository root: this file is test/client/db_walkthrough_test.cpp. */
std::string
RepoRoot()
{
	return fs::path(__FILE__).parent_path().parent_path().parent_path().string();
}

class Walkthrough : public ClientTest {
protected:
	/* pg_migrate --db <this test's database> args..., run where the READMEs run it: the repository root. */
	RunResult
	Cli(std::vector<std::string> args, const EnvChanges &env = {})
	{
		args.insert(args.begin(), {"--db", conninfo_});
		return pgmtest::RunClient(args, env, RepoRoot());
	}
	/* the README's $D folders, then the command: Cmd(kDual, {"deploy", ...}) */
	RunResult
	Cmd(const std::vector<std::string> &dirs, const std::vector<std::string> &command, const EnvChanges &env = {})
	{
		std::vector<std::string> args = dirs;
		args.insert(args.end(), command.begin(), command.end());
		return Cli(args, env);
	}
	std::string
	Example(const std::string &relative) const
	{
		return pgmtest::ReadFile(RepoRoot() + "/examples/" + relative);
	}
	std::string
	State(const std::string &stream, const std::string &version)
	{
		return db_->Scalar("SELECT state FROM migrate.status($1) WHERE version = $2", {stream, version});
	}
	long
	Rows(const std::string &table)
	{
		return db_->Count("SELECT count(*) FROM " + table);
	}
	bool
	ColumnExists(const std::string &table, const std::string &column)
	{
		return db_->Count("SELECT count(*) FROM pg_attribute WHERE attrelid = to_regclass($1) AND attname = $2 "
		                  "AND NOT attisdropped",
		                  {table, column}) == 1;
	}
	/* Problems validate() reports of one check (drift from the test's own DDL is left out this way). */
	long
	Problems(const std::string &check)
	{
		if (!Managed())
			return db_->Count("SELECT count(*) FROM migrate.validate() WHERE check_name = $1", {check});
		/* managed mode has no SQL validate(): the command's JSON */
		long n = 0;
		nlohmann::json doc = pgmtest::ParseStdout(Run({"--format", "json", "validate"}));
		for (const auto &p : doc["problems"])
			n += p.value("check_name", "") == check ? 1 : 0;
		return n;
	}
	/* migrate.db_version(), or in managed mode the version command's */
	std::string
	DbVersion()
	{
		if (!Managed())
			return db_->Scalar("SELECT migrate.db_version()");
		auto doc = pgmtest::ParseStdout(Run({"--format", "json", "version"}));
		return doc["db_version"].is_string() ? doc["db_version"].get<std::string>() : "";
	}
	long
	HistoryOf(const std::string &action)
	{
		return db_->Count("SELECT count(*) FROM migrate.history WHERE action = $1", {action});
	}
};

/* ---- a. dual schema/index history ---- */

const std::vector<std::string> kDual = {"--dir", "schema=examples/dual-schema-index/schema", "--dir",
                                        "index=examples/dual-schema-index/index"};

TEST_F(Walkthrough, DualSchemaThenIndexes)
{
	/* 1. schema only */
	RunResult r = Cmd(kDual, {"deploy"}, {{"SKIP_INDEX_MIGRATIONS", "true"}});
	ASSERT_EQ(r.exit_code, 0) << r.All();
	EXPECT_EQ(db_->Scalar("SELECT string_agg(enumlabel, ',' ORDER BY enumsortorder) FROM pg_enum "
	                      "WHERE enumtypid = 'campaign_status'::regtype"),
	          "draft,scheduled,active,paused,completed,archived");
	std::map<std::string, std::string> types;
	for (const auto &row : db_->Query("SELECT column_name, data_type FROM information_schema.columns "
	                                  "WHERE table_schema = 'public' AND table_name = 'campaigns'"))
		types[*row[0]] = *row[1];
	EXPECT_EQ(types.size(), 17u);
	EXPECT_EQ(types["id"], "uuid");
	EXPECT_EQ(types["name"], "character varying");
	EXPECT_EQ(types["conversion_rate"], "numeric");
	EXPECT_EQ(types["is_active"], "boolean");
	EXPECT_EQ(types["start_date"], "timestamp with time zone");
	EXPECT_EQ(types["metadata"], "jsonb");
	EXPECT_EQ(types["tags"], "ARRAY");
	EXPECT_EQ(types["status"], "USER-DEFINED");
	/* only the primary key: the index stream was uploaded, not applied */
	EXPECT_EQ(db_->Count("SELECT count(*) FROM pg_indexes WHERE tablename = 'campaigns'"), 1);
	EXPECT_EQ(State("index", "20260201100000"), "pending");
	EXPECT_EQ(State("index", "20260201100500"), "pending");
	EXPECT_EQ(db_->Count("SELECT count(*) FROM migrate.history WHERE stream = 'index'"), 0);
	EXPECT_NE(r.err.find("stream index has pending migrations but is not deployed now"), std::string::npos) << r.err;

	/* the same again: nothing to do while index is skipped */
	r = Cmd(kDual, {"deploy", "--skip-stream", "index"});
	ASSERT_EQ(r.exit_code, 0) << r.All();
	EXPECT_NE(r.err.find("nothing to do"), std::string::npos) << r.err;

	/* 2. the ETL loads data */
	db_->Query("INSERT INTO campaigns (name, slug, status, budget, is_active, start_date, metadata, tags) "
	           "SELECT 'Campaign ' || g, 'campaign-' || g, (ARRAY['draft', 'active', 'paused']::campaign_status[])"
	           "[1 + g % 3], g * 100, g % 2 = 0, now() - g * interval '1 day', "
	           "jsonb_build_object('channel', 'email'), ARRAY['spring', 'tag' || g % 5] "
	           "FROM generate_series(1, 3000) g");

	/* 3. the indexes, built concurrently by the runner; deploy waits for them */
	r = Cmd(kDual, {"deploy", "--stream", "index"});
	ASSERT_EQ(r.exit_code, 0) << r.All();
	/* managed mode: the client built them itself once the batch committed */
	if (!Managed()) {
		EXPECT_NE(r.err.find("waiting for the background runner"), std::string::npos) << r.err;
	}
	EXPECT_NE(r.err.find("runner: index 20260201100000 campaigns_lookup_indexes applied"), std::string::npos) << r.err;
	EXPECT_EQ(State("index", "20260201100000"), "applied");
	EXPECT_EQ(State("index", "20260201100500"), "applied");
	EXPECT_EQ(db_->Count("SELECT count(*) FROM pg_index WHERE indrelid = 'campaigns'::regclass"), 7);
	EXPECT_EQ(db_->Count("SELECT count(*) FROM pg_index WHERE indrelid = 'campaigns'::regclass AND NOT indisvalid"), 0);
	auto index_is = [&](const std::string &name, const std::string &condition) {
		return db_->Scalar("SELECT (" + condition +
		                       ")::text FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid "
		                       "JOIN pg_am a ON a.oid = c.relam WHERE c.relname = $1",
		                   {name});
	};
	EXPECT_EQ(index_is("campaigns_slug_key", "i.indisunique"), "true");
	EXPECT_EQ(index_is("campaigns_metadata_gin_idx", "a.amname = 'gin'"), "true");
	EXPECT_EQ(index_is("campaigns_tags_gin_idx", "a.amname = 'gin'"), "true");
	EXPECT_EQ(index_is("campaigns_active_start_idx", "i.indpred IS NOT NULL"), "true");
	EXPECT_EQ(index_is("campaigns_name_lower_idx", "i.indexprs IS NOT NULL"), "true");
	EXPECT_EQ(index_is("campaigns_status_created_idx", "i.indnatts = 2"), "true");
	EXPECT_EQ(db_->Count("SELECT count(*) FROM migrate.history WHERE stream = 'index' AND status = 'succeeded'"), 2);
	/* the unique index holds */
	EXPECT_EQ(db_->ErrorOf("INSERT INTO campaigns (name, slug) VALUES ('dup', 'campaign-1')"), "23505");

	r = Cmd(kDual, {"--format", "json", "status"});
	ASSERT_EQ(r.exit_code, 0) << r.All();
	auto doc = nlohmann::json::parse(r.out);
	ASSERT_EQ(doc["streams"].size(), 2u) << doc.dump(2);
	EXPECT_EQ(doc["streams"][0]["stream"], "schema");
	EXPECT_EQ(doc["streams"][1]["stream"], "index");
	EXPECT_EQ(doc["streams"][1]["applied"], 2);
	EXPECT_EQ(doc["streams"][1]["pending"], 0);
	EXPECT_TRUE(doc["streams"][1]["problems"].empty()) << doc.dump(2);

	EXPECT_EQ(Cmd(kDual, {"verify"}).exit_code, 0);
	r = Cmd(kDual, {"deploy"});
	EXPECT_NE(r.err.find("nothing to do"), std::string::npos) << r.All();
}

TEST_F(Walkthrough, DualCombinedDeployAndSkipFalse)
{
	/* SKIP_INDEX_MIGRATIONS=false deploys both, schema (position 10) before index (30) */
	RunResult r = Cmd(kDual, {"deploy"}, {{"SKIP_INDEX_MIGRATIONS", "false"}});
	ASSERT_EQ(r.exit_code, 0) << r.All();
	EXPECT_LT(r.out.find("create_campaigns"), r.out.find("campaigns_lookup_indexes")) << r.out;
	EXPECT_EQ(db_->Count("SELECT count(*) FROM pg_index WHERE indrelid = 'campaigns'::regclass AND indisvalid"), 7);
	EXPECT_EQ(db_->Count("SELECT count(*) FROM migrate.status() WHERE state = 'applied'"), 4);
}

/* ---- b. extensions, triggers, row level security ---- */

const std::vector<std::string> kSql = {"--dir", "examples/sql-features"};

TEST_F(Walkthrough, ExtensionsTriggersAndRowLevelSecurity)
{
	RunResult r = Cmd(kSql, {"deploy"});
	ASSERT_EQ(r.exit_code, 0) << r.All();
	EXPECT_EQ(db_->Count("SELECT count(*) FROM pg_extension WHERE extname IN ('citext', 'pgcrypto')"), 2);
	EXPECT_EQ(db_->Scalar("SELECT udt_name FROM information_schema.columns WHERE table_name = 'accounts' AND "
	                      "column_name = 'email'"),
	          "citext");
	EXPECT_EQ(db_->Count("SELECT count(*) FROM pg_trigger WHERE NOT tgisinternal AND tgname IN "
	                     "('projects_set_updated_at', 'accounts_hash_api_key')"),
	          2);
	EXPECT_EQ(db_->Scalar("SELECT (relrowsecurity AND relforcerowsecurity)::text FROM pg_class WHERE oid = "
	                      "'projects'::regclass"),
	          "true");
	EXPECT_EQ(db_->Count("SELECT count(*) FROM pg_policies WHERE tablename = 'projects' AND policyname = "
	                     "'projects_tenant_isolation'"),
	          1);

	/* the objects at work: case-insensitive unique e-mail, hashed key, updated_at, tenant isolation */
	std::string a1 = db_->Scalar("INSERT INTO accounts (email, api_key_hash) VALUES ('Ada@Example.com', 'k-secret') "
	                             "RETURNING id");
	std::string a2 = db_->Scalar("INSERT INTO accounts (email) VALUES ('grace@example.com') RETURNING id");
	EXPECT_EQ(db_->ErrorOf("INSERT INTO accounts (email) VALUES ('ADA@example.COM')"), "23505");
	EXPECT_EQ(db_->Scalar("SELECT (api_key_hash LIKE '$2a$%' AND crypt('k-secret', api_key_hash) = api_key_hash)"
	                      "::text FROM accounts WHERE id = $1",
	                      {a1}),
	          "true");
	/* a superuser bypasses RLS; the policy is checked below as a plain role */
	admin_->Query("INSERT INTO projects (account_id, name, updated_at) VALUES ($1, 'p1', now() - interval '1 day'), "
	              "($1, 'p2', now()), ($2, 'p3', now())",
	              {a1, a2});
	admin_->Query("UPDATE projects SET name = 'p1 renamed' WHERE name = 'p1'");
	EXPECT_EQ(admin_->Scalar("SELECT (updated_at > now() - interval '1 minute')::text FROM projects WHERE name = "
	                         "'p1 renamed'"),
	          "true");
	std::string role = db_name_ + "_tenant";
	admin_->Query("BEGIN");
	admin_->Query("CREATE ROLE " + role);
	admin_->Query("GRANT SELECT, INSERT ON projects TO " + role);
	admin_->Query("SET ROLE " + role);
	admin_->Query("SELECT set_config('app.account_id', $1, true)", {a1});
	EXPECT_EQ(admin_->Count("SELECT count(*) FROM projects"), 2);
	admin_->Query("SELECT set_config('app.account_id', $1, true)", {a2});
	EXPECT_EQ(admin_->Count("SELECT count(*) FROM projects"), 1);
	admin_->Query("SELECT set_config('app.account_id', '', true)");
	EXPECT_EQ(admin_->Count("SELECT count(*) FROM projects"), 0);
	admin_->Query("ROLLBACK");

	/* verify runs the verify sections again; a hand-made change breaks one: exit 1, nothing changed */
	r = Cmd(kSql, {"verify"});
	ASSERT_EQ(r.exit_code, 0) << r.All();
	EXPECT_NE(r.err.find("all 2 verify sections passed"), std::string::npos) << r.err;
	db_->Query("ALTER TABLE projects NO FORCE ROW LEVEL SECURITY");
	r = Cmd(kSql, {"--format", "json", "verify"});
	EXPECT_EQ(r.exit_code, 1) << r.All();
	auto doc = nlohmann::json::parse(r.out);
	EXPECT_EQ(doc["failed"], 1);
	for (const auto &row : doc["verify"])
		EXPECT_EQ(row["ok"], row["name"] != "tenant_isolation") << row.dump();
	db_->Query("ALTER TABLE projects FORCE ROW LEVEL SECURITY");

	/* down sections: the policy, then the triggers, in one transaction */
	r = Cmd(kSql, {"rollback", "--steps", "2"});
	ASSERT_EQ(r.exit_code, 0) << r.All();
	EXPECT_NE(r.out.find("tenant_isolation"), std::string::npos) << r.out;
	EXPECT_EQ(db_->Count("SELECT count(*) FROM pg_policies WHERE tablename = 'projects'"), 0);
	EXPECT_EQ(db_->Scalar("SELECT relrowsecurity::text FROM pg_class WHERE oid = 'projects'::regclass"), "false");
	EXPECT_EQ(db_->Count("SELECT count(*) FROM pg_trigger WHERE NOT tgisinternal"), 0);
	EXPECT_EQ(db_->Count("SELECT count(*) FROM pg_proc WHERE proname IN ('set_updated_at', 'hash_api_key')"), 0);
	EXPECT_EQ(Rows("projects"), 3);
	EXPECT_EQ(State("schema", "20260301091000"), "pending");
	EXPECT_EQ(HistoryOf("rollback"), 2);

	r = Cmd(kSql, {"deploy"});
	ASSERT_EQ(r.exit_code, 0) << r.All();
	EXPECT_EQ(db_->Count("SELECT count(*) FROM pg_policies WHERE tablename = 'projects'"), 1);
	EXPECT_EQ(db_->Count("SELECT count(*) FROM pg_trigger WHERE NOT tgisinternal"), 2);
}

/* ---- c. data migrations per PostgreSQL schema ---- */

const std::vector<std::string> kData = {"--dir", "examples/data-per-schema/schema",
                                        "--dir", "questions=examples/data-per-schema/questions",
                                        "--dir", "responses=examples/data-per-schema/responses"};

TEST_F(Walkthrough, DataMigrationsPerSchema)
{
	RunResult r = Cmd(kData, {"deploy", "--stream", "schema"});
	ASSERT_EQ(r.exit_code, 0) << r.All();
	EXPECT_EQ(db_->Count("SELECT count(*) FROM pg_namespace WHERE nspname IN ('questions', 'responses')"), 2);
	EXPECT_TRUE(db_->TableExists("questions.questions"));
	EXPECT_TRUE(db_->TableExists("responses.answers"));
	EXPECT_EQ(Rows("questions.questions"), 0);
	EXPECT_EQ(db_->Count("SELECT count(*) FROM migrate.streams WHERE name IN ('questions', 'responses')"), 2);

	/* one group only */
	r = Cmd(kData, {"deploy", "--stream", "questions"});
	ASSERT_EQ(r.exit_code, 0) << r.All();
	EXPECT_EQ(Rows("questions.batteries"), 2);
	EXPECT_EQ(Rows("questions.questions"), 4);
	EXPECT_EQ(Rows("responses.waves"), 0);
	EXPECT_EQ(State("responses", "0001"), "pending");

	/* reset one group */
	r = Cmd(kData, {"rollback", "--stream", "questions", "--all"});
	ASSERT_EQ(r.exit_code, 0) << r.All();
	EXPECT_EQ(Rows("questions.batteries"), 0);
	EXPECT_EQ(Rows("questions.questions"), 0);
	EXPECT_EQ(State("questions", "0001"), "pending");
	EXPECT_EQ(State("questions", "0002"), "pending");
	EXPECT_EQ(State("schema", "0002"), "applied");

	/* everything */
	r = Cmd(kData, {"deploy"});
	ASSERT_EQ(r.exit_code, 0) << r.All();
	EXPECT_EQ(Rows("questions.questions"), 4);
	EXPECT_EQ(Rows("responses.answers"), 150);
	EXPECT_LT(r.out.find("\n questions "), r.out.find("\n responses ")) << r.out;

	/* questions is still needed by responses: refused, nothing changed */
	long rollbacks = HistoryOf("rollback");
	r = Cmd(kData, {"rollback", "--stream", "questions", "--all"});
	EXPECT_EQ(r.exit_code, 4) << r.All();
	EXPECT_NE(r.err.find("MG007"), std::string::npos) << r.err;
	EXPECT_NE(r.err.find("responses/0001_pilot_wave requires questions:0001"), std::string::npos) << r.err;
	EXPECT_EQ(Rows("questions.questions"), 4);
	EXPECT_EQ(Rows("responses.answers"), 150);
	EXPECT_EQ(HistoryOf("rollback"), rollbacks);

	r = Cmd(kData, {"rollback", "--stream", "responses", "--all"});
	ASSERT_EQ(r.exit_code, 0) << r.All();
	EXPECT_EQ(Rows("responses.answers"), 0);
	EXPECT_EQ(Rows("responses.waves"), 0);
	EXPECT_EQ(Rows("questions.questions"), 4);
	r = Cmd(kData, {"rollback", "--stream", "questions", "--all"});
	ASSERT_EQ(r.exit_code, 0) << r.All();
	EXPECT_EQ(Rows("questions.questions"), 0);
	EXPECT_TRUE(db_->TableExists("questions.questions"));

	/* development reset: refused without --yes, then every stream back and deployed again */
	ASSERT_EQ(Cmd(kData, {"deploy"}).exit_code, 0);
	rollbacks = HistoryOf("rollback");
	r = Cmd(kData, {"reset"});
	EXPECT_EQ(r.exit_code, 2) << r.All();
	EXPECT_EQ(HistoryOf("rollback"), rollbacks);
	r = Cmd(kData, {"--format", "json", "reset", "--yes"});
	ASSERT_EQ(r.exit_code, 0) << r.All();
	auto doc = nlohmann::json::parse(r.out);
	ASSERT_EQ(doc["rolled_back"].size(), 5u) << doc.dump(2);
	EXPECT_EQ(doc["rolled_back"][0]["stream"], "responses");
	EXPECT_EQ(doc["rolled_back"][4]["stream"], "schema");
	EXPECT_EQ(doc["rolled_back"][4]["version"], "0001");
	EXPECT_EQ(doc["applied"].size(), 5u) << doc.dump(2);
	EXPECT_EQ(HistoryOf("rollback"), rollbacks + 5);
	EXPECT_EQ(Rows("questions.questions"), 4);
	EXPECT_EQ(Rows("responses.answers"), 150);
	EXPECT_EQ(db_->Count("SELECT count(*) FROM migrate.status() WHERE state <> 'applied'"), 0);
}

/* ---- d. semantic versions and the compatibility matrix ---- */

const std::vector<std::string> kMatrix = {"--dir", "examples/version-matrix/migrations"};

TEST_F(Walkthrough, VersionMatrix)
{
	RunResult r = Cmd(kMatrix, {"deploy"});
	ASSERT_EQ(r.exit_code, 0) << r.All();
	EXPECT_EQ(DbVersion(), "1.2.0");
	EXPECT_TRUE(ColumnExists("projects", "archived_at"));
	db_->Script(Example("version-matrix/compatibility.sql"));
	EXPECT_EQ(Rows("migrate.compatibility"), 6);

	r = Cli({"--format", "json", "version"});
	ASSERT_EQ(r.exit_code, 0) << r.All();
	auto doc = nlohmann::json::parse(r.out);
	EXPECT_EQ(doc["db_version"], "1.2.0");
	EXPECT_EQ(doc["applied"], 3);
	EXPECT_EQ(doc["extension_version"], doc["client_version"]);
	EXPECT_FALSE(doc["server_version"].get<std::string>().empty());

	r = Cli({"version", "--check", "api=2.3.0"});
	EXPECT_EQ(r.exit_code, 0) << r.All();
	EXPECT_NE(r.out.find("api 2.3.0         compatible with database version 1.2.0"), std::string::npos) << r.out;
	r = Cli({"version", "--check", "api=2.1.0"});
	EXPECT_EQ(r.exit_code, 4) << r.All();
	EXPECT_NE(r.err.find("allows api 2.3.0 to 2.4.99 at database version 1.2.0"), std::string::npos) << r.err;

	/* back to 1.0.0: projects (1.1.0) and archived_at (1.2.0) are undone */
	r = Cmd(kMatrix, {"rollback", "--to-db-version", "1.0.0"});
	ASSERT_EQ(r.exit_code, 0) << r.All();
	EXPECT_NE(r.err.find("database version now 1.0.0"), std::string::npos) << r.err;
	EXPECT_EQ(DbVersion(), "1.0.0");
	EXPECT_FALSE(db_->TableExists("projects"));
	EXPECT_TRUE(db_->TableExists("accounts"));
	EXPECT_EQ(State("schema", "20260123_1200"), "pending");
	EXPECT_EQ(State("schema", "20260210_0900"), "pending");

	EXPECT_EQ(Cli({"version", "--check", "api=2.1.0"}).exit_code, 0);
	r = Cli({"--format", "json", "version", "--check", "api=2.3.0", "--check", "web=1.0.5"});
	EXPECT_EQ(r.exit_code, 4) << r.All();
	doc = nlohmann::json::parse(r.out);
	ASSERT_EQ(doc["checks"].size(), 2u);
	EXPECT_EQ(doc["checks"][0]["compatible"], false);
	EXPECT_EQ(doc["checks"][1]["compatible"], true);

	/* forward to 1.1.0 only */
	r = Cmd(kMatrix, {"deploy", "--target", "20260123_1200"});
	ASSERT_EQ(r.exit_code, 0) << r.All();
	EXPECT_EQ(DbVersion(), "1.1.0");
	EXPECT_TRUE(db_->TableExists("projects"));
	EXPECT_FALSE(ColumnExists("projects", "archived_at"));
	r = Cmd(kMatrix, {"status"});
	ASSERT_EQ(r.exit_code, 0) << r.All();
	EXPECT_NE(r.out.find("database version: 1.1.0"), std::string::npos) << r.out;
	EXPECT_NE(r.out.find("stream schema: 2 applied, 1 pending, db version 1.1.0"), std::string::npos) << r.out;
}

/* ---- e. resolve: applied by hand, failed and cleaned up ---- */

const std::vector<std::string> kResolve = {"--dir", "examples/resolve/migrations"};

TEST_F(Walkthrough, ResolveAppliedByHandAndFailed)
{
	RunResult r = Cmd(kResolve, {"deploy", "--target", "20260105120000"});
	ASSERT_EQ(r.exit_code, 0) << r.All();
	EXPECT_TRUE(db_->TableExists("deviations"));

	/* applied by hand, then recorded: deploying it would have failed */
	db_->Query("ALTER TABLE deviations ADD COLUMN tags text[] NOT NULL DEFAULT '{}'");
	r = Cmd(kResolve, {"resolve", "--applied", "20260106090000_add_tags_to_deviation"});
	ASSERT_EQ(r.exit_code, 0) << r.All();
	EXPECT_NE(r.out.find("marked schema/20260106090000_add_tags_to_deviation applied"), std::string::npos) << r.out;
	EXPECT_EQ(State("schema", "20260106090000"), "applied");
	EXPECT_EQ(db_->Count("SELECT count(*) FROM migrate.history WHERE action = 'resolve' AND version = "
	                     "'20260106090000' AND status = 'succeeded'"),
	          1);
	EXPECT_EQ(db_->Count("SELECT count(*) FROM migrate.history WHERE action = 'apply' AND version = "
	                     "'20260106090000'"),
	          0);
	r = Cmd(kResolve, {"verify"});
	EXPECT_EQ(r.exit_code, 0) << r.All();
	r = Cmd(kResolve, {"resolve", "--applied", "20260106090000"});
	EXPECT_EQ(r.exit_code, 0) << r.All();
	EXPECT_NE(r.out.find("already applied; nothing to resolve"), std::string::npos) << r.out;

	/* a failed concurrent build: duplicates */
	db_->Query("INSERT INTO deviations (user_id, deviation_id, title) "
	           "SELECT gen_random_uuid(), 'dev-' || (g % 3), 'D' || g FROM generate_series(1, 6) g");
	r = Cmd(kResolve, {"deploy"});
	EXPECT_EQ(r.exit_code, 1) << r.All();
	EXPECT_NE(r.err.find("is duplicated"), std::string::npos) << r.err;
	EXPECT_EQ(State("schema", "20260107090000"), "failed");
	EXPECT_EQ(db_->Scalar("SELECT indisvalid::text FROM pg_index WHERE indexrelid = "
	                      "'deviations_deviation_id_key'::regclass"),
	          "false");
	r = Cmd(kResolve, {"--format", "json", "validate"});
	EXPECT_EQ(r.exit_code, 4) << r.All();
	EXPECT_EQ(Problems("failed-step"), 1);
	EXPECT_EQ(Problems("invalid-index"), 1);
	r = Cmd(kResolve, {"deploy"});
	EXPECT_EQ(r.exit_code, 4) << r.All();
	EXPECT_NE(r.err.find("MG008"), std::string::npos) << r.err;

	/* cleaned up by hand, marked rolled back, deployed again */
	db_->Query("DELETE FROM deviations d USING deviations e WHERE d.deviation_id = e.deviation_id AND d.ctid > e.ctid");
	db_->Query("DROP INDEX CONCURRENTLY IF EXISTS deviations_deviation_id_key");
	r = Cmd(kResolve, {"resolve", "--rolled-back", "20260107090000"});
	ASSERT_EQ(r.exit_code, 0) << r.All();
	EXPECT_EQ(r.err.find("warning"), std::string::npos) << r.err;
	EXPECT_EQ(State("schema", "20260107090000"), "pending");
	EXPECT_EQ(Problems("failed-step"), 0);
	r = Cmd(kResolve, {"deploy"});
	ASSERT_EQ(r.exit_code, 0) << r.All();
	EXPECT_EQ(State("schema", "20260107090000"), "applied");
	EXPECT_EQ(db_->Scalar("SELECT (indisvalid AND indisunique)::text FROM pg_index WHERE indexrelid = "
	                      "'deviations_deviation_id_key'::regclass"),
	          "true");
	EXPECT_EQ(Rows("deviations"), 3);
	EXPECT_EQ(db_->Scalar("SELECT string_agg(action || ':' || status, ',' ORDER BY id) FROM migrate.history "
	                      "WHERE version = '20260107090000'"),
	          "apply:failed,resolve:succeeded,apply:succeeded");
}

/* ---- f. baselining an existing database ---- */

class WalkthroughBaseline : public Walkthrough {
protected:
	bool
	WithExtension() const override
	{
		return false; /* the database exists before pg_migrate */
	}
};

const std::vector<std::string> kBaseline = {"--dir", "examples/baseline/migrations"};

TEST_F(WalkthroughBaseline, BaselineExistingDatabase)
{
	db_->Script(Example("baseline/existing-database.sql"));
	ASSERT_EQ(Cli({"install"}).exit_code, 0);

	RunResult r = Cmd(kBaseline, {"baseline", "20250201000000"});
	ASSERT_EQ(r.exit_code, 0) << r.All();
	EXPECT_NE(r.out.find("2 migrations of stream schema up to 20250201000000 marked applied"), std::string::npos)
	    << r.out;
	/* nothing ran: the existing tables and rows are untouched */
	EXPECT_EQ(Rows("customers"), 2);
	EXPECT_EQ(Rows("orders"), 2);
	EXPECT_EQ(HistoryOf("baseline"), 2);
	EXPECT_EQ(HistoryOf("apply"), 0);
	EXPECT_EQ(State("schema", "20250101000000"), "applied");
	EXPECT_EQ(State("schema", "20260101000000"), "pending");

	r = Cmd(kBaseline, {"--format", "json", "status"});
	ASSERT_EQ(r.exit_code, 0) << r.All();
	auto doc = nlohmann::json::parse(r.out);
	EXPECT_EQ(doc["streams"][0]["applied"], 2);
	EXPECT_EQ(doc["streams"][0]["pending"], 1);

	r = Cmd(kBaseline, {"deploy"});
	ASSERT_EQ(r.exit_code, 0) << r.All();
	EXPECT_TRUE(ColumnExists("orders", "total"));
	EXPECT_EQ(Rows("orders"), 2);
	EXPECT_EQ(HistoryOf("apply"), 1);

	r = Cmd(kBaseline, {"baseline", "20250201000000"});
	EXPECT_EQ(r.exit_code, 0) << r.All();
	EXPECT_NE(r.out.find("0 migrations"), std::string::npos) << r.out;
	EXPECT_EQ(HistoryOf("baseline"), 2);
	EXPECT_EQ(Cmd(kBaseline, {"validate"}).exit_code, 0);
}

} // namespace
