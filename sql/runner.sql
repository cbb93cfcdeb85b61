-- The background runner: no-transaction migrations (CREATE INDEX CONCURRENTLY
-- and friends) queued by apply() and run after the caller commits.
CREATE EXTENSION pg_migrate;
\set VERBOSITY terse
\setenv PGDATABASE :DBNAME

\i test/sql/try.sql

CREATE TABLE events (id bigint PRIMARY KEY, kind text NOT NULL, at timestamptz NOT NULL DEFAULT now());
INSERT INTO events (id, kind) SELECT g, 'kind-' || (g % 50) FROM generate_series(1, 100000) g;
CREATE TABLE step_log (n serial, step text);

-- Statements that cannot run in a transaction are accepted when the migration says so.
SELECT migrate.register('index', '1', 'events_kind', E'-- migrate:no-transaction\nCREATE INDEX CONCURRENTLY IF NOT EXISTS events_kind_idx ON events (kind);\nVACUUM (ANALYZE) events;\n');
SELECT stream, version, outcome FROM migrate.apply();
\! test/wait_runner.sh
SELECT stream, version, state FROM migrate.status();
SELECT indisvalid FROM pg_index WHERE indexrelid = 'events_kind_idx'::regclass;
SELECT version, action, status, application_name, role = current_user AS by_me, finished_at IS NOT NULL AS finished
FROM migrate.history ORDER BY id;

-- A mixed plan [transactional, no-transaction, transactional] runs in order:
-- the prefix in the caller's transaction, the rest by the runner.
SELECT migrate.register('schema', '1', 'first', E'INSERT INTO step_log (step) VALUES (\'first\');');
SELECT migrate.register('schema', '2', 'concurrent', E'-- migrate:no-transaction\nCREATE INDEX CONCURRENTLY events_at_idx ON events (at);\nINSERT INTO step_log (step) VALUES (\'concurrent\');\n');
SELECT migrate.register('schema', '3', 'after', E'INSERT INTO step_log (step) VALUES (\'after\');');
SELECT stream, version, outcome FROM migrate.apply(stream => 'schema');
\! test/wait_runner.sh
SELECT n, step FROM step_log ORDER BY n;
SELECT stream, version, state FROM migrate.status('schema');

-- A job queued in a transaction that rolls back is gone, and no runner acts on it.
SELECT migrate.register('schema', '4', 'rolled_back', E'-- migrate:no-transaction\nINSERT INTO step_log (step) VALUES (\'never\');\n');
BEGIN;
SELECT stream, version, outcome FROM migrate.apply();
ROLLBACK;
SELECT pg_sleep(0.5);
SELECT version, state FROM migrate.status('schema') WHERE version = '4';
SELECT count(*) AS never FROM step_log WHERE step = 'never';
SELECT count(*) AS jobs_for_4 FROM migrate.runner_jobs WHERE version = '4';
DELETE FROM migrate.migrations WHERE stream = 'schema' AND version = '4';

-- A failed concurrent build: recorded with its SQLSTATE, the INVALID index named
-- by validate(), and the stream blocked (MG008) until retry.
INSERT INTO events (id, kind) VALUES (100001, 'dup'), (100002, 'dup');
SELECT migrate.register('index', '2', 'events_kind_unique', E'-- migrate:no-transaction\nINSERT INTO step_log (step) VALUES (\'before unique\');\nCREATE UNIQUE INDEX CONCURRENTLY events_kind_uniq ON events (kind) WHERE kind = \'dup\';\nINSERT INTO step_log (step) VALUES (\'after unique\');\n');
SELECT stream, version, outcome FROM migrate.apply();
\! test/wait_runner.sh
SELECT stream, version, state FROM migrate.status('index');
SELECT version, status, sqlstate, message, statement, line FROM migrate.history WHERE status = 'failed';
SELECT indisvalid FROM pg_index WHERE indexrelid = 'events_kind_uniq'::regclass;
SELECT severity, check_name, stream, version, message FROM migrate.validate() WHERE check_name <> 'drift';
SELECT migrate.register('index', '3', 'more', 'CREATE INDEX events_id_kind ON events (id, kind);');
SELECT pg_temp.try('SELECT * FROM migrate.apply()');
SELECT stream, version, outcome FROM migrate.apply(stream => 'schema');

-- retry(): drops the INVALID index, resumes at the failed statement (the
-- first INSERT does not run again), then the queue goes on.
DELETE FROM events WHERE id = 100002;
SELECT migrate.retry('index', '2');
\! test/wait_runner.sh
SELECT stream, version, state FROM migrate.status('index');
SELECT step, count(*) FROM step_log WHERE step LIKE '%unique' GROUP BY step ORDER BY step;
SELECT indisvalid FROM pg_index WHERE indexrelid = 'events_kind_uniq'::regclass;
SELECT stream, version, outcome FROM migrate.apply();
\! test/wait_runner.sh
SELECT * FROM migrate.validate() WHERE check_name <> 'drift';
SELECT pg_temp.try($$SELECT migrate.retry('index', '2')$$);

-- While the runner has work, a new plan is queued behind it, in order.
SELECT migrate.register('index', '4', 'slow', E'-- migrate:no-transaction\nSELECT pg_sleep(1);\nINSERT INTO step_log (step) VALUES (\'slow\');\n');
SELECT stream, version, outcome FROM migrate.apply();
SELECT migrate.register('schema', '5', 'behind', E'INSERT INTO step_log (step) VALUES (\'behind\');');
SELECT stream, version, outcome FROM migrate.apply();
\! test/wait_runner.sh
SELECT step FROM step_log WHERE step IN ('slow', 'behind') ORDER BY n;

-- A runner stopped mid-step (crash, restart, terminate) leaves the step
-- interrupted, not running forever; validate() reports it and retry() resumes.
SELECT pg_advisory_lock(4242);
SELECT migrate.register('index', '5', 'gated', E'-- migrate:no-transaction\nINSERT INTO step_log (step) VALUES (\'gated start\');\nSELECT pg_advisory_xact_lock(4242);\nINSERT INTO step_log (step) VALUES (\'gated done\');\n');
SELECT stream, version, outcome FROM migrate.apply();
\! test/wait_runner.sh running
SELECT stream, version, state, progress FROM migrate.status('index') WHERE version = '5';
SELECT count(*) AS terminated FROM (SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE backend_type = 'pg_migrate runner') t;
\! test/wait_runner.sh interrupted
SELECT stream, version, state FROM migrate.status('index') WHERE version = '5';
SELECT severity, check_name, stream, version FROM migrate.validate() WHERE check_name <> 'drift';
SELECT pg_temp.try('SELECT * FROM migrate.apply()');
SELECT pg_advisory_unlock(4242);
SELECT migrate.retry('index', '5');
\! test/wait_runner.sh
SELECT stream, version, state FROM migrate.status('index') WHERE version = '5';
SELECT step, count(*) FROM step_log WHERE step LIKE 'gated%' GROUP BY step ORDER BY step;
SELECT version, status, message FROM migrate.history WHERE stream = 'index' AND version = '5' ORDER BY id;

DROP EXTENSION pg_migrate;
DROP SCHEMA migrate;
DROP TABLE events, step_log;
