-- migrate.apply(): a migration's verify query fails it, by an error or by
-- returning false.
CREATE EXTENSION pg_migrate;
\set VERBOSITY terse

\set try_reports 'detail cancel'
\i test/sql/try.sql

-- A table with one row to verify against.
SELECT migrate.register('schema', '4', 'tasks', 'CREATE TABLE tasks (id bigint PRIMARY KEY);');
SELECT migrate.register('schema', '5', 'tasks_seed', 'INSERT INTO tasks VALUES (1);');
SELECT stream, version, name, outcome FROM migrate.apply();

-- A failing verify fails its migration: by error or by returning false.
SELECT migrate.register('schema', '6', 'verified', E'-- migrate:up\nALTER TABLE tasks ADD COLUMN title text;\n-- migrate:verify\nSELECT count(*) = 1 FROM information_schema.columns WHERE table_name = \'tasks\' AND column_name = \'title\';\n');
SELECT migrate.register('schema', '7', 'bad_verify', E'-- migrate:up\nALTER TABLE tasks ADD COLUMN done boolean;\n-- migrate:verify\nSELECT count(*) = 0 FROM tasks;\n');
SELECT stream, version, name, outcome FROM migrate.apply(on_error => 'record');
SELECT version, sqlstate, message, line FROM migrate.history WHERE status = 'failed' ORDER BY id DESC LIMIT 1;
SELECT count(*) AS title_column FROM information_schema.columns WHERE table_name = 'tasks' AND column_name = 'title';
SELECT migrate.register('schema', '7', 'bad_verify', E'-- migrate:up\nALTER TABLE tasks ADD COLUMN done boolean;\n-- migrate:verify\nSELECT done FROM tasks_typo;\n');
SELECT pg_temp.try('SELECT * FROM migrate.apply()');
SELECT migrate.register('schema', '7', 'bad_verify', E'-- migrate:up\nALTER TABLE tasks ADD COLUMN done boolean;\n-- migrate:verify\nSELECT done FROM tasks LIMIT 0;\n');
SELECT stream, version, name, outcome FROM migrate.apply();

DROP EXTENSION pg_migrate;
DROP SCHEMA migrate;
DROP TABLE tasks;
