/*
 * pg_migrate install without the extension (managed mode): the catalog it
 * makes (the extension's own, compared object by object with a real
 * CREATE EXTENSION in another database), the automatic fallback, repeats and
 * upgrades of a managed catalog, its adoption by the extension once a
 * superuser may create it (every row kept), and a schema migrate that is no
 * pg_migrate catalog (refused, nothing changed).
 *
 * The database is owned by a NOSUPERUSER NOCREATEDB role (ClientTest's
 * Managed()), which may neither CREATE EXTENSION pg_migrate (superuser =
 * true in the control file) nor create event triggers, as on a managed
 * service; the client connects as that role unless a test says otherwise.
 */
#include "harness.hpp"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

using namespace pgmtest;
using json = nlohmann::json;

namespace {

bool
Has(const std::string &text, const std::string &part)
{
	return text.find(part) != std::string::npos;
}

/*
 * The catalog's shape in schema migrate, one line per column, index,
 * constraint, sequence and table comment, without managed_catalog (managed
 * mode's own table). No OIDs or owners: the two databases differ there.
 */
const char *const kShapeSql = R"sql(
SELECT line FROM (
  SELECT 'column ' || c.relname || '.' || a.attname || ' ' || pg_catalog.format_type(a.atttypid, a.atttypmod)
         || CASE WHEN a.attnotnull THEN ' not null' ELSE '' END
         || coalesce(' default ' || pg_catalog.pg_get_expr(d.adbin, d.adrelid), '')
         || coalesce(' collate ' || co.collname, '') || ' storage ' || a.attstorage::text AS line, c.relname AS t, a.attnum AS n
  FROM pg_catalog.pg_class c
  JOIN pg_catalog.pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
  LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = c.oid AND d.adnum = a.attnum
  LEFT JOIN pg_catalog.pg_collation co ON co.oid = a.attcollation AND co.collname <> 'default'
  WHERE c.relnamespace = 'migrate'::regnamespace AND c.relkind IN ('r', 'p') AND c.relname <> 'managed_catalog'
  UNION ALL
  SELECT 'index ' || indexname || ': ' || indexdef, '~index', 0 FROM pg_catalog.pg_indexes
  WHERE schemaname = 'migrate' AND tablename <> 'managed_catalog'
  UNION ALL
  SELECT 'constraint ' || conrelid::regclass || ' ' || conname || ': ' || pg_catalog.pg_get_constraintdef(oid),
         '~constraint', 0
  FROM pg_catalog.pg_constraint
  WHERE connamespace = 'migrate'::regnamespace AND conrelid::regclass::text <> 'migrate.managed_catalog'
  UNION ALL
  SELECT 'sequence ' || s.relname || ' owned by ' || coalesce(t.relname || '.' || a.attname, '-'), '~sequence', 0
  FROM pg_catalog.pg_class s
  LEFT JOIN pg_catalog.pg_depend dep ON dep.objid = s.oid AND dep.classid = 'pg_class'::regclass AND dep.deptype = 'a'
  LEFT JOIN pg_catalog.pg_class t ON t.oid = dep.refobjid
  LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = dep.refobjid AND a.attnum = dep.refobjsubid
  WHERE s.relnamespace = 'migrate'::regnamespace AND s.relkind = 'S'
  UNION ALL
  SELECT 'comment ' || c.relname || ': ' || d.description, '~comment', 0
  FROM pg_catalog.pg_class c JOIN pg_catalog.pg_description d ON d.objoid = c.oid AND d.objsubid = 0
       AND d.classoid = 'pg_class'::regclass
  WHERE c.relnamespace = 'migrate'::regnamespace AND c.relname <> 'managed_catalog'
) s ORDER BY t, n, line COLLATE "C"
)sql";

/*
 * Every function of schema migrate with its language and a digest of its
 * definition; status(), which managed mode hosts in SQL, is compared apart.
 */
const char *const kFunctionsSql =
    "SELECT p.oid::regprocedure::text || ' ' || l.lanname || ' ' || "
    "pg_catalog.md5(pg_catalog.pg_get_functiondef(p.oid)) "
    "FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_language l ON l.oid = p.prolang "
    "WHERE p.pronamespace = 'migrate'::regnamespace AND l.lanname NOT IN ('c', 'internal') "
    "AND p.oid <> 'migrate.status(text)'::regprocedure ORDER BY 1";

/* status()'s signature, result columns, volatility and comment: the extension's, whatever its language. */
const char *const kStatusSql = "SELECT p.oid::regprocedure::text, pg_catalog.pg_get_function_arguments(p.oid), "
                               "pg_catalog.pg_get_function_result(p.oid), p.provolatile::text, "
                               "pg_catalog.obj_description(p.oid, 'pg_proc') FROM pg_catalog.pg_proc p "
                               "WHERE p.oid = 'migrate.status(text)'::regprocedure";

/* The catalog tables both modes have, in the order their rows may be copied. */
const char *const kCatalogTables[] = {"streams",       "migrations", "history",     "runner_jobs",
                                      "compatibility", "drift_log",  "schema_state"};

class ManagedInstallContract : public ClientTest {
protected:
	bool
	Managed() const override
	{
		return true;
	}
	/* no catalog yet: each test installs it */
	bool
	WithExtension() const override
	{
		return false;
	}
	void
	SetUp() override
	{
		ClientTest::SetUp();
		/* checks read as the cluster's superuser: the adopted tables belong to the one who created the extension */
		check_ = std::make_unique<Db>("dbname=" + db_name_);
	}
	void
	TearDown() override
	{
		check_.reset();
		if (!extension_db_.empty()) {
			Db admin("");
			admin.Query("DROP DATABASE IF EXISTS " + extension_db_ + " WITH (FORCE)");
		}
		ClientTest::TearDown();
	}

	/* A second database where a superuser ran CREATE EXTENSION pg_migrate: the catalog to compare with. */
	Db &
	ExtensionDb()
	{
		if (!extension_) {
			extension_db_ = db_name_ + "_ext";
			Db admin("");
			admin.Query("CREATE DATABASE " + extension_db_);
			extension_ = std::make_unique<Db>("dbname=" + extension_db_);
			extension_->Query("CREATE EXTENSION pg_migrate");
		}
		return *extension_;
	}

	/* pg_migrate ... as the cluster's superuser (who may create the extension) */
	RunResult
	RunAsSuperuser(const std::vector<std::string> &args)
	{
		std::vector<std::string> full = {"--db", "dbname=" + db_name_};
		full.insert(full.end(), args.begin(), args.end());
		return RunClient(full, {}, tmp_.Path());
	}

	std::vector<Row>
	Shape(Db &db)
	{
		return db.Query(kShapeSql);
	}

	/* Every row of every catalog table, as jsonb text (keyed by column name, so column order does not matter). */
	std::vector<Row>
	AllRows(Db &db)
	{
		std::vector<Row> rows;
		for (const char *table : kCatalogTables) {
			std::string sql = std::string("SELECT '") + table + " ' || pg_catalog.to_jsonb(t)::text FROM migrate." +
			                  table + " t ORDER BY 1";
			for (Row &row : db.Query(sql))
				rows.push_back(std::move(row));
		}
		return rows;
	}

	/* A few applied migrations, a failed attempt and a stream of its own, deployed in managed mode. */
	void
	DeploySomething()
	{
		WriteMigration("20260101000001_accounts.sql",
		               "CREATE TABLE accounts (id bigint PRIMARY KEY, email text NOT NULL);\n"
		               "-- migrate:down\nDROP TABLE accounts;\n");
		WriteMigration("20260101000002_plans.sql", "CREATE TABLE plans (id int);\n");
		WriteMigration("20260101000001_seed.sql", "INSERT INTO accounts VALUES (1, 'a@example.com');\n", "data");
		ASSERT_EQ(Run({"--dir", "migrations", "--dir", "data=data", "deploy"}).exit_code, 0);
		/* recorded as failed (deploy's on_error => record), the batch rolled back */
		WriteMigration("20260101000003_broken.sql", "INSERT INTO plans VALUES ('not a number');\n");
		ASSERT_EQ(Run({"--dir", "migrations", "--dir", "data=data", "deploy"}).exit_code, 1);
		/* rows a DBA writes by hand: the compatibility matrix */
		Db owner(conninfo_);
		owner.Query("INSERT INTO migrate.compatibility VALUES ('1.0.0', 'api', '2.0.0', '2.9.9')");
		ASSERT_GE(HistoryRows(), 4);
	}

	std::unique_ptr<Db> check_;
	std::string extension_db_;
	std::unique_ptr<Db> extension_;
};

TEST_F(ManagedInstallContract, NoExtensionMakesTheExtensionsCatalog)
{
	RunResult r = Run({"install", "--no-extension"});
	ASSERT_EQ(r.exit_code, 0) << r.All();
	EXPECT_TRUE(Has(r.out, "pg_migrate catalog " PG_MIGRATE_VERSION " installed in database " + db_name_ +
	                           " without the extension (managed mode)"))
	    << r.All();

	/* no extension, no event trigger, no C function; one row says which catalog it is */
	EXPECT_EQ(check_->Count("SELECT count(*) FROM pg_extension WHERE extname = 'pg_migrate'"), 0);
	EXPECT_EQ(check_->Count("SELECT count(*) FROM pg_event_trigger"), 0);
	EXPECT_EQ(check_->Count("SELECT count(*) FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang "
	                        "WHERE p.pronamespace = 'migrate'::regnamespace AND l.lanname IN ('c', 'internal')"),
	          0);
	EXPECT_EQ(check_->Query("SELECT version FROM migrate.managed_catalog"), std::vector<Row>{{PG_MIGRATE_VERSION}});
	EXPECT_EQ(check_->Count("SELECT count(*) FROM information_schema.columns WHERE table_schema = 'migrate' "
	                        "AND table_name = 'managed_catalog' AND column_name IN ('version', 'installed_at')"),
	          2);

	/* made by the connecting role, not a superuser */
	EXPECT_EQ(check_->Count("SELECT count(*) FROM pg_class WHERE relnamespace = 'migrate'::regnamespace "
	                        "AND relowner <> $1::regrole",
	                        {owner_}),
	          0);

	/* the extension's tables, columns, defaults, indexes, constraints, sequences and comments, exactly */
	Db &ext = ExtensionDb();
	std::vector<Row> managed_shape = Shape(*check_), extension_shape = Shape(ext);
	EXPECT_GT(extension_shape.size(), 60u);
	EXPECT_EQ(managed_shape, extension_shape);
	/* the built-in streams the script inserts */
	EXPECT_EQ(check_->Query("SELECT name, position::text, description FROM migrate.streams ORDER BY name"),
	          ext.Query("SELECT name, position::text, description FROM migrate.streams ORDER BY name"));

	/* the SQL-language functions (describe, fingerprint, schema_diff, version_sql), with the same definitions */
	std::vector<Row> functions = check_->Query(kFunctionsSql);
	EXPECT_EQ(functions, ext.Query(kFunctionsSql));
	EXPECT_GE(functions.size(), 4u);
	Db owner(conninfo_);
	EXPECT_EQ(owner.Scalar("SELECT migrate.version_sql()"), PG_MIGRATE_VERSION);
	EXPECT_EQ(owner.Scalar("SELECT length(migrate.fingerprint())::text"), "64");

	/* migrate.status() for psql: the extension's declaration, in SQL */
	EXPECT_EQ(check_->Query(kStatusSql), ext.Query(kStatusSql));
	EXPECT_EQ(check_->Scalar("SELECT l.lanname FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_language l "
	                         "ON l.oid = p.prolang WHERE p.oid = 'migrate.status(text)'::regprocedure"),
	          "sql");
	WriteMigration("0001_plans.sql", "CREATE TABLE plans (id int);\n");
	ASSERT_EQ(Run({"deploy"}).exit_code, 0);
	EXPECT_EQ(owner.Query("SELECT stream, version, name, state FROM migrate.status()"),
	          (std::vector<Row>{{"schema", "0001", "plans", "applied"}}));
}

TEST_F(ManagedInstallContract, PlainInstallFallsBackWhenTheRoleMayNotCreateTheExtension)
{
	RunResult r = Run({"--format", "json", "install"});
	ASSERT_EQ(r.exit_code, 0) << r.All();
	/* said on stderr, the JSON document stays one document */
	EXPECT_TRUE(Has(r.err, "may not create the pg_migrate extension")) << r.err;
	EXPECT_TRUE(Has(r.err, "managed mode")) << r.err;
	json doc = ParseStdout(r);
	EXPECT_TRUE(doc["extension_version"].is_null()) << doc.dump(2);
	EXPECT_EQ(doc["catalog_version"], PG_MIGRATE_VERSION) << doc.dump(2);
	EXPECT_EQ(doc["mode"], "managed") << doc.dump(2);
	EXPECT_EQ(doc["database"], db_name_) << doc.dump(2);
	EXPECT_EQ(check_->Scalar("SELECT version FROM migrate.managed_catalog"), PG_MIGRATE_VERSION);
	EXPECT_EQ(check_->Count("SELECT count(*) FROM pg_extension WHERE extname = 'pg_migrate'"), 0);
	/* the fallback leaves no half-made extension state behind */
	EXPECT_EQ(check_->Count("SELECT count(*) FROM pg_namespace WHERE nspname LIKE 'migrate_%'"), 0);
}

TEST_F(ManagedInstallContract, InstallingAgainChangesNothing)
{
	ASSERT_EQ(Run({"install", "--no-extension"}).exit_code, 0);
	const std::string kState =
	    "SELECT (SELECT string_agg(c.oid::text || c.relname, ',' ORDER BY c.oid) FROM pg_class c "
	    "WHERE c.relnamespace = 'migrate'::regnamespace) || '|' || "
	    "(SELECT string_agg(m.xmin::text || m.version || m.installed_at::text, ',') FROM migrate.managed_catalog m)";
	std::string before = check_->Scalar(kState);
	ASSERT_FALSE(before.empty());

	RunResult r = Run({"--format", "json", "install", "--no-extension"});
	ASSERT_EQ(r.exit_code, 0) << r.All();
	json doc = ParseStdout(r);
	EXPECT_TRUE(doc["extension_version"].is_null()) << doc.dump(2);
	EXPECT_EQ(doc["catalog_version"], PG_MIGRATE_VERSION);
	EXPECT_EQ(doc["mode"], "managed");
	EXPECT_EQ(doc["database"], db_name_);
	/* plain install on the managed service: the same */
	r = Run({"install"});
	ASSERT_EQ(r.exit_code, 0) << r.All();
	EXPECT_TRUE(Has(r.out, "without the extension (managed mode)")) << r.All();

	EXPECT_EQ(check_->Scalar(kState), before);
	EXPECT_EQ(check_->Count("SELECT count(*) FROM migrate.managed_catalog"), 1);
}

TEST_F(ManagedInstallContract, ConcurrentInstallsMakeOneCatalog)
{
	constexpr int kClients = 6;
	std::vector<RunResult> results(kClients);
	std::vector<std::thread> threads;
	std::atomic<int> ready{0};
	for (int i = 0; i < kClients; i++)
		threads.emplace_back([&, i] {
			ready++;
			while (ready < kClients)
				std::this_thread::yield();
			/* the explicit flag and the automatic fallback, mixed */
			results[i] = i % 2 == 0 ? Run({"install", "--no-extension"}) : Run({"install"});
		});
	for (std::thread &t : threads)
		t.join();
	for (int i = 0; i < kClients; i++)
		EXPECT_EQ(results[i].exit_code, 0) << i << ": " << results[i].All();
	EXPECT_EQ(check_->Count("SELECT count(*) FROM migrate.managed_catalog"), 1);
}

/*
 * An older managed catalog: the current one taken back to 0.1.3 by undoing
 * what managed mode runs of the 0.1.3 → 0.1.7 scripts (0.1.8 replaces describe() only) (the fingerprint
 * column, schema_state, describe() and the functions on it, the renamed
 * index, the storage settings, version_sql()). install runs those scripts
 * again, over the rows, and the catalog is the extension's once more.
 */
/*
 * The statement filter (client/engine/managed_catalog.cpp) reads the scripts
 * already installed too: migrate.lint, in C since 0.1.0, is what 0.1.4--0.1.5
 * renames, so that rename is left out as well.
 */
TEST_F(ManagedInstallContract, InstallBringsAnOlderManagedCatalogUpToDate)
{
	ASSERT_EQ(Run({"install", "--no-extension"}).exit_code, 0);
	DeploySomething();
	Db owner(conninfo_);
	owner.Script(R"sql(
DROP FUNCTION migrate.schema_diff();
DROP FUNCTION migrate.fingerprint(text[]);
DROP FUNCTION migrate.describe(text[]);
DROP TABLE migrate.schema_state;
ALTER TABLE migrate.history DROP COLUMN fingerprint;
ALTER TABLE migrate.history DROP CONSTRAINT history_action_check;
ALTER TABLE migrate.history ADD CONSTRAINT history_action_check
    CHECK (action IN ('apply', 'rollback', 'resolve', 'baseline', 'repair'));
ALTER INDEX migrate.migrations_by_stream_version_key RENAME TO migrations_stream_version_key_key;
ALTER TABLE migrate.migrations ALTER COLUMN script SET STORAGE EXTENDED, ALTER COLUMN up_sql SET STORAGE EXTENDED,
    ALTER COLUMN down_sql SET STORAGE EXTENDED, ALTER COLUMN verify_sql SET STORAGE EXTENDED;
CREATE OR REPLACE FUNCTION migrate.version_sql() RETURNS text LANGUAGE sql IMMUTABLE
    SET search_path = pg_catalog, pg_temp AS $$ SELECT '0.1.3'::text $$;
UPDATE migrate.managed_catalog SET version = '0.1.3';
)sql");
	const std::string kMigrations = "SELECT stream, version, name, checksum, state, author::text, applied_seq::text "
	                                "FROM migrate.migrations ORDER BY stream, version";
	const std::string kHistory =
	    "SELECT id::text, stream, version, action, status, sqlstate, line::text FROM migrate.history ORDER BY id";
	std::vector<Row> migrations = check_->Query(kMigrations), history = check_->Query(kHistory);
	ASSERT_NE(Shape(*check_), Shape(ExtensionDb()));

	RunResult r = Run({"--format", "json", "install", "--no-extension"});
	ASSERT_EQ(r.exit_code, 0) << r.All();
	EXPECT_TRUE(Has(r.err, "0.1.3")) << r.err; /* says what it updated from */
	json doc = ParseStdout(r);
	EXPECT_EQ(doc["catalog_version"], PG_MIGRATE_VERSION) << doc.dump(2);
	EXPECT_EQ(check_->Query("SELECT version FROM migrate.managed_catalog"), std::vector<Row>{{PG_MIGRATE_VERSION}});
	EXPECT_EQ(owner.Scalar("SELECT migrate.version_sql()"), PG_MIGRATE_VERSION);
	EXPECT_EQ(Shape(*check_), Shape(ExtensionDb()));
	EXPECT_EQ(check_->Query(kFunctionsSql), ExtensionDb().Query(kFunctionsSql));
	EXPECT_EQ(check_->Query(kStatusSql), ExtensionDb().Query(kStatusSql));
	EXPECT_EQ(check_->Query(kMigrations), migrations);
	EXPECT_EQ(check_->Query(kHistory), history);

	/* and it deploys on */
	WriteMigration("20260101000003_broken.sql", "INSERT INTO plans VALUES (3);\n");
	r = Run({"--dir", "migrations", "--dir", "data=data", "deploy"});
	EXPECT_EQ(r.exit_code, 0) << r.All();
}

TEST_F(ManagedInstallContract, AManagedCatalogNewerThanTheClientIsRefused)
{
	ASSERT_EQ(Run({"install", "--no-extension"}).exit_code, 0);
	check_->Query("UPDATE migrate.managed_catalog SET version = '9.9.9'");
	RunResult r = Run({"install", "--no-extension"});
	EXPECT_EQ(r.exit_code, 3) << r.All();
	EXPECT_TRUE(Has(r.err, "9.9.9")) << r.err;
	EXPECT_EQ(check_->Scalar("SELECT version FROM migrate.managed_catalog"), "9.9.9");
}

TEST_F(ManagedInstallContract, TheExtensionAdoptsTheManagedCatalogWithEveryRow)
{
	ASSERT_EQ(Run({"install", "--no-extension"}).exit_code, 0);
	DeploySomething();
	std::vector<Row> rows = AllRows(*check_);
	long migrations = check_->Count("SELECT count(*) FROM migrate.migrations"),
	     history = check_->Count("SELECT count(*) FROM migrate.history");
	long max_history_id = check_->Count("SELECT max(id) FROM migrate.history");

	/* the server allows the extension to this role: install takes the catalog over */
	RunResult r = RunAsSuperuser({"install"});
	ASSERT_EQ(r.exit_code, 0) << r.All();
	EXPECT_TRUE(Has(r.All(), "adopted the managed catalog (" + std::to_string(migrations) + " migrations, " +
	                             std::to_string(history) + " history rows) into the extension"))
	    << r.All();
	EXPECT_TRUE(Has(r.out, "pg_migrate " PG_MIGRATE_VERSION " is installed in database " + db_name_)) << r.out;

	EXPECT_EQ(check_->Scalar("SELECT extversion FROM pg_extension WHERE extname = 'pg_migrate'"), PG_MIGRATE_VERSION);
	EXPECT_FALSE(check_->TableExists("migrate.managed_catalog"));
	EXPECT_EQ(check_->Count("SELECT count(*) FROM pg_namespace WHERE nspname LIKE 'migrate_%'"), 0);
	/* the same rows, now in the extension's tables, which pg_dump carries (pg_extension_config_dump) */
	EXPECT_EQ(AllRows(*check_), rows);
	for (const char *table : {"migrations", "history", "compatibility"})
		EXPECT_EQ(check_->Count("SELECT count(*) FROM pg_extension e, unnest(e.extconfig) c "
		                        "WHERE e.extname = 'pg_migrate' AND c = $1::regclass",
		                        {std::string("migrate.") + table}),
		          1)
		    << table;
	EXPECT_EQ(check_->Count("SELECT count(*) FROM pg_depend WHERE refclassid = 'pg_extension'::regclass "
	                        "AND objid = 'migrate.history'::regclass AND deptype = 'e'"),
	          1);
	/* the adoption's own DDL is not drift */
	EXPECT_EQ(check_->Count("SELECT count(*) FROM migrate.drift_log"), 0);
	EXPECT_EQ(Shape(*check_), Shape(ExtensionDb()));

	/* the extension's functions read the adopted history, and new ids go on after the copied ones */
	EXPECT_EQ(check_->Count("SELECT count(*) FROM migrate.status() WHERE state = 'applied'"), 3);
	WriteMigration("20260101000003_broken.sql", "INSERT INTO plans VALUES (3);\n");
	r = RunAsSuperuser({"--dir", "migrations", "--dir", "data=data", "deploy"});
	ASSERT_EQ(r.exit_code, 0) << r.All();
	EXPECT_GT(check_->Count("SELECT min(id) FROM migrate.history WHERE id > $1", {std::to_string(max_history_id)}),
	          max_history_id);
	EXPECT_EQ(check_->Count("SELECT count(*) FROM migrate.history WHERE id <= $1", {std::to_string(max_history_id)}),
	          history);

	/* installing again is the plain extension update */
	r = RunAsSuperuser({"install"});
	EXPECT_EQ(r.exit_code, 0) << r.All();
	EXPECT_FALSE(Has(r.All(), "adopted")) << r.All();
}

/*
 * install decides "managed catalog here" under the install lock
 * (client/commands/install.cpp): the second of two adoptions finds the
 * extension there and has nothing to adopt.
 */
TEST_F(ManagedInstallContract, TwoAdoptionsAtOnceAdoptOnce)
{
	ASSERT_EQ(Run({"install", "--no-extension"}).exit_code, 0);
	DeploySomething();
	std::vector<Row> rows = AllRows(*check_);
	RunResult results[2];
	std::thread other([&] { results[1] = RunAsSuperuser({"install"}); });
	results[0] = RunAsSuperuser({"install"});
	other.join();
	EXPECT_EQ(results[0].exit_code, 0) << results[0].All();
	EXPECT_EQ(results[1].exit_code, 0) << results[1].All();
	EXPECT_NE(Has(results[0].All(), "adopted the managed catalog"),
	          Has(results[1].All(), "adopted the managed catalog"))
	    << results[0].All() << "\n"
	    << results[1].All();
	EXPECT_EQ(AllRows(*check_), rows);
	EXPECT_EQ(check_->Count("SELECT count(*) FROM pg_namespace WHERE nspname LIKE 'migrate%'"), 1);
}

TEST_F(ManagedInstallContract, AnotherSchemaNamedMigrateIsRefusedAndKept)
{
	Db owner(conninfo_);
	owner.Script(
	    "CREATE SCHEMA migrate; CREATE TABLE migrate.invoices (id int); INSERT INTO migrate.invoices VALUES (7);");
	const std::string kContents = "SELECT string_agg(relname, ',' ORDER BY relname) FROM pg_class "
	                              "WHERE relnamespace = 'migrate'::regnamespace";
	std::string before = check_->Scalar(kContents);
	for (const std::vector<std::string> &args : std::vector<std::vector<std::string>>{
	         {"install", "--no-extension"}, {"install"}, {"--format", "json", "install", "--no-extension"}}) {
		RunResult r = Run(args);
		EXPECT_EQ(r.exit_code, 3) << r.All();
		EXPECT_TRUE(Has(r.err, "schema migrate exists")) << r.err;
		EXPECT_TRUE(Has(r.err, "no pg_migrate catalog")) << r.err;
		EXPECT_TRUE(Has(r.err, "nothing was changed")) << r.err;
	}
	EXPECT_EQ(check_->Scalar(kContents), before);
	EXPECT_EQ(check_->Scalar("SELECT id::text FROM migrate.invoices"), "7");
	EXPECT_EQ(check_->Count("SELECT count(*) FROM pg_extension WHERE extname = 'pg_migrate'"), 0);
}

/*
 * On a database with the extension, install --no-extension says the
 * extension is there and changes nothing; it must never advise to rename or
 * drop schema migrate, the extension's catalog, history and all.
 */
TEST_F(ManagedInstallContract, NoExtensionWhereTheExtensionIsInstalledSaysSo)
{
	check_->Query("CREATE EXTENSION pg_migrate");
	RunResult r = RunAsSuperuser({"install", "--no-extension"});
	EXPECT_FALSE(Has(r.err, "holds no pg_migrate catalog")) << r.All();
	EXPECT_FALSE(Has(r.err, "drop it")) << r.All();
	EXPECT_TRUE(Has(r.All(), "extension")) << r.All();
	EXPECT_FALSE(check_->TableExists("migrate.managed_catalog"));
	EXPECT_EQ(check_->Scalar("SELECT extversion FROM pg_extension WHERE extname = 'pg_migrate'"), PG_MIGRATE_VERSION);
}

} // namespace
