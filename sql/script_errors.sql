-- Malformed scripts are refused with MG002 naming the line, statements a
-- migration cannot hold with MG003, syntax errors with their own SQLSTATE.
-- Nothing is stored in any of these cases.
CREATE EXTENSION pg_migrate;
\set VERBOSITY terse

\set try_reports 'detail hint'
\i test/sql/try.sql

CREATE FUNCTION pg_temp.reg(script text) RETURNS text LANGUAGE sql AS $$
    SELECT pg_temp.try(format('SELECT migrate.register(%L, %L, %L, %L, %L)',
                              'schema', '20260201', 'broken', script, 'migrations/20260201_broken.sql'))
$$;

-- MG002: the file format.
SELECT pg_temp.reg(E'-- migrate:up\nSELECT 1;\n-- migrate:upp\nSELECT 2;\n');
SELECT pg_temp.reg(E'-- migrate:up\nSELECT 1;\n-- migrate:up\nSELECT 2;\n');
SELECT pg_temp.reg(E'-- migrate:up\n-- nothing here\n\n-- migrate:down\nSELECT 1;\n');
SELECT pg_temp.reg(E'');
SELECT pg_temp.reg(E'CREATE TABLE early (id int);\n-- migrate:up\nSELECT 1;\n');
SELECT pg_temp.reg(E'-- migrate:db-version one\n-- migrate:up\nSELECT 1;\n');
SELECT pg_temp.reg(E'-- migrate:lock-timeout soon\n-- migrate:up\nSELECT 1;\n');
SELECT pg_temp.reg(E'-- migrate:requires schema:abc\n-- migrate:up\nSELECT 1;\n');
SELECT pg_temp.reg(E'-- migrate:allow DROP COLUMN\n-- migrate:up\nSELECT 1;\n');
SELECT pg_temp.reg(E'-- migrate:no-transaction yes\n-- migrate:up\nSELECT 1;\n');
SELECT pg_temp.reg(E'-- migrate:stream index\n-- migrate:up\nSELECT 1;\n');
SELECT pg_temp.reg(E'-- migrate:up transaction:maybe\nSELECT 1;\n');
SELECT pg_temp.reg(E'-- migrate:up\n/* only a comment */\n');
SELECT pg_temp.try($$SELECT migrate.register('Schema!', '1', 'x', 'SELECT 1')$$);
SELECT pg_temp.try($$SELECT migrate.register('schema', 'v1', 'x', 'SELECT 1')$$);
SELECT pg_temp.try($$SELECT migrate.register('schema', '1', '', 'SELECT 1')$$);

-- Syntax errors keep SQLSTATE 42601 and name the file line.
\set VERBOSITY default
SELECT migrate.register('schema', '20260202', 'typo', E'-- migrate:up\nCREATE TABLE ok1 (id int);\n\nCREATE TABLE bad (id int,, name text);\n', 'migrations/20260202_typo.sql');
SELECT migrate.register('schema', '20260203', 'unterminated', E'-- migrate:up\nCREATE FUNCTION f() RETURNS int LANGUAGE sql AS $body$\nSELECT 1;\n', 'migrations/20260203_unterminated.sql');
\set VERBOSITY terse

-- MG003: transaction control and statements that cannot run in a transaction.
SELECT pg_temp.reg(E'-- migrate:up\nCREATE TABLE t (id int);\nBEGIN;\nCREATE TABLE u (id int);\nCOMMIT;\n');
SELECT pg_temp.reg(E'-- migrate:up\nCREATE TABLE t (id int);\nSAVEPOINT s;\n');
SELECT pg_temp.reg(E'-- migrate:up\nCREATE TABLE t (id int);\n\nCREATE INDEX CONCURRENTLY t_id ON t (id);\n');
SELECT pg_temp.reg(E'-- migrate:up\nVACUUM;\n');
SELECT pg_temp.reg(E'-- migrate:up\nREINDEX TABLE CONCURRENTLY t;\n');
SELECT pg_temp.reg(E'-- migrate:up\nDROP INDEX CONCURRENTLY t_id;\n');
SELECT pg_temp.reg(E'-- migrate:up\nCREATE DATABASE other;\n');
SELECT pg_temp.reg(E'-- migrate:up\nCOPY t FROM STDIN;\n');
SELECT pg_temp.reg(E'-- migrate:up\nSELECT 1;\n-- migrate:down\nROLLBACK;\n');

-- The same statements are fine where they belong: ANALYZE, plain index, REINDEX without CONCURRENTLY.
SELECT pg_temp.reg(E'-- migrate:up\nCREATE TABLE t (id int);\nCREATE INDEX t_id ON t (id);\nANALYZE t;\nREINDEX TABLE t;\n');

SELECT count(*) AS stored, count(*) FILTER (WHERE version <> '20260201') AS unexpected FROM migrate.migrations;
DROP EXTENSION pg_migrate;
DROP SCHEMA migrate;
