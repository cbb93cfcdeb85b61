-- Statements a migration cannot run as it stands are refused at
-- registration (MG003), naming the statement, before anything is stored;
-- settings are checked when set; a migration cannot change the role it runs
-- as, even from inside a function.
CREATE EXTENSION pg_migrate;
\set VERBOSITY terse
\i test/sql/try.sql
CREATE FUNCTION pg_temp.reg(script text) RETURNS text LANGUAGE sql AS $$
    SELECT pg_temp.try(format('SELECT migrate.register(%L, %L, %L, %L)', 'schema', '1', 'x', script))
$$;
CREATE TABLE measures (id bigint, at date) PARTITION BY RANGE (at);
CREATE TABLE measures_2025 PARTITION OF measures FOR VALUES FROM ('2025-01-01') TO ('2026-01-01');

-- Cannot run in a transaction: refused unless -- migrate:no-transaction.
SELECT pg_temp.reg('ALTER TABLE measures DETACH PARTITION measures_2025 CONCURRENTLY;');
SELECT pg_temp.reg('ALTER DATABASE postgres SET TABLESPACE pg_default;');
SELECT pg_temp.reg(E'-- migrate:no-transaction\nALTER TABLE measures DETACH PARTITION measures_2025 CONCURRENTLY;');
SELECT migrate.resolve('schema', '1', 'applied');
-- Would change the session the migration runs in: refused everywhere.
SELECT pg_temp.reg('DISCARD ALL;');
SELECT pg_temp.reg(E'-- migrate:no-transaction\nDISCARD ALL;');
SELECT pg_temp.reg('SET ROLE postgres;');
SELECT pg_temp.reg('RESET ROLE;');
SELECT pg_temp.reg('SET SESSION AUTHORIZATION DEFAULT;');
SELECT pg_temp.reg('SET LOCAL ROLE NONE;');
-- COPY to the client has its own message.
SELECT pg_temp.reg('COPY measures TO STDOUT;');
SELECT pg_temp.reg('COPY measures FROM STDIN;');
-- A name with a newline or tab would break every table that lists it.
SELECT pg_temp.try($$SELECT migrate.register('schema', '9', E'two\nlines', 'SELECT 1;')$$);
SELECT pg_temp.try($$SELECT migrate.register('schema', '9', E'tab\there', 'SELECT 1;')$$);
SELECT count(*) AS stored FROM migrate.migrations WHERE version <> '1';

-- A role change from inside a function is refused when it happens.
CREATE ROLE regress_rules_low;
GRANT USAGE ON SCHEMA migrate TO regress_rules_low;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA migrate TO regress_rules_low;
GRANT regress_rules_low TO CURRENT_USER;
SET ROLE regress_rules_low;
SELECT migrate.register('schema', '2', 'sneaky', $$DO $do$ BEGIN PERFORM set_config('role', 'none', false); END $do$;$$);
SELECT pg_temp.try('SELECT * FROM migrate.apply()');
SELECT current_user;
RESET ROLE;
SELECT migrate.register('schema', '2', 'sneaky', 'SELECT 1;');
SELECT stream, version, outcome FROM migrate.apply();

-- pg_migrate.lock_timeout is checked when it is set.
SELECT pg_temp.try($$SET pg_migrate.lock_timeout = 'soon'$$);
SELECT pg_temp.try($$SET pg_migrate.lock_timeout = '-1s'$$);
SET pg_migrate.lock_timeout = '250ms';
SHOW pg_migrate.lock_timeout;
-- 0 waits forever, over the session's own lock_timeout.
SET lock_timeout = '1ms';
SET pg_migrate.lock_timeout = 0;
SELECT migrate.register('schema', '3', 'show', $$CREATE TABLE seen AS SELECT current_setting('lock_timeout') AS lock_timeout;$$);
SELECT stream, version, outcome FROM migrate.apply();
SELECT lock_timeout FROM seen;
RESET lock_timeout;
RESET pg_migrate.lock_timeout;

DROP EXTENSION pg_migrate;
DROP SCHEMA migrate;
DROP TABLE measures, measures_2025, seen;
DROP ROLE regress_rules_low;
