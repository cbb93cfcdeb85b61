-- migrate.register_many(): register() for a whole upload in one call.
CREATE EXTENSION pg_migrate;
\set VERBOSITY terse

\i test/sql/try.sql

-- New, unchanged and changed pending migrations in one call, answered in order.
SELECT * FROM migrate.register_many(ARRAY['schema', 'schema'], ARRAY['1', '2'], ARRAY['users', 'orders'],
    ARRAY['CREATE TABLE users (id int);', E'CREATE TABLE orders (id int);\n-- migrate:down\nDROP TABLE orders;'],
    ARRAY['migrations/1_users.sql', NULL]);
SELECT * FROM migrate.register_many(ARRAY['schema', 'schema', 'data'], ARRAY['1', '2', '1'],
    ARRAY['users', 'orders', 'seed'],
    ARRAY['CREATE TABLE users (id int);', 'CREATE TABLE orders (id bigint);', 'INSERT INTO users VALUES (1);']);
SELECT stream, version, name, up_sql, down_sql IS NULL AS no_down, source, state
FROM migrate.migrations ORDER BY stream, version_key;
SELECT name FROM migrate.streams ORDER BY name;

-- Exactly what register() stores: the same row, column for column.
SELECT migrate.register('solo', '1', 'users', 'CREATE TABLE users (id int);', 'migrations/1_users.sql');
SELECT a.checksum = b.checksum AND a.up_sql = b.up_sql AND a.up_line = b.up_line
       AND a.transactional = b.transactional AND a.source = b.source AND a.author = b.author AS same_row
FROM migrate.migrations a, migrate.migrations b
WHERE a.stream = 'schema' AND a.version = '1' AND b.stream = 'solo' AND b.version = '1';

-- One key twice in a batch: the second element sees the first, as two register() calls would.
SELECT * FROM migrate.register_many(ARRAY['twice', 'twice', 'twice'], ARRAY['1', '1', '1'],
    ARRAY['a', 'a', 'a'], ARRAY['SELECT 1;', 'SELECT 1;', 'SELECT 2;']);
SELECT version, name, up_sql FROM migrate.migrations WHERE stream = 'twice';
-- The same version spelt twice ('1' and '01') is refused, in one batch as across calls.
SELECT pg_temp.try($$SELECT * FROM migrate.register_many(ARRAY['twice', 'twice'], ARRAY['2', '02'],
    ARRAY['b', 'b'], ARRAY['SELECT 2;', 'SELECT 2;'])$$);
SELECT pg_temp.try($$SELECT * FROM migrate.register_many(ARRAY['twice'], ARRAY['01'], ARRAY['a'], ARRAY['SELECT 1;'])$$);

-- An error anywhere refuses the whole call: nothing of the batch is stored.
SELECT migrate.apply(stream => 'schema', target => '1') IS NOT NULL AS applied;
SELECT pg_temp.try($$SELECT * FROM migrate.register_many(ARRAY['late', 'schema'], ARRAY['1', '1'],
    ARRAY['fine', 'users'], ARRAY['SELECT 1;', 'CREATE TABLE users (id bigint);'])$$);
SELECT pg_temp.try($$SELECT * FROM migrate.register_many(ARRAY['late', 'late'], ARRAY['1', 'x y'],
    ARRAY['fine', 'bad'], ARRAY['SELECT 1;', 'SELECT 2;'])$$);
SELECT pg_temp.try($$SELECT * FROM migrate.register_many(ARRAY['late', 'late'], ARRAY['1', '2'],
    ARRAY['fine', 'bad'], ARRAY['SELECT 1;', E'-- migrate:frobnicate\nSELECT 2;'])$$);
SELECT count(*) AS late_rows FROM migrate.migrations WHERE stream = 'late';
SELECT count(*) AS late_streams FROM migrate.streams WHERE name = 'late';

-- Arrays that do not line up, or NULLs, are refused before anything is read.
SELECT pg_temp.try($$SELECT * FROM migrate.register_many(ARRAY['a', 'b'], ARRAY['1'], ARRAY['x'], ARRAY['SELECT 1;'])$$);
SELECT pg_temp.try($$SELECT * FROM migrate.register_many(ARRAY['a'], ARRAY['1'], ARRAY['x'], ARRAY['SELECT 1;'],
    ARRAY['one.sql', 'two.sql'])$$);
SELECT pg_temp.try($$SELECT * FROM migrate.register_many(NULL, ARRAY['1'], ARRAY['x'], ARRAY['SELECT 1;'])$$);
SELECT pg_temp.try($$SELECT * FROM migrate.register_many(ARRAY['a'], ARRAY[NULL], ARRAY['x'], ARRAY['SELECT 1;'])$$);
-- Empty arrays register nothing.
SELECT count(*) AS rows FROM migrate.register_many('{}', '{}', '{}', '{}');

-- Inside a running migration it is refused like register().
SELECT migrate.register('nested', '1', 'nested',
    $$SELECT * FROM migrate.register_many(ARRAY['inner'], ARRAY['1'], ARRAY['x'], ARRAY['SELECT 1;']);$$);
SELECT pg_temp.try($$SELECT * FROM migrate.apply(stream => 'nested')$$);
SELECT count(*) AS inner_rows FROM migrate.migrations WHERE stream = 'inner';

-- Who may call it: nobody but the owner, until granted.
CREATE ROLE regress_many_nobody;
SELECT has_function_privilege('regress_many_nobody',
    'migrate.register_many(text[], text[], text[], text[], text[])', 'EXECUTE') AS nobody_may_register;
DROP ROLE regress_many_nobody;

DROP EXTENSION pg_migrate;
DROP SCHEMA migrate;
DROP TABLE users;
