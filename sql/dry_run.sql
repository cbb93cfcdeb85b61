-- dry_run => true runs the plan and rolls it back: it shows what would happen.
CREATE EXTENSION pg_migrate;
\set VERBOSITY terse

SELECT migrate.register('schema', '1', 'orders', 'CREATE TABLE orders (id bigint PRIMARY KEY, total numeric);');
SELECT migrate.register('schema', '2', 'seed', 'INSERT INTO orders VALUES (1, 9.99);');

SELECT stream, version, name, outcome FROM migrate.apply(dry_run => true);
SELECT to_regclass('orders') AS orders, (SELECT count(*) FROM migrate.history) AS history_rows;
SELECT version, state FROM migrate.status();

-- A dry run that would fail says so, and still changes nothing.
SELECT migrate.register('schema', '3', 'broken', 'INSERT INTO orders VALUES (1, 5);');
SELECT stream, version, name, outcome FROM migrate.apply(dry_run => true, on_error => 'record');
SELECT stream, version, name, outcome FROM migrate.apply(dry_run => true);
SELECT to_regclass('orders') AS orders, (SELECT count(*) FROM migrate.history) AS history_rows;
SELECT version, state FROM migrate.status();

-- The real apply afterwards behaves as the dry run predicted.
SELECT stream, version, name, outcome FROM migrate.apply(on_error => 'record');
SELECT migrate.register('schema', '3', 'broken', 'INSERT INTO orders VALUES (2, 5);');
SELECT stream, version, name, outcome FROM migrate.apply(dry_run => true);
SELECT stream, version, name, outcome FROM migrate.apply();
SELECT count(*) AS orders FROM orders;

DROP EXTENSION pg_migrate;
DROP SCHEMA migrate;
DROP TABLE orders;
