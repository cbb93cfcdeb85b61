-- migrate.rollback(): down sections newest first, atomically; refusals change nothing.
CREATE EXTENSION pg_migrate;
\set VERBOSITY terse

\set try_reports 'detail'
\i test/sql/try.sql

-- What the schema looks like, to prove refusals leave it as it was.
CREATE FUNCTION pg_temp.shape() RETURNS text LANGUAGE sql AS $$
    SELECT string_agg(table_name || '.' || column_name, ', ' ORDER BY table_name, ordinal_position)
    FROM information_schema.columns WHERE table_schema = 'public'
$$;

SELECT migrate.register('schema', '1', 'accounts', E'CREATE TABLE accounts (id int PRIMARY KEY);\n-- migrate:down\nDROP TABLE accounts;');
SELECT migrate.register('schema', '2', 'accounts_name', E'-- migrate:db-version 1.0.0\nALTER TABLE accounts ADD COLUMN name text;\n-- migrate:down\nALTER TABLE accounts DROP COLUMN name;');
SELECT migrate.register('schema', '3', 'invoices', E'CREATE TABLE invoices (id int, account_id int REFERENCES accounts);\n-- migrate:down\nDROP TABLE invoices;');
SELECT migrate.register('data', '1', 'seed', E'-- migrate:requires schema:1\nINSERT INTO accounts (id) VALUES (1), (2);\n-- migrate:down\nDELETE FROM accounts WHERE id IN (1, 2);');
SELECT migrate.register('schema', '4', 'invoices_total', E'-- migrate:db-version 1.1.0\nALTER TABLE invoices ADD COLUMN total numeric;\n-- migrate:down\nALTER TABLE invoices DROP COLUMN total;');
SELECT migrate.register('schema', '5', 'audit', E'CREATE TABLE audit (at timestamptz);');
SELECT migrate.register('schema', '6', 'audit_who', E'ALTER TABLE audit ADD COLUMN who text;');
SELECT stream, version, outcome FROM migrate.apply(target => '4');
SELECT stream, version, outcome FROM migrate.apply();
SELECT pg_temp.shape();

-- MG005 lists every migration in range without a down section, and touches nothing.
SELECT pg_temp.try($$SELECT * FROM migrate.rollback(steps => 3)$$);
SELECT pg_temp.try('SELECT * FROM migrate.rollback()');
SELECT pg_temp.shape();
SELECT count(*) AS rollback_rows FROM migrate.history WHERE action = 'rollback';

-- Down sections added with repair (content only, nothing runs) make them reversible.
SELECT migrate.repair('schema', '5', E'CREATE TABLE audit (at timestamptz);\n-- migrate:down\nDROP TABLE audit;');
SELECT migrate.repair('schema', '6', E'ALTER TABLE audit ADD COLUMN who text;\n-- migrate:down\nALTER TABLE audit DROP COLUMN who;');

-- Default: one step of the schema stream, the newest version.
SELECT stream, version, name, outcome FROM migrate.rollback();
SELECT pg_temp.shape();

-- Unknown stream or version: MG009. Conflicting options: 22023.
SELECT pg_temp.try($$SELECT * FROM migrate.rollback(stream => 'nope')$$);
SELECT pg_temp.try($$SELECT * FROM migrate.rollback(to_version => '99')$$);
SELECT pg_temp.try($$SELECT * FROM migrate.rollback(to_version => '6')$$);
SELECT pg_temp.try($$SELECT * FROM migrate.rollback(to_db_version => '9.9.9')$$);
SELECT pg_temp.try($$SELECT * FROM migrate.rollback(steps => 1, to_version => '1')$$);

-- MG007: data/1 is applied and still requires schema/1.
SELECT pg_temp.try($$SELECT * FROM migrate.rollback(all_applied => true)$$);
SELECT pg_temp.shape();

-- to_version keeps that version applied and undoes everything of the stream above it, newest first.
SELECT stream, version, name, outcome FROM migrate.rollback(to_version => '2');
SELECT pg_temp.shape();
SELECT stream, version, state FROM migrate.status();

-- Atomic: the caller's ROLLBACK undoes a rollback.
SELECT stream, version, outcome FROM migrate.apply();
BEGIN;
SELECT stream, version, outcome FROM migrate.rollback(stream => 'data', all_applied => true);
SELECT stream, version, outcome FROM migrate.rollback(stream => 'schema', to_version => '1');
ROLLBACK;
SELECT pg_temp.shape();

-- A down section that fails leaves everything as it was, and keeps its SQLSTATE.
SELECT migrate.register('schema', '7', 'broken_down', E'CREATE TABLE seven (id int);\n-- migrate:down\nDROP TABLE seven_typo;');
SELECT stream, version, outcome FROM migrate.apply();
SELECT pg_temp.try($$SELECT * FROM migrate.rollback(steps => 2)$$);
SELECT pg_temp.shape();
SELECT version, state FROM migrate.status('schema') WHERE version IN ('6', '7');
SELECT migrate.repair('schema', '7', E'CREATE TABLE seven (id int);\n-- migrate:down\nDROP TABLE seven;');
SELECT stream, version, outcome FROM migrate.rollback();

-- to_db_version ignores stream: it undoes, newest application first, every
-- migration applied after the newest one declaring 1.0.0 (schema/2).
SELECT stream, version, outcome FROM migrate.rollback(stream => 'data', all_applied => true);
SELECT stream, version, outcome FROM migrate.apply(stream => 'schema');
SELECT stream, version, outcome FROM migrate.apply(stream => 'data');
SELECT migrate.db_version();
SELECT stream, version, name, outcome FROM migrate.rollback(to_db_version => '1.0.0');
SELECT migrate.db_version();
SELECT pg_temp.shape();
SELECT stream, version, state FROM migrate.status();

-- all_applied resets one stream completely (data first: schema/1 is required by it).
SELECT stream, version, outcome FROM migrate.apply();
SELECT stream, version, outcome FROM migrate.rollback(stream => 'data', all_applied => true);
SELECT stream, version, outcome FROM migrate.rollback(stream => 'schema', all_applied => true);
SELECT pg_temp.shape() IS NULL AS empty_schema;
SELECT count(*) FILTER (WHERE state = 'applied') AS applied FROM migrate.status();

-- Every rollback is in the history.
SELECT action, count(*) FROM migrate.history GROUP BY action ORDER BY action;

DROP EXTENSION pg_migrate;
DROP SCHEMA migrate;
