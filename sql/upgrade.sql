-- Extension upgrades keep the history: install the first catalog version,
-- record some history, ALTER EXTENSION UPDATE, and look again.
CREATE EXTENSION pg_migrate VERSION '0.1.0';
\set VERBOSITY terse
SELECT extversion FROM pg_extension WHERE extname = 'pg_migrate';

SELECT migrate.register('schema', '1', 'widgets', E'CREATE TABLE widgets (id bigint PRIMARY KEY);\n-- migrate:down\nDROP TABLE widgets;');
SELECT migrate.register('schema', '2', 'broken', 'INSERT INTO nowhere VALUES (1);');
SELECT stream, version, outcome FROM migrate.apply(on_error => 'record');
SELECT id, stream, version, action, status FROM migrate.history ORDER BY id;

ALTER EXTENSION pg_migrate UPDATE;
SELECT extversion FROM pg_extension WHERE extname = 'pg_migrate';
SELECT migrate.version_sql() AS catalog, migrate.version() AS library;

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
