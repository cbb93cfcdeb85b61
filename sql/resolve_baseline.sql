-- resolve(), baseline() and repair(): state changes without running SQL, all in history.
CREATE EXTENSION pg_migrate;
\set VERBOSITY terse

\i test/sql/try.sql

-- Baselining an existing database: its tables already exist.
CREATE TABLE customers (id int PRIMARY KEY, name text);
CREATE TABLE orders (id int PRIMARY KEY, customer_id int REFERENCES customers);
SELECT migrate.register('schema', '20250101000000', 'customers', 'CREATE TABLE customers (id int PRIMARY KEY, name text);');
SELECT migrate.register('schema', '20250201000000', 'orders', 'CREATE TABLE orders (id int PRIMARY KEY, customer_id int REFERENCES customers);');
SELECT migrate.register('schema', '20260101000000', 'orders_total', 'ALTER TABLE orders ADD COLUMN total numeric;');
SELECT migrate.baseline('schema', '20250201000000');
SELECT version, state FROM migrate.status();
SELECT stream, version, outcome FROM migrate.apply();
SELECT column_name FROM information_schema.columns WHERE table_name = 'orders' ORDER BY ordinal_position;
-- Baselining again changes nothing.
SELECT migrate.baseline('schema', '20250201000000');
SELECT pg_temp.try($$SELECT migrate.baseline('nope', '1')$$);
SELECT pg_temp.try($$SELECT migrate.baseline('schema', 'latest')$$);

-- A migration applied by hand (Prisma's "resolve --applied").
SELECT migrate.register('schema', '20260201000000', 'orders_note', 'ALTER TABLE orders ADD COLUMN note text;');
ALTER TABLE orders ADD COLUMN note text;
SELECT migrate.resolve('schema', '20260201000000', 'applied');
SELECT stream, version, outcome FROM migrate.apply();
SELECT version, state FROM migrate.status() WHERE version = '20260201000000';
SELECT migrate.resolve('schema', '20260201000000', 'applied');

-- A failed migration fixed by hand and marked rolled back, then applied again.
SELECT migrate.register('schema', '20260301000000', 'bad', 'ALTER TABLE orders ADD COLUMN note text;');
SELECT outcome FROM migrate.apply(on_error => 'record');
SELECT version, state FROM migrate.status() WHERE version = '20260301000000';
SELECT migrate.resolve('schema', '20260301000000', 'rolled_back');
SELECT version, state FROM migrate.status() WHERE version = '20260301000000';
SELECT pg_temp.try($$SELECT migrate.resolve('schema', '20260301000000', 'done')$$);
SELECT pg_temp.try($$SELECT migrate.resolve('schema', '1', 'applied')$$);

-- repair: only for applied migrations; content replaced, nothing run, old checksum noted.
SELECT pg_temp.try($$SELECT migrate.repair('schema', '20260301000000', 'SELECT 1;')$$);
SELECT checksum AS old_checksum FROM migrate.migrations WHERE version = '20260101000000' \gset
SELECT migrate.repair('schema', '20260101000000', E'-- a comment added after the fact\nALTER TABLE orders ADD COLUMN total numeric;');
SELECT migrate.repair('schema', '20260101000000', E'-- a comment added after the fact\nALTER TABLE orders ADD COLUMN total numeric;');
SELECT checksum <> :'old_checksum' AS checksum_changed, state FROM migrate.migrations WHERE version = '20260101000000';
SELECT migrate.register('schema', '20260101000000', 'orders_total', E'-- a comment added after the fact\nALTER TABLE orders ADD COLUMN total numeric;');
SELECT pg_temp.try($$SELECT migrate.repair('schema', '20260101000000', E'-- migrate:bogus\nSELECT 1;')$$);

-- Every action is in the history, with what it did.
SELECT version, action, status, message FROM migrate.history ORDER BY id;

DROP EXTENSION pg_migrate;
DROP SCHEMA migrate;
DROP TABLE orders, customers;
