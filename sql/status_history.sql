-- migrate.status() and the history rows.
CREATE EXTENSION pg_migrate;
\set VERBOSITY terse
SET application_name = 'regress_status';

SELECT migrate.register('index', '1', 'users_email', E'CREATE INDEX users_email ON users (email);\n-- migrate:down\nDROP INDEX users_email;');
SELECT migrate.register('schema', '2', 'users_name', E'-- migrate:db-version 1.1.0\nALTER TABLE users ADD COLUMN name text;');
SELECT migrate.register('schema', '1', 'users', E'-- migrate:db-version 1.0.0\nCREATE TABLE users (id int, email text);\n-- migrate:down\nDROP TABLE users;');
SELECT migrate.register('data', '1', 'seed', 'INSERT INTO users VALUES (1, $$a@example.com$$);');

-- Streams in position order (schema, data, index), each in version order.
SELECT stream, version, name, state, applied_at IS NULL AS not_applied, transactional, has_down, db_version,
       length(checksum) AS checksum_length, progress
FROM migrate.status();

SELECT stream, version, outcome FROM migrate.apply(stream => 'schema');
SELECT stream, version, state, applied_at IS NOT NULL AS has_applied_at, duration_ms >= 0 AS has_duration
FROM migrate.status();
SELECT stream, version, state FROM migrate.status('data');

-- Streams in position order, everything applied.
SELECT stream, version, outcome FROM migrate.apply();

-- One history row per action, with who, where and how long.
SELECT stream, version, name, action, status, role = current_user AS by_me, backend_pid = pg_backend_pid() AS my_pid,
       application_name, duration_ms >= 0 AS timed, finished_at >= started_at AS ordered,
       checksum = (SELECT checksum FROM migrate.migrations m WHERE m.stream = h.stream AND m.version = h.version) AS checksum,
       db_version, sqlstate IS NULL AS no_error
FROM migrate.history h ORDER BY id;

-- Statuses are a function, not a view: a stream filter that matches nothing returns nothing.
SELECT count(*) FROM migrate.status('nothing');

-- status() reads the (stream, version_key) index directly; a catalog whose index
-- is not the expected one is read with a query instead, with the same rows.
CREATE TEMP TABLE status_from_index AS SELECT * FROM migrate.status();
BEGIN;
ALTER INDEX migrate.migrations_by_stream_version_key RENAME TO renamed_version_key_idx;
SELECT count(*) AS differences FROM (
    (SELECT * FROM migrate.status() EXCEPT ALL SELECT * FROM status_from_index)
    UNION ALL
    (SELECT * FROM status_from_index EXCEPT ALL SELECT * FROM migrate.status())) AS d;
SELECT array_agg(stream || '/' || version) AS in_order FROM migrate.status();
ROLLBACK;
SELECT array_agg(stream || '/' || version) AS in_order FROM migrate.status();

DROP EXTENSION pg_migrate;
DROP SCHEMA migrate;
DROP TABLE users;
