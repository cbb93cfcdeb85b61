-- Lint corpus: for every rule of ARCHITECTURE.md §8, statements that must be
-- flagged and near-identical ones that must not be (at least three of each),
-- then the lock mode lint reports checked against the locks PostgreSQL
-- actually takes (pg_locks, same session, rolled back).
CREATE EXTENSION pg_migrate;
\set VERBOSITY terse

-- Fixture: populated tables, an enum, indexes, a validated and a NOT VALID
-- CHECK (col IS NOT NULL), a foreign key and a trigger, so that the
-- catalog-dependent cases mean something.
CREATE SCHEMA corpus;
SET search_path = corpus, public;
CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');
CREATE TABLE accounts (id bigint PRIMARY KEY, email text, nickname text, plan varchar(20), code char(4),
                       balance numeric(10,2), seen timestamp(3), feeling mood, score integer);
INSERT INTO accounts
SELECT g, 'user' || g || '@example.com', 'nick' || g, 'free', 'A' || g % 10, g * 1.5, '2024-01-01', 'ok', g
FROM generate_series(1, 100) g;
ALTER TABLE accounts ADD CONSTRAINT accounts_email_not_null CHECK (email IS NOT NULL);
ALTER TABLE accounts ADD CONSTRAINT accounts_nickname_not_null CHECK (nickname IS NOT NULL) NOT VALID;
CREATE INDEX accounts_email_idx ON accounts (email);
CREATE UNIQUE INDEX accounts_nickname_key ON accounts (nickname);
CREATE TABLE orders (id bigint NOT NULL, account_id bigint, amount integer, note text);
INSERT INTO orders SELECT g, g % 100 + 1, g, 'note' FROM generate_series(1, 500) g;
CREATE UNIQUE INDEX orders_id_key ON orders (id);
CREATE INDEX orders_account_idx ON orders (account_id);
CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NEW; END$$;
CREATE TRIGGER orders_touch BEFORE INSERT ON orders FOR EACH ROW EXECUTE FUNCTION touch();
CREATE TABLE audit (id bigint, account_id bigint REFERENCES accounts, at timestamptz);
INSERT INTO audit SELECT g, g, '2024-01-01' FROM generate_series(1, 10) g;
CREATE TABLE empty (id bigint);

-- A script whose first line marks it no-transaction.
CREATE FUNCTION pg_temp.notx(script text) RETURNS text LANGUAGE sql
AS $$ SELECT '-- migrate:no-transaction' || chr(10) || script $$;

CREATE TEMP TABLE corpus_cases (n serial, rule text, expect_flag boolean, script text);
INSERT INTO corpus_cases (rule, expect_flag, script) VALUES
    ('drop-table', true, 'DROP TABLE orders;'),
    ('drop-table', true, 'DROP TABLE IF EXISTS audit;'),
    ('drop-table', true, 'DROP TABLE corpus.orders, audit CASCADE;'),
    ('drop-table', false, 'DROP VIEW IF EXISTS orders_view;'),
    ('drop-table', false, 'DROP MATERIALIZED VIEW IF EXISTS orders_totals;'),
    ('drop-table', false, 'DROP FOREIGN TABLE IF EXISTS remote_orders;'),

    ('drop-column', true, 'ALTER TABLE accounts DROP COLUMN score;'),
    ('drop-column', true, 'ALTER TABLE accounts DROP COLUMN IF EXISTS score CASCADE;'),
    ('drop-column', true, 'ALTER TABLE orders ADD COLUMN memo text, DROP COLUMN note;'),
    ('drop-column', false, 'ALTER TABLE accounts DROP CONSTRAINT accounts_nickname_not_null;'),
    ('drop-column', false, 'ALTER TABLE accounts ALTER COLUMN score DROP DEFAULT;'),
    ('drop-column', false, 'ALTER TYPE address DROP ATTRIBUTE zip;'),

    ('drop-database', true, 'DROP DATABASE legacy;'),
    ('drop-database', true, 'DROP DATABASE IF EXISTS legacy;'),
    ('drop-database', true, 'DROP DATABASE legacy WITH (FORCE);'),
    ('drop-database', false, 'ALTER DATABASE legacy RENAME TO legacy_old;'),
    ('drop-database', false, 'DROP ROLE IF EXISTS legacy;'),
    ('drop-database', false, 'DROP SCHEMA IF EXISTS legacy;'),

    ('drop-not-null', true, 'ALTER TABLE orders ALTER COLUMN id DROP NOT NULL;'),
    ('drop-not-null', true, 'ALTER TABLE ONLY orders ALTER id DROP NOT NULL;'),
    ('drop-not-null', true, 'ALTER TABLE orders ALTER COLUMN note SET DEFAULT '''', ALTER COLUMN id DROP NOT NULL;'),
    ('drop-not-null', false, 'ALTER TABLE orders ALTER COLUMN id DROP DEFAULT;'),
    ('drop-not-null', false, 'ALTER TABLE orders ALTER COLUMN id DROP IDENTITY IF EXISTS;'),
    ('drop-not-null', false, 'ALTER TABLE orders ALTER COLUMN note DROP EXPRESSION IF EXISTS;'),

    -- Binary-coercible changes keep the data as it is (no rewrite); the rest rewrite.
    ('column-type-change', true, 'ALTER TABLE accounts ALTER COLUMN score TYPE bigint;'),
    ('column-type-change', true, 'ALTER TABLE accounts ALTER COLUMN plan TYPE varchar(10);'),
    ('column-type-change', true, 'ALTER TABLE accounts ALTER COLUMN email TYPE varchar(200);'),
    ('column-type-change', true, 'ALTER TABLE accounts ALTER COLUMN balance TYPE numeric(10,4);'),
    ('column-type-change', true, 'ALTER TABLE accounts ALTER COLUMN code TYPE char(8);'),
    ('column-type-change', true, 'ALTER TABLE accounts ALTER COLUMN score TYPE bigint USING score::bigint;'),
    ('column-type-change', false, 'ALTER TABLE accounts ALTER COLUMN plan TYPE varchar(40);'),
    ('column-type-change', false, 'ALTER TABLE accounts ALTER COLUMN plan TYPE text;'),
    ('column-type-change', false, 'ALTER TABLE accounts ALTER COLUMN email TYPE varchar;'),
    ('column-type-change', false, 'ALTER TABLE accounts ALTER COLUMN balance TYPE numeric(14,2);'),
    ('column-type-change', false, 'ALTER TABLE accounts ALTER COLUMN seen TYPE timestamp(6);'),
    ('column-type-change', false, 'CREATE TABLE t (x integer); ALTER TABLE t ALTER COLUMN x TYPE bigint;'),

    ('rename-column', true, 'ALTER TABLE accounts RENAME COLUMN nickname TO handle;'),
    ('rename-column', true, 'ALTER TABLE accounts RENAME nickname TO handle;'),
    ('rename-column', true, 'ALTER TABLE IF EXISTS corpus.accounts RENAME COLUMN plan TO tier;'),
    ('rename-column', false, 'ALTER TABLE accounts RENAME CONSTRAINT accounts_email_not_null TO accounts_email_present;'),
    ('rename-column', false, 'ALTER INDEX accounts_email_idx RENAME TO accounts_by_email;'),
    ('rename-column', false, 'ALTER TYPE mood RENAME VALUE ''ok'' TO ''fine'';'),

    ('rename-table', true, 'ALTER TABLE accounts RENAME TO customers;'),
    ('rename-table', true, 'ALTER TABLE IF EXISTS orders RENAME TO purchases;'),
    ('rename-table', true, 'ALTER TABLE corpus.orders RENAME TO purchases;'),
    ('rename-table', false, 'ALTER INDEX orders_account_idx RENAME TO orders_by_account;'),
    ('rename-table', false, 'ALTER TABLE orders RENAME CONSTRAINT orders_fk TO orders_account_fk;'),
    ('rename-table', false, 'ALTER TRIGGER orders_touch ON orders RENAME TO orders_touched;'),

    -- Fine when a validated CHECK (col IS NOT NULL) exists, or the column is NOT NULL already.
    ('set-not-null', true, 'ALTER TABLE accounts ALTER COLUMN plan SET NOT NULL;'),
    ('set-not-null', true, 'ALTER TABLE accounts ALTER COLUMN nickname SET NOT NULL;'),
    ('set-not-null', true, 'ALTER TABLE orders ALTER COLUMN note SET NOT NULL;'),
    ('set-not-null', true, 'ALTER TABLE accounts ALTER COLUMN email SET NOT NULL, ALTER COLUMN plan SET NOT NULL;'),
    ('set-not-null', false, 'ALTER TABLE accounts ALTER COLUMN email SET NOT NULL;'),
    ('set-not-null', false, 'ALTER TABLE corpus.accounts ALTER email SET NOT NULL;'),
    ('set-not-null', false, 'ALTER TABLE orders ALTER COLUMN id SET NOT NULL;'),
    ('set-not-null', false, 'CREATE TABLE t (x text); ALTER TABLE t ALTER COLUMN x SET NOT NULL;'),

    ('add-not-null-without-default', true, 'ALTER TABLE accounts ADD COLUMN tier text NOT NULL;'),
    ('add-not-null-without-default', true, 'ALTER TABLE accounts ADD COLUMN IF NOT EXISTS tier text NOT NULL;'),
    ('add-not-null-without-default', true, 'ALTER TABLE accounts ADD COLUMN tier text NOT NULL DEFAULT NULL;'),
    ('add-not-null-without-default', true, 'ALTER TABLE orders ADD COLUMN ref bigint PRIMARY KEY;'),
    ('add-not-null-without-default', false, 'ALTER TABLE accounts ADD COLUMN tier text NOT NULL DEFAULT ''basic'';'),
    ('add-not-null-without-default', false, 'ALTER TABLE accounts ADD COLUMN tier text;'),
    ('add-not-null-without-default', false, 'CREATE TABLE t (id bigint); ALTER TABLE t ADD COLUMN tier text NOT NULL;'),
    ('add-not-null-without-default', false, 'ALTER TABLE orders ADD COLUMN ref bigint NOT NULL GENERATED ALWAYS AS IDENTITY;'),

    -- A constant (or stable) default is stored once; a volatile one is computed per row: rewrite.
    ('volatile-default', true, 'ALTER TABLE accounts ADD COLUMN token uuid DEFAULT gen_random_uuid();'),
    ('volatile-default', true, 'ALTER TABLE accounts ADD COLUMN luck float8 DEFAULT random();'),
    ('volatile-default', true, 'ALTER TABLE accounts ADD COLUMN added timestamptz NOT NULL DEFAULT clock_timestamp();'),
    ('volatile-default', true, 'ALTER TABLE accounts ADD COLUMN seq serial;'),
    ('volatile-default', true, 'ALTER TABLE accounts ADD COLUMN seq bigint GENERATED ALWAYS AS IDENTITY;'),
    ('volatile-default', true, 'ALTER TABLE accounts ADD COLUMN luck integer DEFAULT coalesce(NULL, (random() * 10)::integer);'),
    ('volatile-default', false, 'ALTER TABLE accounts ADD COLUMN added timestamptz NOT NULL DEFAULT now();'),
    ('volatile-default', false, 'ALTER TABLE accounts ADD COLUMN tier text DEFAULT ''basic'';'),
    ('volatile-default', false, 'ALTER TABLE accounts ADD COLUMN luck integer DEFAULT 0;'),
    ('volatile-default', false, 'ALTER TABLE accounts ALTER COLUMN email SET DEFAULT gen_random_uuid()::text;'),
    ('volatile-default', false, 'CREATE TABLE t (id bigint); ALTER TABLE t ADD COLUMN token uuid DEFAULT gen_random_uuid();'),

    -- Fine on a table created in the same script, or CONCURRENTLY.
    ('index-not-concurrent', true, 'CREATE INDEX accounts_plan_idx ON accounts (plan);'),
    ('index-not-concurrent', true, 'CREATE UNIQUE INDEX orders_id_uniq ON orders (id);'),
    ('index-not-concurrent', true, 'CREATE INDEX IF NOT EXISTS orders_note_idx ON orders USING hash (note);'),
    ('index-not-concurrent', true, 'CREATE TABLE t (x text); CREATE INDEX orders_note_idx ON orders (note);'),
    ('index-not-concurrent', false, pg_temp.notx('CREATE INDEX CONCURRENTLY IF NOT EXISTS accounts_plan_idx ON accounts (plan);')),
    ('index-not-concurrent', false, pg_temp.notx('CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS orders_id_uniq ON orders (id);')),
    ('index-not-concurrent', false, 'CREATE TABLE t (x text); CREATE INDEX t_x_idx ON t (x);'),
    ('index-not-concurrent', false, 'CREATE TABLE corpus.t (x text); CREATE UNIQUE INDEX ON corpus.t (x);'),

    ('drop-index-not-concurrent', true, 'DROP INDEX accounts_email_idx;'),
    ('drop-index-not-concurrent', true, 'DROP INDEX IF EXISTS corpus.accounts_email_idx;'),
    ('drop-index-not-concurrent', true, 'DROP INDEX accounts_email_idx, orders_account_idx;'),
    ('drop-index-not-concurrent', false, pg_temp.notx('DROP INDEX CONCURRENTLY IF EXISTS accounts_email_idx;')),
    ('drop-index-not-concurrent', false, pg_temp.notx('DROP INDEX CONCURRENTLY IF EXISTS corpus.orders_account_idx;')),
    ('drop-index-not-concurrent', false, 'CREATE TABLE t (x text); CREATE INDEX t_x_idx ON t (x); DROP INDEX t_x_idx;'),

    ('reindex-not-concurrent', true, 'REINDEX TABLE accounts;'),
    ('reindex-not-concurrent', true, 'REINDEX INDEX accounts_email_idx;'),
    ('reindex-not-concurrent', true, 'REINDEX (VERBOSE) TABLE orders;'),
    ('reindex-not-concurrent', false, pg_temp.notx('REINDEX TABLE CONCURRENTLY accounts;')),
    ('reindex-not-concurrent', false, pg_temp.notx('REINDEX (VERBOSE) INDEX CONCURRENTLY accounts_email_idx;')),
    ('reindex-not-concurrent', false, 'CREATE TABLE t (x text); CREATE INDEX t_x_idx ON t (x); REINDEX TABLE t;'),
    ('reindex-not-concurrent', false, 'CREATE TABLE t (x text); CREATE INDEX t_x_idx ON t (x); REINDEX INDEX t_x_idx;'),

    ('constraint-not-valid-missing', true, 'ALTER TABLE orders ADD CONSTRAINT orders_account_fk FOREIGN KEY (account_id) REFERENCES accounts (id);'),
    ('constraint-not-valid-missing', true, 'ALTER TABLE orders ADD CONSTRAINT orders_amount_positive CHECK (amount > 0);'),
    ('constraint-not-valid-missing', true, 'ALTER TABLE orders ADD FOREIGN KEY (account_id) REFERENCES accounts ON DELETE CASCADE;'),
    ('constraint-not-valid-missing', false, 'ALTER TABLE orders ADD CONSTRAINT orders_account_fk FOREIGN KEY (account_id) REFERENCES accounts (id) NOT VALID;'),
    ('constraint-not-valid-missing', false, 'ALTER TABLE orders ADD CONSTRAINT orders_amount_positive CHECK (amount > 0) NOT VALID;'),
    ('constraint-not-valid-missing', false, 'ALTER TABLE orders VALIDATE CONSTRAINT orders_amount_positive;'),
    ('constraint-not-valid-missing', false, 'CREATE TABLE t (account_id bigint); ALTER TABLE t ADD FOREIGN KEY (account_id) REFERENCES accounts;'),

    ('unique-constraint-without-index', true, 'ALTER TABLE orders ADD CONSTRAINT orders_id_unique UNIQUE (id);'),
    ('unique-constraint-without-index', true, 'ALTER TABLE orders ADD UNIQUE (id, account_id);'),
    ('unique-constraint-without-index', true, 'ALTER TABLE accounts ADD CONSTRAINT accounts_email_unique UNIQUE (email) DEFERRABLE;'),
    ('unique-constraint-without-index', false, 'ALTER TABLE orders ADD CONSTRAINT orders_id_unique UNIQUE USING INDEX orders_id_key;'),
    ('unique-constraint-without-index', false, 'ALTER TABLE accounts ADD CONSTRAINT accounts_nickname_unique UNIQUE USING INDEX accounts_nickname_key;'),
    ('unique-constraint-without-index', false, 'CREATE TABLE t (x text); ALTER TABLE t ADD UNIQUE (x);'),

    ('primary-key-without-index', true, 'ALTER TABLE orders ADD PRIMARY KEY (id);'),
    ('primary-key-without-index', true, 'ALTER TABLE orders ADD CONSTRAINT orders_pkey PRIMARY KEY (id);'),
    ('primary-key-without-index', true, 'ALTER TABLE audit ADD CONSTRAINT audit_pkey PRIMARY KEY (id, account_id);'),
    ('primary-key-without-index', false, 'ALTER TABLE orders ADD CONSTRAINT orders_pkey PRIMARY KEY USING INDEX orders_id_key;'),
    ('primary-key-without-index', false, 'ALTER TABLE orders ADD PRIMARY KEY USING INDEX orders_id_key;'),
    ('primary-key-without-index', false, 'CREATE TABLE t (id bigint); ALTER TABLE t ADD PRIMARY KEY (id);'),

    ('vacuum-full-or-cluster', true, pg_temp.notx('VACUUM FULL orders;')),
    ('vacuum-full-or-cluster', true, pg_temp.notx('VACUUM (FULL, ANALYZE) orders;')),
    ('vacuum-full-or-cluster', true, 'CLUSTER orders USING orders_id_key;'),
    ('vacuum-full-or-cluster', true, 'CLUSTER accounts;'),
    ('vacuum-full-or-cluster', false, pg_temp.notx('VACUUM orders;')),
    ('vacuum-full-or-cluster', false, pg_temp.notx('VACUUM (FULL false, ANALYZE) orders;')),
    ('vacuum-full-or-cluster', false, 'ANALYZE orders;'),

    ('truncate', true, 'TRUNCATE orders;'),
    ('truncate', true, 'TRUNCATE TABLE orders RESTART IDENTITY;'),
    ('truncate', true, 'TRUNCATE ONLY orders, audit RESTRICT;'),
    ('truncate', false, 'TRUNCATE orders CASCADE;'),
    ('truncate', false, 'DELETE FROM orders WHERE amount < 0;'),
    ('truncate', false, 'DELETE FROM orders WHERE id IN (SELECT id FROM orders ORDER BY id LIMIT 10);'),

    ('truncate-cascade', true, 'TRUNCATE accounts CASCADE;'),
    ('truncate-cascade', true, 'TRUNCATE TABLE accounts, orders CASCADE;'),
    ('truncate-cascade', true, 'TRUNCATE accounts RESTART IDENTITY CASCADE;'),
    ('truncate-cascade', false, 'TRUNCATE accounts;'),
    ('truncate-cascade', false, 'TRUNCATE accounts RESTRICT;'),
    ('truncate-cascade', false, 'DROP TABLE accounts CASCADE;'),

    ('delete-without-where', true, 'DELETE FROM orders;'),
    ('delete-without-where', true, 'DELETE FROM ONLY orders;'),
    ('delete-without-where', true, 'DELETE FROM orders o USING accounts a;'),
    ('delete-without-where', true, 'WITH gone AS (DELETE FROM orders RETURNING id) SELECT count(*) FROM gone;'),
    ('delete-without-where', false, 'DELETE FROM orders WHERE amount < 0;'),
    ('delete-without-where', false, 'DELETE FROM orders o USING accounts a WHERE o.account_id = a.id AND a.plan = ''closed'';'),
    ('delete-without-where', false, 'WITH gone AS (DELETE FROM orders WHERE amount < 0 RETURNING id) SELECT count(*) FROM gone;'),

    ('update-without-where', true, 'UPDATE orders SET note = '''';'),
    ('update-without-where', true, 'UPDATE ONLY orders SET amount = amount + 1;'),
    ('update-without-where', true, 'UPDATE orders o SET note = a.email FROM accounts a;'),
    ('update-without-where', true, 'WITH moved AS (UPDATE orders SET note = '''' RETURNING id) SELECT count(*) FROM moved;'),
    ('update-without-where', false, 'UPDATE orders SET note = '''' WHERE note IS NULL;'),
    ('update-without-where', false, 'UPDATE orders o SET note = a.email FROM accounts a WHERE o.account_id = a.id;'),
    ('update-without-where', false, 'WITH moved AS (UPDATE orders SET note = '''' WHERE note IS NULL RETURNING id) SELECT count(*) FROM moved;'),

    -- Statements PostgreSQL refuses in a transaction block, in a transactional script.
    ('requires-no-transaction', true, 'CREATE INDEX CONCURRENTLY accounts_plan_idx ON accounts (plan);'),
    ('requires-no-transaction', true, 'DROP INDEX CONCURRENTLY IF EXISTS accounts_email_idx;'),
    ('requires-no-transaction', true, 'REINDEX TABLE CONCURRENTLY accounts;'),
    ('requires-no-transaction', true, 'VACUUM orders;'),
    ('requires-no-transaction', true, 'CREATE DATABASE scratch;'),
    ('requires-no-transaction', true, 'ALTER SYSTEM SET work_mem = ''64MB'';'),
    ('requires-no-transaction', true, 'REINDEX SCHEMA corpus;'),
    ('requires-no-transaction', true, 'CLUSTER;'),
    ('requires-no-transaction', false, pg_temp.notx('CREATE INDEX CONCURRENTLY IF NOT EXISTS accounts_plan_idx ON accounts (plan);')),
    ('requires-no-transaction', false, pg_temp.notx('DROP INDEX CONCURRENTLY IF EXISTS accounts_email_idx;')),
    ('requires-no-transaction', false, pg_temp.notx('VACUUM orders;')),
    ('requires-no-transaction', false, 'CREATE INDEX accounts_plan_idx ON accounts (plan);'),
    ('requires-no-transaction', false, 'ANALYZE orders;'),
    ('requires-no-transaction', false, 'CLUSTER orders USING orders_id_key;'),

    ('transaction-control', true, 'BEGIN;'),
    ('transaction-control', true, 'ALTER TABLE orders ADD COLUMN memo text; COMMIT;'),
    ('transaction-control', true, 'ROLLBACK;'),
    ('transaction-control', true, 'START TRANSACTION ISOLATION LEVEL SERIALIZABLE;'),
    ('transaction-control', false, 'SET LOCAL lock_timeout = ''1s'';'),
    ('transaction-control', false, 'DO $$BEGIN PERFORM 1; END$$;'),
    ('transaction-control', false, 'COMMENT ON TABLE orders IS ''commit log'';'),
    ('transaction-control', false, 'LOCK TABLE orders IN SHARE MODE;'),

    ('enum-value-unordered', true, 'ALTER TYPE mood ADD VALUE ''meh'' BEFORE ''ok'';'),
    ('enum-value-unordered', true, 'ALTER TYPE mood ADD VALUE ''meh'' AFTER ''sad'';'),
    ('enum-value-unordered', true, 'ALTER TYPE corpus.mood ADD VALUE IF NOT EXISTS ''meh'' BEFORE ''sad'';'),
    ('enum-value-unordered', false, 'ALTER TYPE mood ADD VALUE ''meh'';'),
    ('enum-value-unordered', false, 'ALTER TYPE mood ADD VALUE IF NOT EXISTS ''meh'';'),
    ('enum-value-unordered', false, 'ALTER TYPE mood RENAME VALUE ''ok'' TO ''fine'';'),

    ('prefer-timestamptz', true, 'CREATE TABLE e (at timestamp);'),
    ('prefer-timestamptz', true, 'CREATE TABLE e (at timestamp(3) without time zone);'),
    ('prefer-timestamptz', true, 'ALTER TABLE accounts ADD COLUMN last_login timestamp;'),
    ('prefer-timestamptz', false, 'CREATE TABLE e (at timestamptz);'),
    ('prefer-timestamptz', false, 'CREATE TABLE e (at timestamp(3) with time zone);'),
    ('prefer-timestamptz', false, 'ALTER TABLE accounts ADD COLUMN last_login date;'),

    ('prefer-bigint', true, 'CREATE TABLE e (id integer PRIMARY KEY);'),
    ('prefer-bigint', true, 'CREATE TABLE e (id serial);'),
    ('prefer-bigint', true, 'CREATE TABLE e (id int GENERATED ALWAYS AS IDENTITY);'),
    ('prefer-bigint', true, 'CREATE TABLE e (id smallint, name text, PRIMARY KEY (id));'),
    ('prefer-bigint', false, 'CREATE TABLE e (id bigint PRIMARY KEY);'),
    ('prefer-bigint', false, 'CREATE TABLE e (id bigserial, n integer);'),
    ('prefer-bigint', false, 'CREATE TABLE e (id bigint GENERATED ALWAYS AS IDENTITY, n integer);'),
    ('prefer-bigint', false, 'CREATE TABLE e (id bigint, n integer, PRIMARY KEY (id));'),

    ('prefer-text', true, 'CREATE TABLE e (name varchar(50));'),
    ('prefer-text', true, 'CREATE TABLE e (name character varying(255) NOT NULL);'),
    ('prefer-text', true, 'ALTER TABLE accounts ADD COLUMN handle varchar(30);'),
    ('prefer-text', false, 'CREATE TABLE e (name text);'),
    ('prefer-text', false, 'CREATE TABLE e (name varchar NOT NULL);'),
    ('prefer-text', false, 'ALTER TABLE accounts ADD COLUMN handle text CHECK (length(handle) <= 30);'),

    ('prefer-jsonb', true, 'CREATE TABLE e (doc json);'),
    ('prefer-jsonb', true, 'CREATE TABLE e (docs json[]);'),
    ('prefer-jsonb', true, 'ALTER TABLE accounts ADD COLUMN prefs json DEFAULT ''{}'';'),
    ('prefer-jsonb', false, 'CREATE TABLE e (doc jsonb);'),
    ('prefer-jsonb', false, 'CREATE TABLE e (docs jsonb[]);'),
    ('prefer-jsonb', false, 'ALTER TABLE accounts ADD COLUMN prefs jsonb DEFAULT ''{}'';'),

    ('prefer-identity', true, 'CREATE TABLE e (id serial);'),
    ('prefer-identity', true, 'CREATE TABLE e (id bigserial PRIMARY KEY);'),
    ('prefer-identity', true, 'CREATE TABLE e (id smallserial);'),
    ('prefer-identity', true, 'ALTER TABLE accounts ADD COLUMN seq bigserial;'),
    ('prefer-identity', false, 'CREATE TABLE e (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY);'),
    ('prefer-identity', false, 'CREATE TABLE e (id bigint GENERATED BY DEFAULT AS IDENTITY);'),
    ('prefer-identity', false, 'CREATE TABLE e (id bigint PRIMARY KEY);'),

    -- 64 bytes and more are truncated; 63 are kept (é is two bytes in UTF-8).
    ('identifier-too-long', true, 'CREATE TABLE orders_by_account_and_amount_and_note_for_the_quarterly_reports2 (id bigint);'),
    ('identifier-too-long', true, 'ALTER TABLE orders ADD COLUMN last_successful_login_attempt_timestamp_from_the_mobile_client_x text;'),
    ('identifier-too-long', true, 'CREATE INDEX "Orders By Account And Amount And Note For The Quarterly Reports!" ON orders (account_id);'),
    ('identifier-too-long', true, 'CREATE TABLE éééééééééééééééééééééééééééééééé (id bigint);'),
    ('identifier-too-long', true, 'CREATE INDEX "Orders ""By"" Account And Amount And Note For The Quarterly Report" ON orders (account_id);'),
    ('identifier-too-long', true, 'ALTER TABLE "Order" ADD COLUMN "last_successful_login_attempt_timestamp_from_the_mobile_client_x" TEXT;'),
    ('identifier-too-long', false, 'CREATE TABLE orders_by_account_and_amount_and_note_for_the_quarterly_reports (id bigint);'),
    ('identifier-too-long', false, 'CREATE INDEX "Orders By Account And Amount And Note For The Quarterly Report!" ON orders (account_id);'),
    ('identifier-too-long', false, 'CREATE TABLE éééééééééééééééééééééééééééééééx (id bigint);'),
    ('identifier-too-long', false, 'COMMENT ON TABLE orders IS ''orders_by_account_and_amount_and_note_for_the_quarterly_reports2'';'),

    -- Only in -- migrate:no-transaction scripts, where a failed run is retried statement by statement.
    ('non-transactional-not-idempotent', true, pg_temp.notx('CREATE INDEX CONCURRENTLY accounts_plan_idx ON accounts (plan);')),
    ('non-transactional-not-idempotent', true, pg_temp.notx('CREATE UNIQUE INDEX CONCURRENTLY orders_id_uniq ON orders (id);')),
    ('non-transactional-not-idempotent', true, pg_temp.notx('DROP INDEX CONCURRENTLY accounts_email_idx;')),
    ('non-transactional-not-idempotent', true, pg_temp.notx('ALTER TYPE mood ADD VALUE ''meh'';')),
    ('non-transactional-not-idempotent', true, pg_temp.notx('CREATE TABLE e (id bigint);')),
    ('non-transactional-not-idempotent', true, pg_temp.notx('ALTER TABLE orders ADD COLUMN memo text;')),
    ('non-transactional-not-idempotent', false, pg_temp.notx('CREATE INDEX CONCURRENTLY IF NOT EXISTS accounts_plan_idx ON accounts (plan);')),
    ('non-transactional-not-idempotent', false, pg_temp.notx('DROP INDEX CONCURRENTLY IF EXISTS accounts_email_idx;')),
    ('non-transactional-not-idempotent', false, pg_temp.notx('ALTER TYPE mood ADD VALUE IF NOT EXISTS ''meh'';')),
    ('non-transactional-not-idempotent', false, pg_temp.notx('CREATE TABLE IF NOT EXISTS e (id bigint);')),
    ('non-transactional-not-idempotent', false, pg_temp.notx('ALTER TABLE orders ADD COLUMN IF NOT EXISTS memo text;')),
    ('non-transactional-not-idempotent', false, 'CREATE INDEX accounts_plan_idx ON accounts (plan);');

-- Lint every case once (the scanner's "will be truncated" NOTICEs are not the point here).
SET client_min_messages = warning;
CREATE TEMP TABLE corpus_results AS
SELECT c.n, c.rule, c.expect_flag, c.script,
       EXISTS (SELECT FROM migrate.lint(c.script) l WHERE l.rule = c.rule) AS flagged,
       (SELECT string_agg(DISTINCT l.rule, ', ') FROM migrate.lint(c.script) l) AS found
FROM corpus_cases c;
RESET client_min_messages;

-- Mismatches: flagged when it must not be, or not flagged when it must (none).
SELECT n, rule, expect_flag, flagged, script, found
FROM corpus_results WHERE flagged <> expect_flag ORDER BY n;

-- Coverage: every rule of §8 with what lint actually flagged and left clean.
SELECT r.rule, count(c.n) FILTER (WHERE c.flagged) AS flagged, count(c.n) FILTER (WHERE NOT c.flagged) AS clean
FROM unnest(ARRAY['drop-table', 'drop-column', 'drop-database', 'drop-not-null', 'column-type-change',
                  'rename-column', 'rename-table', 'set-not-null', 'add-not-null-without-default',
                  'volatile-default', 'index-not-concurrent', 'drop-index-not-concurrent',
                  'reindex-not-concurrent', 'constraint-not-valid-missing', 'unique-constraint-without-index',
                  'primary-key-without-index', 'vacuum-full-or-cluster', 'truncate', 'truncate-cascade',
                  'delete-without-where', 'update-without-where', 'requires-no-transaction',
                  'transaction-control', 'enum-value-unordered', 'prefer-timestamptz', 'prefer-bigint',
                  'prefer-text', 'prefer-jsonb', 'prefer-identity', 'identifier-too-long',
                  'non-transactional-not-idempotent']) WITH ORDINALITY AS r (rule, ord)
LEFT JOIN corpus_results c ON c.rule = r.rule
GROUP BY r.rule, r.ord ORDER BY r.ord;

-- Lock modes. Each statement runs for real inside a subtransaction (the
-- PL/pgSQL block is a BEGIN ... ROLLBACK TO SAVEPOINT, so the fixture is left
-- as it was), and the strongest lock this session then holds on the given
-- table is compared with the lock_mode of every lint finding for it (also the
-- findings that are not about locking, such as prefer-timestamptz on ADD
-- COLUMN or identifier-too-long: each names the lock of its statement).
--
-- What the raw-tree classification cannot see: lint reads the statement
-- before parse analysis, so it knows the lock PostgreSQL takes on the named
-- target (for ALTER TABLE it asks AlterTableGetLockLevel, as PostgreSQL
-- does), but not the locks taken on other relations as a consequence: the
-- referenced table of a foreign key (SHARE ROW EXCLUSIVE, shown below), the
-- tables a TRUNCATE ... CASCADE reaches, partitions and inheritance children,
-- indexes and TOAST tables, tables touched by triggers, rules or foreign-key
-- actions of a DELETE/UPDATE, views depending on a changed column. It is a
-- lower bound for the statement as a whole. Statements that cannot run in a
-- transaction (CONCURRENTLY, VACUUM) are not compared here; they take SHARE
-- UPDATE EXCLUSIVE (VACUUM FULL: ACCESS EXCLUSIVE).
CREATE FUNCTION pg_temp.lock_name(mode text) RETURNS text LANGUAGE sql IMMUTABLE
AS $$ SELECT upper(regexp_replace(regexp_replace(mode, 'Lock$', ''), '([a-z])([A-Z])', '\1 \2', 'g')) $$;

CREATE FUNCTION pg_temp.lock_check(stmt text, target regclass)
RETURNS TABLE (statement text, on_table regclass, lint_lock text, actual_lock text, same boolean)
LANGUAGE plpgsql AS $$
DECLARE
    held text;
BEGIN
    statement := stmt;
    on_table := target;
    SELECT string_agg(DISTINCT coalesce(nullif(l.lock_mode, ''), '(none)'), ', ') INTO lint_lock
    FROM migrate.lint(stmt) l;
    IF EXISTS (SELECT FROM pg_locks WHERE pid = pg_backend_pid() AND relation = target) THEN
        RAISE EXCEPTION 'a lock on % is held before the statement runs', target;
    END IF;
    BEGIN
        EXECUTE stmt;
        SELECT pg_temp.lock_name(mode) INTO held
        FROM pg_locks
        WHERE pid = pg_backend_pid() AND locktype = 'relation' AND relation = target AND granted
        ORDER BY array_position(ARRAY['AccessShareLock', 'RowShareLock', 'RowExclusiveLock',
                                      'ShareUpdateExclusiveLock', 'ShareLock', 'ShareRowExclusiveLock',
                                      'ExclusiveLock', 'AccessExclusiveLock'], mode) DESC
        LIMIT 1;
        RAISE SQLSTATE 'PGMLK';
    EXCEPTION WHEN SQLSTATE 'PGMLK' THEN
        actual_lock := held;
    END;
    same := lint_lock IS NOT DISTINCT FROM actual_lock;
    RETURN NEXT;
END $$;

-- Statements with findings: lint's lock mode must be what PostgreSQL takes.
SET client_min_messages = warning;
SELECT lc.*
FROM (VALUES
    ('ALTER TABLE accounts ADD COLUMN token uuid DEFAULT gen_random_uuid();', 'accounts'),
    ('ALTER TABLE accounts ADD COLUMN seq bigint GENERATED ALWAYS AS IDENTITY;', 'accounts'),
    ('ALTER TABLE accounts ADD COLUMN seq bigserial;', 'accounts'),
    ('ALTER TABLE empty ADD COLUMN tier text NOT NULL;', 'empty'),
    ('ALTER TABLE accounts ADD COLUMN last_login timestamp;', 'accounts'),
    ('ALTER TABLE accounts ADD COLUMN prefs json;', 'accounts'),
    ('ALTER TABLE accounts ADD COLUMN handle varchar(30);', 'accounts'),
    ('ALTER TABLE orders ADD COLUMN last_successful_login_attempt_timestamp_from_the_mobile_client_x text;', 'orders'),
    ('ALTER TABLE accounts DROP COLUMN score;', 'accounts'),
    ('ALTER TABLE accounts ALTER COLUMN plan SET NOT NULL;', 'accounts'),
    ('ALTER TABLE orders ALTER COLUMN id DROP NOT NULL;', 'orders'),
    ('ALTER TABLE accounts ALTER COLUMN score TYPE bigint;', 'accounts'),
    ('ALTER TABLE accounts ALTER COLUMN balance TYPE numeric(10,4);', 'accounts'),
    ('ALTER TABLE orders ADD CONSTRAINT orders_account_fk FOREIGN KEY (account_id) REFERENCES accounts (id);', 'orders'),
    ('ALTER TABLE orders ADD CONSTRAINT orders_account_fk FOREIGN KEY (account_id) REFERENCES accounts (id);', 'accounts'),
    ('ALTER TABLE orders ALTER COLUMN note SET STATISTICS 500, ADD FOREIGN KEY (account_id) REFERENCES accounts;', 'orders'),
    ('ALTER TABLE orders ADD CONSTRAINT orders_amount_positive CHECK (amount > 0);', 'orders'),
    ('ALTER TABLE orders ADD CONSTRAINT orders_id_unique UNIQUE (id);', 'orders'),
    ('ALTER TABLE orders ADD PRIMARY KEY (id);', 'orders'),
    ('ALTER TABLE orders ENABLE TRIGGER orders_touch, DROP COLUMN note;', 'orders'),
    ('ALTER TABLE accounts RENAME COLUMN nickname TO handle;', 'accounts'),
    ('ALTER TABLE orders RENAME TO purchases;', 'orders'),
    ('CREATE INDEX orders_note_idx ON orders (note);', 'orders'),
    ('CREATE UNIQUE INDEX orders_id_uniq ON orders (id);', 'orders'),
    ('CREATE INDEX orders_by_account_and_amount_and_note_for_the_quarterly_reports2 ON orders (note);', 'orders'),
    ('DROP INDEX orders_account_idx;', 'orders'),
    ('REINDEX TABLE orders;', 'orders'),
    ('REINDEX INDEX orders_account_idx;', 'orders'),
    ('CLUSTER orders USING orders_id_key;', 'orders'),
    ('TRUNCATE orders;', 'orders'),
    ('TRUNCATE accounts CASCADE;', 'accounts'),
    ('TRUNCATE accounts CASCADE;', 'audit'),
    ('DELETE FROM orders;', 'orders'),
    ('UPDATE orders SET note = '''';', 'orders'),
    ('WITH gone AS (DELETE FROM orders RETURNING id) SELECT count(*) FROM gone;', 'orders'),
    ('DROP TABLE orders;', 'orders')
) AS s (stmt, target), pg_temp.lock_check(s.stmt, s.target::regclass) lc;

-- Statements lint has no finding for (nothing to compare): PostgreSQL's lock, for reference.
SELECT lc.statement, lc.on_table, lc.lint_lock IS NULL AS no_findings, lc.actual_lock
FROM (VALUES
    ('ALTER TABLE orders ADD COLUMN memo text;', 'orders'),
    ('ALTER TABLE orders ADD CONSTRAINT orders_amount_positive CHECK (amount > 0) NOT VALID;', 'orders'),
    ('ALTER TABLE orders ADD CONSTRAINT orders_account_fk FOREIGN KEY (account_id) REFERENCES accounts NOT VALID;', 'orders'),
    ('ALTER TABLE orders ADD CONSTRAINT orders_account_fk FOREIGN KEY (account_id) REFERENCES accounts NOT VALID;', 'accounts'),
    ('ALTER TABLE accounts VALIDATE CONSTRAINT accounts_nickname_not_null;', 'accounts'),
    ('ALTER TABLE accounts ALTER COLUMN email SET NOT NULL;', 'accounts'),
    ('ALTER TABLE accounts ALTER COLUMN plan TYPE varchar(40);', 'accounts'),
    ('ALTER TABLE orders ALTER COLUMN note SET STATISTICS 500;', 'orders'),
    ('ALTER TABLE orders ENABLE TRIGGER orders_touch;', 'orders'),
    ('ALTER TABLE orders ADD CONSTRAINT orders_id_unique UNIQUE USING INDEX orders_id_key;', 'orders'),
    ('DELETE FROM orders WHERE amount < 0;', 'orders')
) AS s (stmt, target), pg_temp.lock_check(s.stmt, s.target::regclass) lc;
RESET client_min_messages;

-- The same comparison without the helper, in a plain transaction block: a
-- foreign key locks both tables SHARE ROW EXCLUSIVE.
BEGIN;
ALTER TABLE orders ADD CONSTRAINT orders_account_fk FOREIGN KEY (account_id) REFERENCES accounts (id);
SELECT DISTINCT ON (relation) relation::regclass AS on_table, pg_temp.lock_name(mode) AS actual_lock,
       (SELECT lock_mode FROM migrate.lint('ALTER TABLE orders ADD CONSTRAINT orders_account_fk FOREIGN KEY (account_id) REFERENCES accounts (id);')) AS lint_lock
FROM pg_locks
WHERE pid = pg_backend_pid() AND locktype = 'relation' AND granted
  AND relation IN ('orders'::regclass, 'accounts'::regclass)
ORDER BY relation, array_position(ARRAY['AccessShareLock', 'RowShareLock', 'RowExclusiveLock',
                                        'ShareUpdateExclusiveLock', 'ShareLock', 'ShareRowExclusiveLock',
                                        'ExclusiveLock', 'AccessExclusiveLock'], mode) DESC;
ROLLBACK;

-- The fixture is untouched by the lock checks.
SELECT (SELECT count(*) FROM accounts) AS accounts, (SELECT count(*) FROM orders) AS orders,
       (SELECT count(*) FROM pg_constraint WHERE conrelid = 'orders'::regclass AND contype <> 'n') AS order_constraints;

RESET search_path;
SET client_min_messages = warning;
DROP SCHEMA corpus CASCADE;
RESET client_min_messages;
DROP EXTENSION pg_migrate;
DROP SCHEMA migrate;
