-- Extension upgrades keep the history: install the first catalog version,
-- record some history, ALTER EXTENSION UPDATE, and look again.
CREATE EXTENSION pg_migrate VERSION '0.1.0';
\set VERBOSITY terse
SELECT extversion FROM pg_extension WHERE extname = 'pg_migrate';

SELECT migrate.register('schema', '1', 'widgets', E'CREATE TABLE widgets (id bigint PRIMARY KEY);\n-- migrate:down\nDROP TABLE widgets;');
SELECT migrate.register('schema', '2', 'broken', 'INSERT INTO nowhere VALUES (1);');
SELECT stream, version, outcome FROM migrate.apply(on_error => 'record');
SELECT id, stream, version, action, status FROM migrate.history ORDER BY id;

-- The new library with the old catalog: lint() has the six columns it was declared with.
CREATE TABLE upgrade_rows (id bigint);
INSERT INTO upgrade_rows VALUES (1);
SELECT * FROM migrate.lint('DROP TABLE upgrade_rows;');
CREATE ROLE upgrade_linter;
GRANT EXECUTE ON FUNCTION migrate.lint(text) TO upgrade_linter;
CREATE ROLE upgrade_uploader;
GRANT EXECUTE ON FUNCTION migrate.register(text, text, text, text, text) TO upgrade_uploader;

ALTER EXTENSION pg_migrate UPDATE;
SELECT extversion FROM pg_extension WHERE extname = 'pg_migrate';
SELECT migrate.version_sql() AS catalog, migrate.version() AS library;

-- 0.1.5: lint() adds allowed and blocks_here at the end, and keeps who may call it.
SELECT statement, line, rule, severity, lock_mode, allowed, blocks_here FROM migrate.lint('DROP TABLE upgrade_rows;');
SELECT has_function_privilege('upgrade_linter', 'migrate.lint(text)', 'EXECUTE') AS linter_may_lint,
       has_function_privilege('public', 'migrate.lint(text)', 'EXECUTE') AS public_may_lint;
REVOKE EXECUTE ON FUNCTION migrate.lint(text) FROM upgrade_linter;
DROP OWNED BY upgrade_linter;
DROP ROLE upgrade_linter;
DROP TABLE upgrade_rows;

-- 0.1.7: register_many() may be called by whoever may call register(), and by nobody else.
SELECT has_function_privilege('upgrade_uploader', 'migrate.register_many(text[], text[], text[], text[], text[])',
                              'EXECUTE') AS uploader_may_register_many,
       has_function_privilege('public', 'migrate.register_many(text[], text[], text[], text[], text[])',
                              'EXECUTE') AS public_may_register_many;
SELECT * FROM migrate.register_many(ARRAY['schema'], ARRAY['1'], ARRAY['widgets'],
    ARRAY[E'CREATE TABLE widgets (id bigint PRIMARY KEY);\n-- migrate:down\nDROP TABLE widgets;']);
DROP OWNED BY upgrade_uploader;
DROP ROLE upgrade_uploader;

-- 0.1.8: describe() keeps its rows and who may call it; its plan is kept for the session (PL/pgSQL).
SELECT l.lanname, has_function_privilege('public', 'migrate.describe(text[])', 'EXECUTE') AS public_may_describe
FROM pg_proc p JOIN pg_language l ON l.oid = p.prolang WHERE p.oid = 'migrate.describe(text[])'::regprocedure;
-- 0.1.8: migration text is lz4-compressed where the server has lz4, else stored as written.
SELECT count(*) AS text_columns,
       bool_and(CASE a.attcompression WHEN 'l' THEN a.attstorage = 'x' ELSE a.attstorage = 'e' END) AS stored_as_designed
FROM pg_attribute a WHERE a.attrelid = 'migrate.migrations'::regclass
  AND a.attname IN ('script', 'up_sql', 'down_sql', 'verify_sql');

-- Same rows, and the catalog works on: the next history id follows on.
SELECT id, stream, version, action, status FROM migrate.history ORDER BY id;
SELECT migrate.register('schema', '2', 'broken', E'CREATE TABLE gadgets (id bigint PRIMARY KEY);\n-- migrate:down\nDROP TABLE gadgets;');
SELECT stream, version, outcome FROM migrate.apply();
SELECT stream, version, outcome FROM migrate.rollback();
SELECT id, stream, version, action, status FROM migrate.history ORDER BY id;
SELECT indexrelid::regclass FROM pg_index WHERE indrelid = 'migrate.history'::regclass ORDER BY 1;
-- 0.1.2: validate() reads the open migrations through their own partial index.
SELECT indexrelid::regclass FROM pg_index WHERE indrelid = 'migrate.migrations'::regclass ORDER BY 1;

DROP EXTENSION pg_migrate;
DROP SCHEMA migrate;
DROP TABLE widgets;

-- 0.1.7 → 0.1.8 describes a schema exactly as before: fingerprints recorded by 0.1.7 stay valid.
CREATE EXTENSION pg_migrate VERSION '0.1.7';
CREATE TYPE described_mood AS ENUM ('sad', 'ok');
CREATE TABLE described (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name text COLLATE "C" NOT NULL DEFAULT 'x',
                        mood described_mood DEFAULT 'ok', at timestamptz DEFAULT now(), total numeric(10,2) CHECK (total >= 0));
CREATE INDEX described_name_idx ON described (name) WHERE total > 0;
CREATE VIEW described_view AS SELECT id, name FROM described;
COMMENT ON COLUMN described.name IS 'a name';
CREATE TEMP TABLE described_before AS SELECT * FROM migrate.describe();
SELECT migrate.fingerprint() AS fingerprint_before \gset
ALTER EXTENSION pg_migrate UPDATE TO '0.1.8';
SELECT count(*) AS rows_described, migrate.fingerprint() = :'fingerprint_before' AS same_fingerprint FROM described_before;
SELECT count(*) AS differing_rows FROM (
    (SELECT * FROM described_before EXCEPT SELECT * FROM migrate.describe())
    UNION ALL (SELECT * FROM migrate.describe() EXCEPT SELECT * FROM described_before)) d;
DROP VIEW described_view;
DROP TABLE described;
DROP TYPE described_mood;
DROP EXTENSION pg_migrate;
DROP SCHEMA migrate;
