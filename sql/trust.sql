-- The trust boundary: stored migration text runs with the privileges of the
-- role that wrote it (or vouched for it with its checksum), never more. An
-- attacker here holds only EXECUTE on migrate.* (the README's deployer
-- grant); every way it had to make a superuser run its SQL ends in MG010
-- (or MG008/MG001/MG009) with nothing run.
CREATE EXTENSION pg_migrate;
\set VERBOSITY terse
\setenv PGDATABASE :DBNAME

\i test/sql/try.sql
GRANT EXECUTE ON FUNCTION pg_temp.try(text) TO PUBLIC;

CREATE ROLE regress_eve;
GRANT USAGE ON SCHEMA migrate TO regress_eve;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA migrate TO regress_eve;
GRANT CREATE ON SCHEMA public TO regress_eve;
CREATE TABLE accounts (id bigint PRIMARY KEY, email text);
INSERT INTO accounts VALUES (1, 'a@example.com'), (2, 'a@example.com');
CREATE FUNCTION pg_temp.eve_is_superuser() RETURNS boolean LANGUAGE sql
AS $$ SELECT rolsuper FROM pg_roles WHERE rolname = 'regress_eve' $$;

-- 1. A superuser's background step fails (a unique index over duplicates).
SELECT migrate.register('index', '1', 'unique_email', E'-- migrate:no-transaction\nCREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS accounts_email_key ON accounts (email);\n');
SELECT stream, version, outcome FROM migrate.apply(stream => 'index');
\! test/wait_runner.sh
SELECT version, state FROM migrate.status('index');
-- Eve cannot swap the queued content: register refuses while the step is unfinished.
SET ROLE regress_eve;
SELECT pg_temp.try($$SELECT migrate.register('index', '1', 'unique_email', E'-- migrate:no-transaction\nALTER ROLE regress_eve SUPERUSER;\n')$$);
-- Her retry() runs the queued content, as her: it fails for lack of privilege.
SELECT migrate.retry('index', '1');
RESET ROLE;
\! test/wait_runner.sh
SELECT pg_temp.eve_is_superuser() AS eve_is_superuser;
SELECT version, action, status, role, sqlstate FROM migrate.history WHERE stream = 'index' ORDER BY id;
-- A job runs only the content it was queued with, even if the catalog is edited by hand.
DELETE FROM accounts WHERE id = 2;
UPDATE migrate.migrations SET up_sql = E'ALTER ROLE regress_eve SUPERUSER;\n',
       script = E'-- migrate:no-transaction\nALTER ROLE regress_eve SUPERUSER;\n',
       checksum = encode(sha256(convert_to(E'-- migrate:no-transaction\nALTER ROLE regress_eve SUPERUSER;\n', 'UTF8')), 'hex')
WHERE stream = 'index' AND version = '1';
SELECT migrate.retry('index', '1');
\! test/wait_runner.sh
SELECT pg_temp.eve_is_superuser() AS eve_is_superuser;
SELECT sqlstate, message FROM migrate.history WHERE stream = 'index' ORDER BY id DESC LIMIT 1;
-- Resolved, the migration may change again: the file's content, applied by its author.
SELECT migrate.resolve('index', '1', 'rolled_back');
SELECT migrate.register('index', '1', 'unique_email', E'-- migrate:no-transaction\nCREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS accounts_email_key ON accounts (email);\n');
SELECT stream, version, outcome FROM migrate.apply(stream => 'index');
\! test/wait_runner.sh
SELECT version, state FROM migrate.status('index');

-- 2. Eve registers a pending migration: the superuser's apply() refuses her text.
SET ROLE regress_eve;
SELECT migrate.register('schema', '1', 'grab', 'ALTER ROLE regress_eve SUPERUSER;');
RESET ROLE;
SELECT pg_temp.try('SELECT * FROM migrate.apply()');
-- A deploy names the checksums of its files: other content is refused (MG001) ...
SELECT pg_temp.try($$SELECT * FROM migrate.apply_exact(ARRAY['schema:1:' || repeat('0', 64)])$$);
-- ... a pending migration in none of its files too (MG009), and with
-- include_unlisted it is still Eve's text (MG010).
SELECT pg_temp.try($$SELECT * FROM migrate.apply_exact(ARRAY[]::text[])$$);
SELECT pg_temp.try($$SELECT * FROM migrate.apply_exact(ARRAY[]::text[], include_unlisted => true)$$);
SELECT pg_temp.eve_is_superuser() AS eve_is_superuser;
-- The superuser's deploy of its own file is applied: the same bytes are
-- vouched for by their checksum, whoever registered them last.
SELECT migrate.register('schema', '1', 'grab', 'CREATE TABLE vouched (id bigint);');
SET ROLE regress_eve;
SELECT migrate.register('schema', '1', 'grab', 'CREATE TABLE vouched (id bigint);');
RESET ROLE;
SELECT registered_by FROM migrate.migrations WHERE stream = 'schema' AND version = '1';
SELECT stream, version, outcome
FROM migrate.apply_exact(ARRAY['schema:1:' || encode(sha256(convert_to('CREATE TABLE vouched (id bigint);', 'UTF8')), 'hex')],
                         stream => 'schema');
SELECT registered_by FROM migrate.migrations WHERE stream = 'schema' AND version = '1';
-- Eve's own migrations run for her, as her.
SET ROLE regress_eve;
SELECT migrate.register('schema', '2', 'eve_table', E'CREATE TABLE eve_table (id bigint);\n-- migrate:down\nDROP TABLE eve_table;\n-- migrate:verify\nSELECT true;\n');
SELECT stream, version, outcome FROM migrate.apply();
RESET ROLE;

-- 3. Eve repairs the down and verify sections of an applied migration: the
-- superuser's rollback and verify refuse them before running anything.
SELECT migrate.register('schema', '3', 'widgets', E'CREATE TABLE widgets (id bigint);\n-- migrate:down\nDROP TABLE widgets;\n-- migrate:verify\nSELECT true;\n');
SELECT stream, version, outcome FROM migrate.apply();
SET ROLE regress_eve;
SELECT migrate.repair('schema', '3', E'CREATE TABLE widgets (id bigint);\n-- migrate:down\nALTER ROLE regress_eve SUPERUSER;\n-- migrate:verify\nSELECT pg_temp.eve_is_superuser() IS NOT NULL FROM (SELECT 1) x;\n');
RESET ROLE;
SELECT pg_temp.try('SELECT * FROM migrate.rollback()');
SELECT pg_temp.try('SELECT * FROM migrate.verify()');
SELECT pg_temp.eve_is_superuser() AS eve_is_superuser, to_regclass('widgets') IS NOT NULL AS widgets_kept;
-- The superuser repairs it back from its own file; then it is the superuser's to run.
SELECT migrate.repair('schema', '3', E'CREATE TABLE widgets (id bigint);\n-- migrate:down\nDROP TABLE widgets;\n-- migrate:verify\nSELECT true;\n');
SELECT stream, version, outcome FROM migrate.rollback();
-- A less privileged caller may run a more privileged author's text: only
-- with its own privileges.
SET ROLE regress_eve;
SELECT stream, version, ok FROM migrate.verify() ORDER BY version;
RESET ROLE;

-- 6. apply() through a SECURITY DEFINER function: the runner could never
-- become its owner, so queueing is refused up front (nothing is queued).
CREATE ROLE regress_owner;
GRANT USAGE ON SCHEMA migrate TO regress_owner;
GRANT EXECUTE ON ALL FUNCTIONS IN SCHEMA migrate TO regress_owner;
GRANT CREATE ON SCHEMA public TO regress_owner;
SET ROLE regress_owner;
CREATE TABLE owner_events (id bigint);
CREATE FUNCTION public.owner_deploy() RETURNS SETOF text LANGUAGE sql SECURITY DEFINER
SET search_path = public, pg_temp
AS $$ SELECT migrate.register('index', '2', 'owner_index', E'-- migrate:no-transaction\nCREATE INDEX CONCURRENTLY IF NOT EXISTS owner_events_id ON owner_events (id);\n');
      SELECT outcome FROM migrate.apply(stream => 'index') $$;
RESET ROLE;
GRANT EXECUTE ON FUNCTION public.owner_deploy() TO regress_eve;
SET SESSION AUTHORIZATION regress_eve;
SELECT pg_temp.try('SELECT * FROM public.owner_deploy()');
RESET SESSION AUTHORIZATION;
SELECT count(*) AS queued FROM migrate.runner_jobs WHERE stream = 'index' AND version = '2';

-- 17. The catalog functions cannot be called from inside a migration.
SELECT migrate.register('schema', '4', 'nested', $$SELECT migrate.register('schema', '5', 'inner', 'SELECT 1;');$$);
SELECT pg_temp.try('SELECT * FROM migrate.apply()');
SELECT migrate.register('schema', '4', 'nested', $$SELECT migrate.resolve('schema', '3', 'applied');$$);
SELECT pg_temp.try('SELECT * FROM migrate.apply()');
SELECT migrate.register('schema', '4', 'nested', $$SELECT migrate.baseline('schema', '3');$$);
SELECT pg_temp.try('SELECT * FROM migrate.apply()');
SELECT count(*) AS inner_registered FROM migrate.migrations WHERE version = '5';

-- NULL is not the default stream.
SELECT pg_temp.try('SELECT * FROM migrate.rollback(stream => NULL)');

DROP FUNCTION public.owner_deploy();
DROP EXTENSION pg_migrate CASCADE;
DROP SCHEMA migrate CASCADE;
DROP TABLE accounts, vouched, eve_table, owner_events;
REVOKE CREATE ON SCHEMA public FROM regress_eve, regress_owner;
DROP ROLE regress_eve;
DROP ROLE regress_owner;
