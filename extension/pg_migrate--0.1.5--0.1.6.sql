/*
 * pg_migrate 0.1.5 → 0.1.6: the server decides what the client used to.
 *
 * - apply(streams, skip_streams, ...) and apply_exact(expected, streams,
 *   skip_streams, ...) plan every selected stream in one call (new
 *   overloads: every call form of the old functions, and grants made by
 *   their signatures, keep working; streams has no default, so a call
 *   without it can only mean the old function).
 * - rollback(all_streams => true) rolls every stream back completely, in
 *   the order pg_migrate reset used to choose by hand.
 * - The unique index on (stream, version_key), which status() reads in
 *   index order, gets a name of its own instead of PostgreSQL's generated
 *   one.
 * The -- migrate:repeatable directive needs no catalog change: register()
 * of this library understands it. History and every registered migration
 * stay as they are.
 */
\echo Use "ALTER EXTENSION pg_migrate UPDATE TO '0.1.6'" to load this file. \quit

CREATE FUNCTION migrate.apply(streams text[], skip_streams text[] DEFAULT NULL, target text DEFAULT NULL,
                              dry_run boolean DEFAULT false, on_error text DEFAULT 'raise')
RETURNS TABLE (stream text, version text, name text, outcome text, duration_ms double precision)
AS 'MODULE_PATHNAME', 'migrate_apply_streams' LANGUAGE C VOLATILE;
COMMENT ON FUNCTION migrate.apply(text[], text[], text, boolean, text) IS
    'pg_migrate: apply pending migrations of the selected streams (NULL: all) in one atomic batch, in stream position order';
REVOKE ALL ON FUNCTION migrate.apply(text[], text[], text, boolean, text) FROM PUBLIC;

CREATE FUNCTION migrate.apply_exact(expected text[], streams text[], skip_streams text[] DEFAULT NULL,
                                    include_unlisted boolean DEFAULT false, target text DEFAULT NULL,
                                    dry_run boolean DEFAULT false, on_error text DEFAULT 'raise')
RETURNS TABLE (stream text, version text, name text, outcome text, duration_ms double precision)
AS 'MODULE_PATHNAME', 'migrate_apply_exact_streams' LANGUAGE C VOLATILE;
COMMENT ON FUNCTION migrate.apply_exact(text[], text[], text[], boolean, text, boolean, text) IS
    'pg_migrate: apply exactly the pending content a deploy read, of the selected streams (NULL: all), in one batch';
REVOKE ALL ON FUNCTION migrate.apply_exact(text[], text[], text[], boolean, text, boolean, text) FROM PUBLIC;

CREATE FUNCTION migrate.rollback(all_streams boolean)
RETURNS TABLE (stream text, version text, name text, outcome text, duration_ms double precision)
AS 'MODULE_PATHNAME', 'migrate_rollback_all_streams' LANGUAGE C VOLATILE;
COMMENT ON FUNCTION migrate.rollback(boolean) IS
    'pg_migrate: roll back every applied migration of every stream, newest first, streams in reverse position order';
REVOKE ALL ON FUNCTION migrate.rollback(boolean) FROM PUBLIC;

-- Whoever may call the old form may call the new one: their grants are copied.
DO $$
DECLARE
    pair record;
    g record;
BEGIN
    FOR pair IN SELECT * FROM (VALUES
            ('migrate.apply(text, text, boolean, text)', 'migrate.apply(text[], text[], text, boolean, text)'),
            ('migrate.apply_exact(text[], boolean, text, text, boolean, text)',
             'migrate.apply_exact(text[], text[], text[], boolean, text, boolean, text)'),
            ('migrate.rollback(text, text, integer, text, boolean)', 'migrate.rollback(boolean)')) AS v(old, new) LOOP
        FOR g IN SELECT a.grantee, a.is_grantable
                 FROM pg_catalog.pg_proc p, pg_catalog.aclexplode(p.proacl) a
                 WHERE p.oid OPERATOR(pg_catalog.=) pair.old::pg_catalog.regprocedure
                   AND a.privilege_type OPERATOR(pg_catalog.=) 'EXECUTE'
                   AND a.grantee OPERATOR(pg_catalog.<>) p.proowner LOOP
            EXECUTE pg_catalog.format('GRANT EXECUTE ON FUNCTION %s TO %s%s', pair.new,
                                      CASE WHEN g.grantee OPERATOR(pg_catalog.=) 0 THEN 'PUBLIC'
                                           ELSE g.grantee::pg_catalog.regrole::pg_catalog.text END,
                                      CASE WHEN g.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END);
        END LOOP;
    END LOOP;
END $$;

-- status() finds this index by name (status_scan.cpp): a name of ours, not one PostgreSQL made up.
ALTER INDEX migrate.migrations_stream_version_key_key RENAME TO migrations_by_stream_version_key;

CREATE OR REPLACE FUNCTION migrate.version_sql()
RETURNS text
LANGUAGE sql IMMUTABLE
SET search_path = pg_catalog, pg_temp
AS $$ SELECT '0.1.6'::text $$;
