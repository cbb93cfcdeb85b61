-- Privileges: nothing is callable by PUBLIC; a deployer needs only EXECUTE.
-- Hostile search_path: objects planted by another role change nothing.
CREATE EXTENSION pg_migrate;
\set VERBOSITY terse

SELECT p.proname, has_function_privilege('public', p.oid, 'EXECUTE') AS public_can_execute
FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
WHERE n.nspname = 'migrate' ORDER BY 1;

CREATE ROLE regress_nobody;
CREATE ROLE regress_deployer;
GRANT USAGE ON SCHEMA migrate TO regress_nobody, regress_deployer;
GRANT EXECUTE ON FUNCTION migrate.register(text, text, text, text, text), migrate.apply(text, text, boolean, text),
      migrate.status(text) TO regress_deployer;
GRANT CREATE ON SCHEMA public TO regress_deployer;

SET ROLE regress_nobody;
SELECT migrate.register('schema', '1', 'x', 'SELECT 1;');
SELECT * FROM migrate.apply();
SELECT count(*) FROM migrate.history;
RESET ROLE;

-- The deployer applies through the functions but cannot edit the catalog by hand.
SET ROLE regress_deployer;
SELECT migrate.register('schema', '1', 'widgets', 'CREATE TABLE widgets (id int PRIMARY KEY);');
SELECT stream, version, outcome FROM migrate.apply();
SELECT version, state FROM migrate.status();
DELETE FROM migrate.history;
UPDATE migrate.migrations SET state = 'pending';
RESET ROLE;
SELECT tableowner = 'regress_deployer' AS deployer_owns_widgets FROM pg_tables WHERE tablename = 'widgets';
SELECT version, role, status FROM migrate.history;

-- A hostile role plants a schema with a catch-all "=" operator, now() and
-- lookalike catalog tables, and puts it first in search_path.
CREATE ROLE regress_hostile;
CREATE SCHEMA evil AUTHORIZATION regress_hostile;
SET ROLE regress_hostile;
CREATE FUNCTION evil.always_true(text, text) RETURNS boolean LANGUAGE sql AS 'SELECT true';
CREATE OPERATOR evil.= (LEFTARG = text, RIGHTARG = text, FUNCTION = evil.always_true);
CREATE FUNCTION evil.now() RETURNS timestamptz LANGUAGE sql AS $$SELECT '1999-01-01'::timestamptz$$;
CREATE FUNCTION evil.sha256(bytea) RETURNS bytea LANGUAGE sql AS $$SELECT '\x00'::bytea$$;
CREATE TABLE evil.migrations (stream text, version text, checksum text, state text);
CREATE TABLE evil.history (id int);
RESET ROLE;
GRANT USAGE ON SCHEMA evil TO regress_deployer;
CREATE TEMP TABLE history (id int);

SET ROLE regress_deployer;
SET search_path = public, evil, pg_temp, pg_catalog;
-- With the hostile "=" a lookup by version would find version 1 and answer 'unchanged'.
SELECT migrate.register('schema', '2', 'gadgets', 'CREATE TABLE gadgets (id int);');
SELECT migrate.register('schema', '1', 'widgets', 'CREATE TABLE widgets (id int PRIMARY KEY);');
SELECT stream, version, outcome FROM migrate.apply();
SELECT version, state FROM migrate.status();
RESET ROLE;
RESET search_path;
SELECT count(*) AS evil_rows FROM evil.migrations;
SELECT count(*) AS temp_rows FROM pg_temp.history;
SELECT version, registered_at > '2000-01-01' AS real_now, registered_by FROM migrate.migrations ORDER BY version;
SELECT version, status FROM migrate.history ORDER BY id;
-- The migration itself ran with the caller's search_path: gadgets landed in public.
SELECT schemaname FROM pg_tables WHERE tablename = 'gadgets';

DROP TABLE widgets, gadgets;
DROP SCHEMA evil CASCADE;
DROP EXTENSION pg_migrate;
DROP SCHEMA migrate;
REVOKE CREATE ON SCHEMA public FROM regress_deployer;
DROP ROLE regress_nobody, regress_deployer, regress_hostile;
