-- migrate.apply(): a migration's settings (its lock-timeout directive, a SET
-- LOCAL of its own) and the caller's.
CREATE EXTENSION pg_migrate;
\set VERBOSITY terse

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

DROP EXTENSION pg_migrate;
DROP SCHEMA migrate;
DROP TABLE wm;
