-- migrate.register(): parse, store and compare migrations.
CREATE EXTENSION pg_migrate;
\set VERBOSITY terse

\i test/sql/try.sql

-- A new migration, then the same content again, then a changed pending one.
SELECT migrate.register('schema', '20260101120000', 'create_users', $$-- migrate:up
CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL);
-- migrate:down
DROP TABLE users;
$$, 'migrations/20260101120000_create_users.sql');
SELECT migrate.register('schema', '20260101120000', 'create_users', $$-- migrate:up
CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL);
-- migrate:down
DROP TABLE users;
$$, 'migrations/20260101120000_create_users.sql');
SELECT migrate.register('schema', '20260101120000', 'create_users', $$-- migrate:up
CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL, created_at timestamptz);
-- migrate:down
DROP TABLE users;
$$, 'migrations/20260101120000_create_users.sql');

-- The checksum is sha256 over the script as uploaded.
SELECT version, checksum = encode(sha256(convert_to(script, 'UTF8')), 'hex') AS checksum_is_sha256,
       up_sql, down_sql, verify_sql IS NULL AS no_verify, up_line, down_line, transactional, state
FROM migrate.migrations;

-- Every directive is stored.
SELECT migrate.register('data', '20260102_0900', 'backfill_emails', $$-- migrate:db-version 1.1.0
-- migrate:requires schema:20260101120000
-- migrate:allow update-without-where, drop-column
-- migrate:lock-timeout 2s
-- migrate:out-of-order
-- migrate:stream data
-- migrate:up
UPDATE users SET email = lower(email);
-- migrate:verify
SELECT count(*) = 0 FROM users WHERE email <> lower(email);
$$);
SELECT stream, version, name, requires, db_version, allow, lock_timeout, out_of_order, up_line, verify_line,
       verify_sql, source IS NULL AS no_source
FROM migrate.migrations WHERE stream = 'data';

-- A bare version in requires means the migration's own stream.
SELECT migrate.register('schema', '20260103000000', 'needs_users', $$-- migrate:requires 20260101120000
SELECT 1;
$$);
SELECT requires FROM migrate.migrations WHERE version = '20260103000000';

-- dbmate's transaction:false marks the migration non-transactional.
SELECT migrate.register('index', '20260104000000', 'users_email_idx', $$-- migrate:up transaction:false
CREATE INDEX CONCURRENTLY IF NOT EXISTS users_email_idx ON users (email);
-- migrate:down transaction:false
DROP INDEX CONCURRENTLY IF EXISTS users_email_idx;
$$);
SELECT stream, version, transactional FROM migrate.migrations WHERE stream = 'index';

-- A file with no section marker is all up.
SELECT migrate.register('schema', '20260105000000', 'plain', 'CREATE TABLE plain (id int);');
SELECT up_sql, down_sql IS NULL AS no_down, up_line FROM migrate.migrations WHERE version = '20260105000000';

-- A new stream name registers itself at position 100.
SELECT migrate.register('reporting', '1', 'views', 'CREATE VIEW active_users AS SELECT * FROM users;');
SELECT name, position FROM migrate.streams ORDER BY position, name;

-- Versions compare as numbers: 0010 is the same version as 10.
SELECT migrate.register('reporting', '10', 'ten', 'SELECT 10;');
SELECT pg_temp.try($$SELECT migrate.register('reporting', '0010', 'ten_again', 'SELECT 10;')$$);

-- An applied migration may not change (MG001); the catalog keeps the applied content.
SELECT stream, version, outcome FROM migrate.apply(stream => 'schema');
SELECT stream, version, outcome FROM migrate.apply(stream => 'reporting', target => '1');
SELECT pg_temp.try($$SELECT migrate.register('reporting', '1', 'views', 'CREATE VIEW active_users AS SELECT id FROM users;')$$);
SELECT up_sql, state FROM migrate.migrations WHERE stream = 'reporting' AND version = '1';
-- The same content again is fine.
SELECT migrate.register('reporting', '1', 'views', 'CREATE VIEW active_users AS SELECT * FROM users;');

-- NULL arguments are refused clearly.
SELECT pg_temp.try($$SELECT migrate.register('schema', NULL, 'x', 'SELECT 1')$$);
SELECT pg_temp.try($$SELECT migrate.register('schema', '1', 'x', NULL)$$);

-- A new stream is added once per transaction; a savepoint rolled back takes
-- it away, and the next registration in it adds it again.
BEGIN;
SAVEPOINT s;
SELECT migrate.register('audit', '1', 'first', 'CREATE TABLE audit_one (id int);');
ROLLBACK TO SAVEPOINT s;
SELECT migrate.register('audit', '2', 'second', 'CREATE TABLE audit_two (id int);');
SELECT stream, version FROM migrate.migrations WHERE stream = 'audit';
SELECT name FROM migrate.streams WHERE name = 'audit';
ROLLBACK;

SELECT count(*) AS registered FROM migrate.migrations;
DROP EXTENSION pg_migrate;
DROP SCHEMA migrate;
DROP VIEW active_users;
DROP TABLE users, plain;
