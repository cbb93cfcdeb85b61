-- migrate.verify() asks without changing anything; migrate.validate() lists problems.
CREATE EXTENSION pg_migrate;
\set VERBOSITY terse

SELECT migrate.register('schema', '1', 'users', E'CREATE TABLE users (id int PRIMARY KEY, email text);\n-- migrate:verify\nSELECT count(*) >= 0 FROM users;');
SELECT migrate.register('schema', '2', 'email_lower', E'-- migrate:allow update-without-where\nUPDATE users SET email = lower(email);\n-- migrate:verify\nSELECT count(*) = 0 FROM users WHERE email <> lower(email);');
SELECT migrate.register('schema', '3', 'no_verify', 'CREATE TABLE plain (id int);');
SELECT migrate.register('data', '1', 'seed', E'INSERT INTO users VALUES (1, \'a@example.com\');\n-- migrate:verify\nSELECT 1 FROM users WHERE id = 1;\nDELETE FROM users;');
SELECT stream, version, outcome FROM migrate.apply();
-- Healthy: every verify passes, and no problems.
SELECT * FROM migrate.verify();
SELECT * FROM migrate.validate() WHERE check_name <> 'drift';
-- Neither apply() nor verify() keeps what a verify section changes (the data verify deletes rows).
SELECT count(*) AS users FROM users;

-- Data changed by hand breaks a post-condition: verify reports it, per stream too.
INSERT INTO users VALUES (2, 'B@Example.com');
SELECT * FROM migrate.verify();
SELECT * FROM migrate.verify('data');
DROP TABLE plain;
ALTER TABLE users RENAME TO customers;
SELECT stream, version, ok, message FROM migrate.verify();
ALTER TABLE customers RENAME TO users;
DELETE FROM users WHERE id = 2;

-- validate: out-of-order, missing and unmet requirements, last attempt failed.
SELECT migrate.register('schema', '4', 'broken', 'INSERT INTO nowhere VALUES (1);');
SELECT outcome FROM migrate.apply(stream => 'schema', on_error => 'record');
SELECT migrate.register('schema', '0.5', 'late', 'CREATE TABLE late (id int);');
SELECT migrate.register('data', '2', 'needs_ghost', E'-- migrate:requires schema:99\nSELECT 1;');
SELECT migrate.register('data', '3', 'needs_index', E'-- migrate:requires index:1\nSELECT 1;');
SELECT migrate.register('index', '1', 'users_email', 'CREATE INDEX users_email ON users (email);');
-- A hand edit that would make a script disagree with its checksum is refused.
UPDATE migrate.migrations SET script = script || ' ' WHERE version = '2' AND stream = 'schema';
SELECT * FROM migrate.validate() WHERE check_name <> 'drift';

DROP EXTENSION pg_migrate;
DROP SCHEMA migrate;
DROP TABLE users;
