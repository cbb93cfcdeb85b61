-- What the client used to decide, asked of the server (catalog 0.1.6):
-- apply(streams, skip_streams), rollback(all_streams => true) and the
-- -- migrate:repeatable directive, as a psql user calls them.
CREATE EXTENSION pg_migrate;
\set VERBOSITY terse

\set try_reports 'detail hint'
\i test/sql/try.sql

SELECT migrate.register('schema', '1', 'accounts', E'CREATE TABLE accounts (id int PRIMARY KEY);\n-- migrate:down\nDROP TABLE accounts;');
SELECT migrate.register('schema', '2', 'accounts_name', E'ALTER TABLE accounts ADD COLUMN name text;\n-- migrate:down\nALTER TABLE accounts DROP COLUMN name;');
SELECT migrate.register('data', '1', 'seed', E'-- migrate:requires schema:1\nINSERT INTO accounts (id) VALUES (1);\n-- migrate:down\nDELETE FROM accounts WHERE id = 1;');
SELECT migrate.register('index', '1', 'accounts_name_idx', E'CREATE INDEX accounts_name_idx ON accounts (name);\n-- migrate:down\nDROP INDEX accounts_name_idx;');
-- a stream of its own, registered at position 100: after index (30)
SELECT migrate.register('reports', '1', 'report', E'CREATE VIEW report AS SELECT count(*) FROM accounts;\n-- migrate:down\nDROP VIEW report;');

-- The old call forms keep their meaning.
SELECT stream, version, outcome FROM migrate.apply(stream => 'schema', target => '1', dry_run => true);

-- Refusals: an unknown stream in streams (MG009), a NULL element; nothing is applied.
SELECT pg_temp.try($$SELECT * FROM migrate.apply(streams => ARRAY['schema', 'shcema'])$$);
SELECT pg_temp.try($$SELECT * FROM migrate.apply(streams => ARRAY['schema', NULL])$$);
SELECT count(*) AS applied FROM migrate.status() WHERE state = 'applied';

-- The streams given, in stream position order (not the order of the array),
-- in one batch; the skipped and the unnamed streams stay pending. An
-- unknown name in skip_streams skips nothing more.
SELECT stream, version, outcome
FROM migrate.apply(streams => ARRAY['reports', 'data', 'schema'], skip_streams => ARRAY['reports', 'nosuch']);
SELECT stream, version, state FROM migrate.status();

-- NULL streams: every stream but the skipped ones; an empty list: none.
SELECT stream, version, outcome FROM migrate.apply(streams => '{}');
SELECT stream, version, outcome FROM migrate.apply(streams => NULL, skip_streams => ARRAY['index']);

-- One call is one atomic batch: a failure in a later stream (on_error =>
-- 'record') rolls back the earlier stream's migrations of the same call.
SELECT migrate.register('schema', '3', 'accounts_email', E'ALTER TABLE accounts ADD COLUMN email text;\n-- migrate:down\nALTER TABLE accounts DROP COLUMN email;');
SELECT migrate.register('reports', '2', 'broken', E'SELECT * FROM no_such_table;\n-- migrate:down\nSELECT 1;');
SET client_min_messages = error;
SELECT stream, version, outcome FROM migrate.apply(streams => ARRAY['schema', 'reports'], on_error => 'record');
RESET client_min_messages;
SELECT stream, version, state FROM migrate.status() WHERE stream IN ('schema', 'reports') ORDER BY 1, 2;
SELECT migrate.register('reports', '2', 'fixed', E'SELECT 1;\n-- migrate:down\nSELECT 1;');

-- target applies in every selected stream: each runs its pending
-- migrations up to that version, as apply(target => V) does over all.
SELECT stream, version, outcome FROM migrate.apply(streams => ARRAY['schema', 'reports'], target => '2', dry_run => true);

-- apply_exact with stream lists: the plan must match the files' checksums.
SELECT pg_temp.try($$SELECT * FROM migrate.apply_exact(ARRAY['schema:3:0000'], streams => ARRAY['schema'])$$);
SELECT stream, version, outcome
FROM migrate.apply_exact((SELECT array_agg(stream || ':' || version || ':' || checksum) FROM migrate.status()),
                         streams => ARRAY['schema', 'index', 'reports']);

-- rollback(all_streams => true): every stream, newest first, streams in
-- reverse position order, in the one call's transaction.
SELECT pg_temp.try($$SELECT * FROM migrate.rollback(all_streams => false)$$);
SELECT migrate.register('schema', '4', 'no_down', E'CREATE TABLE no_down (id int);');
SELECT stream, version, outcome FROM migrate.apply(streams => ARRAY['schema']);
-- a migration without a down section refuses the whole rollback (MG005): nothing is rolled back
SELECT pg_temp.try($$SELECT * FROM migrate.rollback(all_streams => true)$$);
SELECT count(*) AS applied FROM migrate.status() WHERE state = 'applied';
DROP TABLE no_down;
SELECT migrate.resolve('schema', '4', 'rolled_back');
SELECT stream, version, outcome FROM migrate.rollback(all_streams => true);
SELECT count(*) AS applied FROM migrate.status() WHERE state = 'applied';
SELECT to_regclass('accounts') AS accounts_left;
-- nothing applied: nothing to roll back
SELECT count(*) FROM migrate.rollback(all_streams => true);

-- -- migrate:repeatable: a changed applied repeatable migration becomes
-- pending again (history: resolve), and the next apply runs its new content.
SELECT stream, version, outcome FROM migrate.apply(streams => ARRAY['schema']);
SELECT migrate.register('schema', '5', 'accounts_view', E'-- migrate:repeatable\nCREATE OR REPLACE VIEW accounts_view AS SELECT id FROM accounts;\n-- migrate:down\nDROP VIEW accounts_view;');
SELECT stream, version, outcome FROM migrate.apply(stream => 'schema');
SELECT migrate.register('schema', '5', 'accounts_view', E'-- migrate:repeatable\nCREATE OR REPLACE VIEW accounts_view AS SELECT id, name FROM accounts;\n-- migrate:down\nDROP VIEW accounts_view;');
SELECT version, state FROM migrate.status() WHERE stream = 'schema' AND version = '5';
SELECT action, status, message FROM migrate.history WHERE stream = 'schema' AND version = '5' ORDER BY id;
SELECT migrate.register('schema', '6', 'later', E'SELECT 1;\n-- migrate:down\nSELECT 1;');
SELECT stream, version, outcome FROM migrate.apply(stream => 'schema', target => '5');
-- it may run again below newer versions (repeatable implies out-of-order)
SELECT stream, version, outcome FROM migrate.apply(stream => 'schema');
SELECT migrate.register('schema', '5', 'accounts_view', E'-- migrate:repeatable\nCREATE OR REPLACE VIEW accounts_view AS SELECT id, name, email FROM accounts;\n-- migrate:down\nDROP VIEW accounts_view;');
SELECT stream, version, outcome FROM migrate.apply(stream => 'schema');
SELECT string_agg(attname, ', ' ORDER BY attnum) AS view_columns FROM pg_attribute WHERE attrelid = 'accounts_view'::regclass;
-- the same bytes again: unchanged, nothing pending
SELECT migrate.register('schema', '5', 'accounts_view', E'-- migrate:repeatable\nCREATE OR REPLACE VIEW accounts_view AS SELECT id, name, email FROM accounts;\n-- migrate:down\nDROP VIEW accounts_view;');
-- without the directive a changed applied migration is still refused (MG001)
SELECT pg_temp.try($$SELECT migrate.register('schema', '6', 'later', E'SELECT 2;')$$);
SELECT pg_temp.try($$SELECT migrate.register('schema', '1', 'x', E'-- migrate:repeatable extra\nSELECT 1;')$$);

DROP EXTENSION pg_migrate;
DROP SCHEMA migrate;
DROP VIEW IF EXISTS accounts_view;
DROP TABLE IF EXISTS accounts;
