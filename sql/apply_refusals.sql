-- migrate.apply(): what it refuses before anything runs (bad arguments,
-- MG006 out-of-order versions, MG007 unmet requires).
CREATE EXTENSION pg_migrate;
\set VERBOSITY terse

\set try_reports 'detail cancel'
\i test/sql/try.sql

SELECT migrate.register('schema', '1', 'tasks', 'CREATE TABLE tasks (id bigint PRIMARY KEY);');
SELECT stream, version, name, outcome FROM migrate.apply();

-- Refusals before anything runs.
SELECT pg_temp.try($$SELECT * FROM migrate.apply(stream => 'nope')$$);
SELECT pg_temp.try($$SELECT * FROM migrate.apply(on_error => 'ignore')$$);
SELECT pg_temp.try($$SELECT * FROM migrate.apply(target => 'latest')$$);
-- MG006: a pending version below the newest applied one.
SELECT migrate.register('schema', '0.5', 'late', 'CREATE TABLE late (id int);');
SELECT pg_temp.try('SELECT * FROM migrate.apply()');
SELECT migrate.register('schema', '0.5', 'late', E'-- migrate:out-of-order\nCREATE TABLE late (id int);');
SELECT stream, version, outcome FROM migrate.apply();
-- MG007: unmet requires.
SELECT migrate.register('data', '1', 'needs_future', E'-- migrate:requires schema:100\nINSERT INTO tasks VALUES (2);');
SELECT pg_temp.try('SELECT * FROM migrate.apply()');
SELECT migrate.register('schema', '100', 'future', 'CREATE TABLE future (id int);');
SELECT stream, version, outcome FROM migrate.apply();

DROP EXTENSION pg_migrate;
DROP SCHEMA migrate;
DROP TABLE tasks, late, future;
