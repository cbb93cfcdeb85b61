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
