/*
 * pg_migrate 0.1.2 → 0.1.3: the trust boundary. Stored migration text runs
 * only with the privileges of the role that wrote it (register, repair) or
 * vouched for it (an apply() that named its checksum), never more.
 * History and every registered migration stay as they are.
 */
\echo Use "ALTER EXTENSION pg_migrate UPDATE TO '0.1.3'" to load this file. \quit

-- Who wrote (or vouched for) the stored up/down/verify text. Catalogs from
-- before take the role named in registered_by; a name that no longer
-- resolves leaves it NULL, which no caller may run until it is re-registered.
ALTER TABLE migrate.migrations ADD COLUMN author oid;
UPDATE migrate.migrations m SET author = r.oid
FROM pg_catalog.pg_roles r WHERE r.rolname OPERATOR(pg_catalog.=) m.registered_by;

-- A job runs the content that was queued: its checksum is pinned.
ALTER TABLE migrate.runner_jobs ADD COLUMN checksum text;
UPDATE migrate.runner_jobs j SET checksum = m.checksum FROM migrate.migrations m
WHERE m.stream OPERATOR(pg_catalog.=) j.stream AND m.version OPERATOR(pg_catalog.=) j.version;

-- apply_exact(): apply() for a deploy that read files. It applies exactly
-- the content whose checksums it is given, refuses content that changed
-- since, and pending migrations found in no file unless include_unlisted.
-- Whoever may call apply() may call it: its grants are copied.
CREATE FUNCTION migrate.apply_exact(expected text[], include_unlisted boolean DEFAULT false,
                                    stream text DEFAULT NULL, target text DEFAULT NULL,
                                    dry_run boolean DEFAULT false, on_error text DEFAULT 'raise')
RETURNS TABLE (stream text, version text, name text, outcome text, duration_ms double precision)
AS 'MODULE_PATHNAME', 'migrate_apply_exact' LANGUAGE C VOLATILE;
COMMENT ON FUNCTION migrate.apply_exact(text[], boolean, text, text, boolean, text) IS
    'pg_migrate: apply exactly the pending content a deploy read from its files';
REVOKE ALL ON FUNCTION migrate.apply_exact(text[], boolean, text, text, boolean, text) FROM PUBLIC;
DO $$
DECLARE
    g record;
BEGIN
    FOR g IN SELECT a.grantee, a.is_grantable
             FROM pg_catalog.pg_proc p, pg_catalog.aclexplode(p.proacl) a
             WHERE p.oid OPERATOR(pg_catalog.=) 'migrate.apply(text, text, boolean, text)'::pg_catalog.regprocedure
               AND a.privilege_type OPERATOR(pg_catalog.=) 'EXECUTE' AND a.grantee OPERATOR(pg_catalog.<>) 0 LOOP
        EXECUTE pg_catalog.format('GRANT EXECUTE ON FUNCTION migrate.apply_exact(text[], boolean, text, text, '
                                  'boolean, text) TO %s%s', g.grantee::pg_catalog.regrole,
                                  CASE WHEN g.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END);
    END LOOP;
END $$;

CREATE OR REPLACE FUNCTION migrate.version_sql()
RETURNS text
LANGUAGE sql IMMUTABLE
SET search_path = pg_catalog, pg_temp
AS $$ SELECT '0.1.3'::text $$;
