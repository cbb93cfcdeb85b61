-- Drift: DDL run outside pg_migrate is recorded by an event trigger; DDL
-- run by apply() is not; capture never makes the user's DDL fail.
CREATE EXTENSION pg_migrate;
\set VERBOSITY terse

CREATE TABLE hand (id int);
ALTER TABLE hand ADD COLUMN note text;
CREATE INDEX hand_note ON hand (note);
DROP INDEX hand_note;
SELECT migrate.register('schema', '1', 'via_migration', E'CREATE TABLE via_migration (id int);\nALTER TABLE hand ADD COLUMN from_migration int;');
SELECT stream, version, outcome FROM migrate.apply();
SELECT id, role = current_user AS by_me, command_tag, object_type, object_identity, query, acknowledged FROM migrate.drift();

-- validate() reports unacknowledged drift; acknowledging clears it.
SELECT severity, check_name, message FROM migrate.validate();
SELECT migrate.acknowledge_drift(id) FROM migrate.drift();
SELECT count(*) AS unacknowledged FROM migrate.drift();
SELECT count(*) AS all_entries FROM migrate.drift(include_acknowledged => true);
SELECT count(*) AS problems FROM migrate.validate();
SELECT migrate.acknowledge_drift(999);

-- Not recorded: rolled-back DDL, sessions that turned capture off (pg_restore), extension scripts.
BEGIN;
CREATE TABLE rolled_back (id int);
ROLLBACK;
SET pg_migrate.capture_ddl = off;
CREATE TABLE restored (id int);
RESET pg_migrate.capture_ddl;
CREATE EXTENSION IF NOT EXISTS pg_migrate;
SELECT count(*) AS all_entries FROM migrate.drift(include_acknowledged => true);

-- Capture cannot break DDL: even with the drift log unwritable, the DDL succeeds (with a WARNING).
ALTER TABLE migrate.drift_log ADD CONSTRAINT no_more CHECK (id < 0) NOT VALID;
CREATE TABLE still_works (id int);
SELECT to_regclass('still_works') IS NOT NULL AS created;
ALTER TABLE migrate.drift_log DROP CONSTRAINT no_more;

-- Drift does not block apply().
SELECT migrate.register('schema', '2', 'more', 'CREATE TABLE more_tables (id int);');
SELECT stream, version, outcome FROM migrate.apply();

-- The runner's DDL is not drift either.
SELECT migrate.register('index', '1', 'hand_idx', E'-- migrate:no-transaction\nCREATE INDEX CONCURRENTLY IF NOT EXISTS hand_id ON hand (id);');
SELECT stream, version, outcome FROM migrate.apply();
\setenv PGDATABASE :DBNAME
\! test/wait_runner.sh
SELECT command_tag, object_identity FROM migrate.drift(include_acknowledged => true) ORDER BY id;

-- String constants of the recorded DDL are masked: the log is readable by
-- roles that must not see another role's secrets.
CREATE TABLE secrets (token text DEFAULT 'hunter2', note text DEFAULT E'it''s\nmultiline');
COMMENT ON TABLE secrets IS 'password: swordfish';
CREATE FUNCTION secret_fn() RETURNS text LANGUAGE sql AS $body$ SELECT 'opensesame' $body$;
SELECT command_tag, query FROM migrate.drift() WHERE object_identity LIKE '%secret%' ORDER BY id;
SELECT count(*) AS leaked FROM migrate.drift_log
WHERE query LIKE '%hunter2%' OR query LIKE '%swordfish%' OR query LIKE '%opensesame%' OR query LIKE '%multiline%';
DROP FUNCTION secret_fn();

DROP EXTENSION pg_migrate;
DROP SCHEMA migrate;
DROP TABLE secrets, hand, via_migration, restored, still_works, more_tables;
