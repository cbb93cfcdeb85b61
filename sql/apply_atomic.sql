-- migrate.apply(): a batch is atomic, in the caller's transaction; target,
-- cancel and the rows up statements return.
CREATE EXTENSION pg_migrate;
\set VERBOSITY terse

\set try_reports 'detail cancel'
\i test/sql/try.sql

-- Five migrations; the third refers to a column that does not exist.
SELECT migrate.register('schema', '1', 'accounts', 'CREATE TABLE accounts (id bigint PRIMARY KEY, name text NOT NULL);');
SELECT migrate.register('schema', '2', 'seed_accounts', E'INSERT INTO accounts VALUES (1, \'acme\'), (2, \'globex\');');
SELECT migrate.register('schema', '3', 'projects', E'-- migrate:up\nCREATE TABLE projects (id bigint PRIMARY KEY, account_id bigint REFERENCES accounts);\nINSERT INTO projects SELECT id, id FROM accounts WHERE plan = \'pro\';\n');
SELECT migrate.register('schema', '4', 'tasks', 'CREATE TABLE tasks (id bigint PRIMARY KEY);');
SELECT migrate.register('schema', '5', 'tasks_seed', 'INSERT INTO tasks VALUES (1);');

-- on_error => 'raise': the error surfaces, nothing of the batch remains, not even history.
SELECT * FROM migrate.apply();
SELECT to_regclass('accounts') AS accounts, to_regclass('projects') AS projects, to_regclass('tasks') AS tasks;
SELECT version, state FROM migrate.status();
SELECT count(*) AS history_rows FROM migrate.history;

-- on_error => 'record': one failed row, the batch rolled back, the attempt kept in history.
SELECT stream, version, name, outcome FROM migrate.apply(on_error => 'record');
SELECT to_regclass('accounts') AS accounts, to_regclass('projects') AS projects, to_regclass('tasks') AS tasks;
SELECT version, state FROM migrate.status();
SELECT stream, version, name, action, status, sqlstate, message, statement, line FROM migrate.history;

-- The caller's transaction decides: ROLLBACK undoes an apply that succeeded.
SELECT migrate.register('schema', '3', 'projects', E'-- migrate:up\nCREATE TABLE projects (id bigint PRIMARY KEY, account_id bigint REFERENCES accounts);\nINSERT INTO projects SELECT id, id FROM accounts;\n');
BEGIN;
SELECT stream, version, name, outcome FROM migrate.apply();
SELECT count(*) AS projects_inside FROM projects;
ROLLBACK;
SELECT to_regclass('accounts') AS accounts, count(*) FILTER (WHERE state = 'applied') AS applied FROM migrate.status();

-- target stops at a version; the rest stays pending.
SELECT stream, version, name, outcome FROM migrate.apply(target => '2');
SELECT version, state FROM migrate.status();
SELECT stream, version, name, outcome FROM migrate.apply();
SELECT (SELECT count(*) FROM projects) AS projects, (SELECT count(*) FROM tasks) AS tasks;
SELECT version, action, status FROM migrate.history ORDER BY id;
-- Nothing left to do.
SELECT count(*) AS nothing FROM migrate.apply();

-- A cancel (here statement_timeout) is not recorded as a migration failure,
-- even with on_error => 'record': it ends the call, and the batch rolls back.
SELECT migrate.register('schema', '101', 'slow', E'CREATE TABLE slow (id int);\nSELECT pg_sleep(5);');
SET statement_timeout = '200ms';
SELECT pg_temp.try($$SELECT * FROM migrate.apply(on_error => 'record')$$);
RESET statement_timeout;
SELECT to_regclass('slow') AS slow, (SELECT state FROM migrate.migrations WHERE version = '101') AS state,
       (SELECT count(*) FROM migrate.history WHERE version = '101') AS history_rows;

-- Rows that up statements return are discarded, not collected in memory.
SELECT migrate.register('schema', '101', 'slow', E'CREATE TABLE slow (id int);\nSELECT g, repeat(\'x\', 100) FROM generate_series(1, 2000000) g;');
SELECT stream, version, outcome FROM migrate.apply();

DROP EXTENSION pg_migrate;
DROP SCHEMA migrate;
DROP TABLE slow, tasks, projects, accounts;
