-- migrate.apply(): a batch is atomic, in the caller's transaction.
CREATE EXTENSION pg_migrate;
\set VERBOSITY terse

CREATE FUNCTION pg_temp.try(sql text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    state text; msg text; det text;
BEGIN
    EXECUTE sql;
    RETURN 'ok';
EXCEPTION WHEN OTHERS OR query_canceled THEN
    GET STACKED DIAGNOSTICS state = RETURNED_SQLSTATE, msg = MESSAGE_TEXT, det = PG_EXCEPTION_DETAIL;
    RETURN state || ': ' || msg || coalesce(E'\n  detail: ' || nullif(det, ''), '');
END $$;

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

-- The lock-timeout directive holds for its own migration only; the batch runs
-- in one transaction, so SET LOCAL lasts to its end, exactly as with psql -1.
SELECT migrate.register('schema', '8', 'local_setting', E'-- migrate:lock-timeout 1234ms\nCREATE TABLE wm AS SELECT current_setting(\'lock_timeout\') AS lock_timeout, current_setting(\'work_mem\') AS work_mem;\nSET LOCAL work_mem = \'77MB\';\n');
SELECT migrate.register('schema', '9', 'after_setting', E'INSERT INTO wm SELECT current_setting(\'lock_timeout\'), current_setting(\'work_mem\');\n');
SET lock_timeout = 0;
SET work_mem = '4MB';
BEGIN;
SELECT stream, version, outcome FROM migrate.apply();
SELECT lock_timeout, work_mem FROM wm;
SELECT current_setting('lock_timeout') AS lock_timeout, current_setting('work_mem') AS work_mem;
COMMIT;
SELECT current_setting('lock_timeout') AS lock_timeout, current_setting('work_mem') AS work_mem;
RESET lock_timeout;
RESET work_mem;

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
DROP TABLE slow, tasks, projects, accounts, wm, late, future;
