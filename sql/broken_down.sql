-- A down section the parser refuses: registered anyway, so the up deploys; the
-- problem stays visible (warnings, validate(), a refused rollback naming file and line).
CREATE EXTENSION pg_migrate;
\set VERBOSITY terse

\set try_reports 'detail'
\i test/sql/try.sql

-- Registered with a WARNING (MG002) that names the file and the line of the error.
SELECT migrate.register('schema', '1', 'accounts',
    E'-- migrate:up\nCREATE TABLE accounts (id int PRIMARY KEY);\n-- migrate:down\nDROP TABLE accounts;\nDROP TABEL oops;\n',
    'db/migrations/1_accounts.sql');
SELECT down_sql IS NULL AS no_down_sql, down_line FROM migrate.migrations WHERE version = '1';
SELECT version, has_down FROM migrate.status();

-- A good down next to it.
SELECT migrate.register('schema', '2', 'notes',
    E'CREATE TABLE notes (id int);\n-- migrate:down\nDROP TABLE notes;\n', 'db/migrations/2_notes.sql');

-- Up and verify sections stay strict; other down rules stay as they are.
SELECT pg_temp.try($$SELECT migrate.register('schema', '3', 'bad_up', E'CREATE TABEL x (id int);\n-- migrate:down\nSELECT 1;\n')$$);
SELECT pg_temp.try($$SELECT migrate.register('schema', '3', 'bad_verify', E'SELECT 1;\n-- migrate:verify\nSELEC 1;\n')$$);
SELECT pg_temp.try($$SELECT migrate.register('schema', '3', 'down_commit', E'SELECT 1;\n-- migrate:down\nCOMMIT;\n')$$);
SELECT count(*) AS registered FROM migrate.migrations;

-- apply() runs the up and warns again.
SELECT version, outcome FROM migrate.apply();

-- validate(): one warning row, check broken-down.
SELECT severity, check_name, stream, version, message FROM migrate.validate() WHERE check_name = 'broken-down';

-- The good down rolls back; then the broken one is refused, naming file and line, and nothing changes.
SELECT version, outcome FROM migrate.rollback();
SELECT pg_temp.try($$SELECT * FROM migrate.rollback()$$);
SELECT pg_temp.try($$SELECT * FROM migrate.rollback(all_applied => true)$$);
SELECT to_regclass('accounts') IS NOT NULL AS accounts_kept,
       (SELECT count(*) FROM migrate.history WHERE action = 'rollback') AS rollback_rows;

-- Fixed with repair: the row goes away, the rollback runs.
SELECT migrate.repair('schema', '1',
    E'-- migrate:up\nCREATE TABLE accounts (id int PRIMARY KEY);\n-- migrate:down\nDROP TABLE accounts;\n');
SELECT count(*) AS broken FROM migrate.validate() WHERE check_name = 'broken-down';
SELECT version, outcome FROM migrate.rollback();
SELECT to_regclass('accounts') IS NULL AS accounts_gone;

-- A pending migration fixed by registering it again.
SELECT migrate.register('schema', '5', 'tags', E'CREATE TABLE tags (id int);\n-- migrate:down\nDROP TABLE tags\n;;x\n');
SELECT count(*) AS broken FROM migrate.validate() WHERE check_name = 'broken-down';
SELECT migrate.register('schema', '5', 'tags', E'CREATE TABLE tags (id int);\n-- migrate:down\nDROP TABLE tags;\n');
SELECT count(*) AS broken FROM migrate.validate() WHERE check_name = 'broken-down';
SELECT down_sql, down_line FROM migrate.migrations WHERE version = '5';
SELECT to_regclass('notes') IS NULL AS notes_gone, to_regclass('tags') IS NULL AS tags_never_applied;
DROP EXTENSION pg_migrate;
