-- How a migration's statements relate to its transaction (transaction_policy.hpp):
-- a section's own BEGIN ... COMMIT pair is the migration's transaction; the
-- if-needed directives other tools' layouts carry; empty down sections; and
-- directives only at column 0, as dbmate reads them.
CREATE EXTENSION pg_migrate;
\set VERBOSITY terse
SET client_min_messages = warning;   -- lint notices of apply() are another suite's
SET pg_migrate.drift_gate = off;     -- the tables made here by hand are no drift to judge

\set try_reports 'detail'
\i test/sql/try.sql

CREATE FUNCTION pg_temp.reg(version text, script text) RETURNS text LANGUAGE sql AS $$
    SELECT pg_temp.try(format('SELECT migrate.register(%L, %L, %L, %L)', 'schema', version, 'm' || version, script))
$$;

-- Prisma's enum rewrite, comments around it.
CREATE TYPE "Role" AS ENUM ('USER', 'ADMIN', 'GUEST');
CREATE TABLE "User" (id int, role "Role" NOT NULL DEFAULT 'USER');
INSERT INTO "User" VALUES (1, 'ADMIN');
SELECT pg_temp.reg('1', E'/*\n  Warnings:\n  - The values [GUEST] on the enum `Role` will be removed.\n*/\n-- AlterEnum\nBEGIN;\nCREATE TYPE "Role_new" AS ENUM (\'USER\', \'ADMIN\');\nALTER TABLE "User" ALTER COLUMN "role" DROP DEFAULT;\nALTER TABLE "User" ALTER COLUMN "role" TYPE "Role_new" USING ("role"::text::"Role_new");\nALTER TYPE "Role" RENAME TO "Role_old";\nALTER TYPE "Role_new" RENAME TO "Role";\nDROP TYPE "Role_old";\nALTER TABLE "User" ALTER COLUMN "role" SET DEFAULT \'USER\';\nCOMMIT;\n');
-- golang-migrate and dbmate files wrap themselves in BEGIN/COMMIT: taken as the migration's transaction.
SELECT pg_temp.reg('2', E'BEGIN;\nCREATE TABLE accounts (id int PRIMARY KEY);\nCREATE TABLE t1 (id int);\nCOMMIT;\n-- migrate:down\nSTART TRANSACTION;\nDROP TABLE t1;\nDROP TABLE accounts;\nEND;\n');
-- The stored sections keep the file's lines; the pair is blanked, nothing else changes.
SELECT transactional, up_sql, down_sql, up_line, down_line FROM migrate.migrations WHERE version = '2';
SELECT stream, version, outcome FROM migrate.apply();
SELECT enum_range(NULL::"Role"), (SELECT role FROM "User");
-- An error inside the body names the file's line.
SELECT pg_temp.reg('3', E'BEGIN;\nCREATE TABLE t3 (id int);\nINSERT INTO t3 VALUES (1 / 0);\nCOMMIT;\n');
SELECT pg_temp.try('SELECT * FROM migrate.apply()');
DELETE FROM migrate.migrations WHERE version = '3';
-- Its down runs the body too.
SELECT stream, version, outcome FROM migrate.rollback();
SELECT count(*) AS t1_tables FROM pg_tables WHERE tablename IN ('t1', 'accounts');

-- Any other transaction control stays refused: in the middle, nested, with options, AND CHAIN, ROLLBACK.
SELECT pg_temp.reg('10', E'CREATE TABLE a (id int);\nBEGIN;\nCREATE TABLE b (id int);\nCOMMIT;\n');
SELECT pg_temp.reg('10', E'BEGIN;\nCREATE TABLE a (id int);\nCOMMIT;\nCREATE TABLE b (id int);\n');
SELECT pg_temp.reg('10', E'BEGIN;\nBEGIN;\nCREATE TABLE a (id int);\nCOMMIT;\nCOMMIT;\n');
SELECT pg_temp.reg('10', E'BEGIN ISOLATION LEVEL SERIALIZABLE;\nCREATE TABLE a (id int);\nCOMMIT;\n');
SELECT pg_temp.reg('10', E'BEGIN;\nCREATE TABLE a (id int);\nCOMMIT AND CHAIN;\n');
SELECT pg_temp.reg('10', E'BEGIN;\nCREATE TABLE a (id int);\nROLLBACK;\n');
SELECT pg_temp.reg('10', E'BEGIN;\nCREATE TABLE a (id int);\nSAVEPOINT s;\nCOMMIT;\n');
-- A no-transaction migration has no transaction to wrap.
SELECT pg_temp.reg('10', E'-- migrate:no-transaction\nBEGIN;\nCREATE TABLE a (id int);\nCOMMIT;\n');
-- A file with its own transaction asked for one: CONCURRENTLY inside it is refused, if-needed or not.
SELECT pg_temp.reg('10', E'BEGIN;\nCREATE INDEX CONCURRENTLY i ON t1 (id);\nCOMMIT;\n-- migrate:no-transaction if-needed\n');
-- With -- migrate:transaction-blocks (the translation of a Prisma file), a block in the middle groups its statements
-- inside the migration's own transaction; nested or unpaired ones stay refused.
SELECT pg_temp.reg('11', E'CREATE TABLE tb1 (id int);\nBEGIN;\nCREATE TABLE tb2 (id int);\nCOMMIT;\nCREATE TABLE tb3 (id int);\n-- migrate:transaction-blocks\n');
SELECT up_sql FROM migrate.migrations WHERE version = '11';
SELECT pg_temp.reg('12', E'BEGIN;\nBEGIN;\nCREATE TABLE tb4 (id int);\nCOMMIT;\nCOMMIT;\n-- migrate:transaction-blocks\n');
SELECT pg_temp.reg('12', E'CREATE TABLE tb4 (id int);\nCOMMIT;\n-- migrate:transaction-blocks\n');
DELETE FROM migrate.migrations WHERE version = '11';
SELECT count(*) AS stored FROM migrate.migrations WHERE version = '10';

-- The native format keeps its contract: CONCURRENTLY needs the directive (MG003).
CREATE TABLE t20 (id int, other int);
SELECT pg_temp.reg('20', E'CREATE INDEX CONCURRENTLY t20_id ON t20 (id);\n');
-- Prisma's and Flyway's translations carry if-needed: the server takes them as no-transaction.
SELECT pg_temp.reg('20', E'-- CreateIndex\nCREATE INDEX CONCURRENTLY t20_id ON t20 (id);\n-- migrate:no-transaction if-needed\n');
-- ... only when a statement needs it.
SELECT pg_temp.reg('21', E'CREATE INDEX t20_other ON t20 (other);\n-- migrate:no-transaction if-needed\n');
-- A down section's need counts too (a Flyway U file with DROP INDEX CONCURRENTLY).
SELECT pg_temp.reg('22', E'CREATE TABLE t22 (id int);\n-- migrate:no-transaction if-needed\n-- migrate:down\nDROP INDEX CONCURRENTLY IF EXISTS t22_id;\nDROP TABLE IF EXISTS t22;\n');
SELECT version, transactional FROM migrate.migrations WHERE version IN ('20', '21', '22') ORDER BY version_key;
-- Drizzle: such a statement must stand alone between statement breakpoints.
SELECT pg_temp.reg('23', E'CREATE TABLE t23 (id int);\n--> statement-breakpoint\nCREATE INDEX CONCURRENTLY t23_id ON t23 (id);--> statement-breakpoint\nCREATE TABLE t23b (id int);\n-- migrate:no-transaction if-needed-between-breakpoints\n');
SELECT pg_temp.reg('24', E'CREATE TABLE t24 (id int);\nCREATE INDEX CONCURRENTLY t24_id ON t24 (id);\n--> statement-breakpoint\nSELECT 1;\n-- migrate:no-transaction if-needed-between-breakpoints\n');
SELECT pg_temp.reg('24', E'CREATE TABLE t24 (id int);\n--> statement-breakpoint\nCREATE INDEX CONCURRENTLY t24_id ON t24 (id);\nSELECT 1;\n-- migrate:no-transaction if-needed-between-breakpoints\n');
SELECT pg_temp.reg('24', E'CREATE INDEX CONCURRENTLY t24_id ON t20 (id);\n-- migrate:no-transaction if-needed-between-breakpoints\n');
SELECT version, transactional FROM migrate.migrations WHERE version IN ('23', '24') ORDER BY version_key;
-- An explicit no-transaction wins over if-needed.
SELECT pg_temp.reg('25', E'-- migrate:no-transaction\nCREATE TABLE IF NOT EXISTS t25 (id int);\n-- migrate:no-transaction if-needed\n');
SELECT transactional FROM migrate.migrations WHERE version = '25';
-- (the runner suite runs no-transaction migrations; these are only registered)
DELETE FROM migrate.migrations WHERE version IN ('20', '21', '22', '23', '24', '25');

-- lint() reads a script as register() does.
SELECT rule FROM migrate.lint(E'BEGIN;\nCREATE TABLE l1 (id int);\nCOMMIT;\n') WHERE rule = 'transaction-control';
SELECT rule FROM migrate.lint(E'CREATE INDEX CONCURRENTLY l2 ON t20 (id);\n-- migrate:no-transaction if-needed\n') WHERE severity = 'error';
SELECT rule, severity FROM migrate.lint(E'CREATE INDEX CONCURRENTLY l2 ON t20 (id);\n') WHERE severity = 'error';

-- An empty or comment-only down section is a down that does nothing, as dbmate and golang-migrate run it.
SELECT pg_temp.reg('30', E'-- migrate:up\nCREATE TABLE t30 (id int);\n-- migrate:down\n');
SELECT pg_temp.reg('31', E'-- migrate:up\nCREATE TABLE t31 (id int);\n-- migrate:down\n-- nothing to undo\n\n');
SELECT version, has_down FROM migrate.status('schema') WHERE version IN ('30', '31');
SELECT stream, version, outcome FROM migrate.apply();
SELECT stream, version, outcome FROM migrate.rollback(steps => 2);
SELECT version, state FROM migrate.status('schema') WHERE version IN ('30', '31');
SELECT count(*) AS kept_tables FROM pg_tables WHERE tablename IN ('t30', 't31');
DELETE FROM migrate.migrations WHERE version IN ('30', '31');
-- No down section at all still refuses (MG005).
SELECT pg_temp.reg('32', E'CREATE TABLE t32 (id int);\n');
SELECT stream, version, outcome FROM migrate.apply();
SELECT pg_temp.try('SELECT * FROM migrate.rollback()');

-- dbmate reads markers at column 0 only: an indented one is part of the SQL.
SELECT pg_temp.reg('40', E'-- migrate:up\nCREATE FUNCTION f40() RETURNS text LANGUAGE sql AS $$\n    -- migrate:down\n    SELECT \'up\'\n$$;\n-- migrate:down\nDROP FUNCTION f40();\n');
SELECT up_sql, down_sql FROM migrate.migrations WHERE version = '40';
SELECT stream, version, outcome FROM migrate.apply();
SELECT f40();
DROP EXTENSION pg_migrate;
DROP SCHEMA migrate;
DROP TABLE "User", t20, accounts, t1, t30, t31, t32;
DROP TYPE "Role";
DROP FUNCTION f40();
