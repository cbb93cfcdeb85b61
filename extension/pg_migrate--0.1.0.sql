/*
 * pg_migrate 0.1.0 — catalog and SQL interface.
 *
 * The tables hold the version history; every behaviour lives in the C++
 * library behind the functions. Everything here is schema-qualified, because
 * the search_path CREATE EXTENSION runs with is not to be trusted.
 */
\echo Use "CREATE EXTENSION pg_migrate" to load this file. \quit

-- Streams: independent version histories applied in position order.
CREATE TABLE migrate.streams (
    name        text PRIMARY KEY,
    position    integer NOT NULL DEFAULT 100,
    description text
);
INSERT INTO migrate.streams (name, position, description) VALUES
    ('schema', 10, 'tables, columns, types, constraints'),
    ('data',   20, 'data migrations'),
    ('index',  30, 'indexes, deployable separately');
-- The three built-in rows come back with CREATE EXTENSION; dump only the others.
SELECT pg_catalog.pg_extension_config_dump('migrate.streams',
    'WHERE name OPERATOR(pg_catalog.<>) ALL (ARRAY[''schema'', ''data'', ''index''])');
COMMENT ON TABLE migrate.streams IS 'pg_migrate: migration streams, applied in position order';

-- One row per registered migration, with its current state.
CREATE TABLE migrate.migrations (
    stream        text NOT NULL REFERENCES migrate.streams (name),
    version       text NOT NULL,
    name          text NOT NULL,
    up_sql        text NOT NULL,
    down_sql      text,
    verify_sql    text,
    transactional boolean NOT NULL DEFAULT true,
    requires      text[] NOT NULL DEFAULT '{}',
    db_version    text,
    allow         text[] NOT NULL DEFAULT '{}',
    lock_timeout  text,
    checksum      text NOT NULL,
    source        text,
    registered_at timestamptz NOT NULL,
    registered_by text NOT NULL,
    -- pg_migrate's additions to the contract's columns:
    version_key   text COLLATE "C" NOT NULL,  -- sortable form of version (see script.hpp)
    out_of_order  boolean NOT NULL DEFAULT false,
    script        text NOT NULL,     -- the whole file as uploaded (checksum is over it)
    up_line       integer NOT NULL,  -- file line where each section starts
    down_line     integer,
    verify_line   integer,
    state         text NOT NULL DEFAULT 'pending'
                  CHECK (state IN ('pending', 'applied', 'queued', 'running', 'failed')),
    applied_at    timestamptz,
    duration_ms   double precision,
    applied_seq   bigint,            -- history id of the action that applied it (rollback order)
    PRIMARY KEY (stream, version),
    UNIQUE (stream, version_key)
);
SELECT pg_catalog.pg_extension_config_dump('migrate.migrations', '');
COMMENT ON TABLE migrate.migrations IS 'pg_migrate: registered migrations and their state';

-- Append-only log of every action.
CREATE SEQUENCE migrate.history_id_seq;
CREATE TABLE migrate.history (
    id               bigint PRIMARY KEY DEFAULT pg_catalog.nextval('migrate.history_id_seq'),
    stream           text NOT NULL,
    version          text NOT NULL,
    name             text,
    action           text NOT NULL
                     CHECK (action IN ('apply', 'rollback', 'resolve', 'baseline', 'repair')),
    status           text NOT NULL CHECK (status IN ('running', 'succeeded', 'failed')),
    started_at       timestamptz NOT NULL,
    finished_at      timestamptz,
    duration_ms      double precision,
    checksum         text,
    db_version       text,
    role             text NOT NULL,
    backend_pid      integer,
    application_name text,
    sqlstate         text,
    message          text,
    detail           text,
    context          text,
    statement        text,
    line             integer
);
ALTER SEQUENCE migrate.history_id_seq OWNED BY migrate.history.id;
CREATE INDEX history_migration_idx ON migrate.history (stream, version, id);
SELECT pg_catalog.pg_extension_config_dump('migrate.history', '');
SELECT pg_catalog.pg_extension_config_dump('migrate.history_id_seq', '');
COMMENT ON TABLE migrate.history IS 'pg_migrate: one row per action (apply, rollback, resolve, baseline, repair)';

-- Work handed to the background runner: non-transactional migrations and
-- everything planned after one. Written only by the C code; the runner runs a
-- job as the role recorded here, which only apply() and retry() set.
CREATE SEQUENCE migrate.runner_jobs_id_seq;
CREATE TABLE migrate.runner_jobs (
    id               bigint PRIMARY KEY DEFAULT pg_catalog.nextval('migrate.runner_jobs_id_seq'),
    stream           text NOT NULL,
    version          text NOT NULL,
    session_user_oid oid NOT NULL,
    role_oid         oid NOT NULL,
    search_path      text,
    next_statement   integer NOT NULL DEFAULT 1,   -- resume point within the up section
    cleanup          text[] NOT NULL DEFAULT '{}', -- run first on retry (drop INVALID leftovers)
    state            text NOT NULL DEFAULT 'queued'
                     CHECK (state IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
    queued_at        timestamptz NOT NULL DEFAULT pg_catalog.now(),
    started_at       timestamptz,
    finished_at      timestamptz,
    runner_pid       integer,
    history_id       bigint
);
ALTER SEQUENCE migrate.runner_jobs_id_seq OWNED BY migrate.runner_jobs.id;
CREATE INDEX runner_jobs_open_idx ON migrate.runner_jobs (id) WHERE state IN ('queued', 'running', 'failed');
COMMENT ON TABLE migrate.runner_jobs IS 'pg_migrate: queue of the background runner';

-- Which software versions work with which database version.
CREATE TABLE migrate.compatibility (
    db_version  text NOT NULL,
    component   text NOT NULL,
    min_version text NOT NULL,
    max_version text NOT NULL,
    PRIMARY KEY (db_version, component)
);
SELECT pg_catalog.pg_extension_config_dump('migrate.compatibility', '');
COMMENT ON TABLE migrate.compatibility IS 'pg_migrate: software compatibility matrix per database version';

-- DDL seen outside pg_migrate.
CREATE SEQUENCE migrate.drift_log_id_seq;
CREATE TABLE migrate.drift_log (
    id              bigint PRIMARY KEY DEFAULT pg_catalog.nextval('migrate.drift_log_id_seq'),
    at              timestamptz NOT NULL DEFAULT pg_catalog.now(),
    role            text NOT NULL,
    command_tag     text,
    object_type     text,
    object_identity text,
    query           text,
    acknowledged    boolean NOT NULL DEFAULT false
);
ALTER SEQUENCE migrate.drift_log_id_seq OWNED BY migrate.drift_log.id;
SELECT pg_catalog.pg_extension_config_dump('migrate.drift_log', '');
SELECT pg_catalog.pg_extension_config_dump('migrate.drift_log_id_seq', '');
COMMENT ON TABLE migrate.drift_log IS 'pg_migrate: DDL run outside migrations';

-- Functions. All C: the library is the only implementation of the logic.

CREATE FUNCTION migrate.register(stream text, version text, name text, script text, source text DEFAULT NULL)
RETURNS text
AS 'MODULE_PATHNAME', 'migrate_register' LANGUAGE C VOLATILE;
COMMENT ON FUNCTION migrate.register(text, text, text, text, text) IS
    'pg_migrate: parse and store a migration script; returns new, unchanged or updated';

CREATE FUNCTION migrate.apply(stream text DEFAULT NULL, target text DEFAULT NULL,
                              dry_run boolean DEFAULT false, on_error text DEFAULT 'raise')
RETURNS TABLE (stream text, version text, name text, outcome text, duration_ms double precision)
AS 'MODULE_PATHNAME', 'migrate_apply' LANGUAGE C VOLATILE;
COMMENT ON FUNCTION migrate.apply(text, text, boolean, text) IS
    'pg_migrate: apply pending migrations atomically in the caller''s transaction';

CREATE FUNCTION migrate.status(stream text DEFAULT NULL)
RETURNS TABLE (stream text, version text, name text, state text, applied_at timestamptz,
               duration_ms double precision, transactional boolean, has_down boolean,
               db_version text, checksum text, progress text)
AS 'MODULE_PATHNAME', 'migrate_status' LANGUAGE C STABLE;
COMMENT ON FUNCTION migrate.status(text) IS 'pg_migrate: every registered migration and its state';

CREATE FUNCTION migrate.rollback(stream text DEFAULT 'schema', to_version text DEFAULT NULL, steps integer DEFAULT NULL,
                                 to_db_version text DEFAULT NULL, all_applied boolean DEFAULT false)
RETURNS TABLE (stream text, version text, name text, outcome text, duration_ms double precision)
AS 'MODULE_PATHNAME', 'migrate_rollback' LANGUAGE C VOLATILE;
COMMENT ON FUNCTION migrate.rollback(text, text, integer, text, boolean) IS
    'pg_migrate: run down sections newest first, atomically in the caller''s transaction';

CREATE FUNCTION migrate.verify(stream text DEFAULT NULL)
RETURNS TABLE (stream text, version text, name text, ok boolean, message text)
AS 'MODULE_PATHNAME', 'migrate_verify' LANGUAGE C VOLATILE;
COMMENT ON FUNCTION migrate.verify(text) IS
    'pg_migrate: run verify sections of applied migrations, changing nothing';

CREATE FUNCTION migrate.validate()
RETURNS TABLE (severity text, check_name text, stream text, version text, message text)
AS 'MODULE_PATHNAME', 'migrate_validate' LANGUAGE C STABLE;
COMMENT ON FUNCTION migrate.validate() IS 'pg_migrate: every problem with the migration state; no rows = healthy';

CREATE FUNCTION migrate.resolve(stream text, version text, state text)
RETURNS void
AS 'MODULE_PATHNAME', 'migrate_resolve' LANGUAGE C VOLATILE;
COMMENT ON FUNCTION migrate.resolve(text, text, text) IS
    'pg_migrate: mark a migration applied or rolled_back without running it';

CREATE FUNCTION migrate.baseline(stream text, version text)
RETURNS integer
AS 'MODULE_PATHNAME', 'migrate_baseline' LANGUAGE C VOLATILE;
COMMENT ON FUNCTION migrate.baseline(text, text) IS
    'pg_migrate: mark every registered migration of a stream up to version applied without running it';

CREATE FUNCTION migrate.repair(stream text, version text, script text)
RETURNS void
AS 'MODULE_PATHNAME', 'migrate_repair' LANGUAGE C VOLATILE;
COMMENT ON FUNCTION migrate.repair(text, text, text) IS
    'pg_migrate: replace the stored content of an applied migration without running it';

CREATE FUNCTION migrate.retry(stream text, version text)
RETURNS void
AS 'MODULE_PATHNAME', 'migrate_retry' LANGUAGE C VOLATILE;
COMMENT ON FUNCTION migrate.retry(text, text) IS
    'pg_migrate: after a failed non-transactional step, drop what it left INVALID and queue it again from the failed statement';

CREATE FUNCTION migrate.db_version()
RETURNS text
AS 'MODULE_PATHNAME', 'migrate_db_version' LANGUAGE C STABLE;
COMMENT ON FUNCTION migrate.db_version() IS
    'pg_migrate: highest semantic version declared by an applied migration';

CREATE FUNCTION migrate.check_compatibility(component text, version text)
RETURNS boolean
AS 'MODULE_PATHNAME', 'migrate_check_compatibility' LANGUAGE C STABLE;
COMMENT ON FUNCTION migrate.check_compatibility(text, text) IS
    'pg_migrate: whether the compatibility matrix allows this component version for the current db_version()';

CREATE FUNCTION migrate.lint(script text)
RETURNS TABLE (statement integer, line integer, rule text, severity text, lock_mode text, message text)
AS 'MODULE_PATHNAME', 'migrate_lint' LANGUAGE C STABLE;
COMMENT ON FUNCTION migrate.lint(text) IS
    'pg_migrate: lint findings for a migration script, with the lock each statement takes';

CREATE FUNCTION migrate.drift(include_acknowledged boolean DEFAULT false)
RETURNS TABLE (id bigint, at timestamptz, role text, command_tag text, object_type text, object_identity text,
               query text, acknowledged boolean)
AS 'MODULE_PATHNAME', 'migrate_drift' LANGUAGE C STABLE;
COMMENT ON FUNCTION migrate.drift(boolean) IS 'pg_migrate: DDL run outside pg_migrate';

CREATE FUNCTION migrate.acknowledge_drift(id bigint)
RETURNS void
AS 'MODULE_PATHNAME', 'migrate_acknowledge_drift' LANGUAGE C VOLATILE;
COMMENT ON FUNCTION migrate.acknowledge_drift(bigint) IS 'pg_migrate: mark a drift entry seen';

-- Drift capture: DDL outside apply(), rollback() and the runner is recorded.
-- The function never makes the DDL fail (errors become WARNINGs).
CREATE FUNCTION migrate.capture_ddl()
RETURNS event_trigger
AS 'MODULE_PATHNAME', 'migrate_capture_ddl' LANGUAGE C;
CREATE EVENT TRIGGER migrate_capture_ddl ON ddl_command_end EXECUTE FUNCTION migrate.capture_ddl();
CREATE EVENT TRIGGER migrate_capture_drop ON sql_drop EXECUTE FUNCTION migrate.capture_ddl();

CREATE FUNCTION migrate.version()
RETURNS text
AS 'MODULE_PATHNAME', 'migrate_library_version' LANGUAGE C IMMUTABLE;
COMMENT ON FUNCTION migrate.version() IS 'pg_migrate: version of the loaded library';

-- Nothing is callable by PUBLIC: the owner grants EXECUTE to deployer roles.
-- Catalog writes run as the extension owner inside the functions, so a
-- deployer needs no table privileges and cannot edit history by hand.
REVOKE ALL ON ALL FUNCTIONS IN SCHEMA migrate FROM PUBLIC;
