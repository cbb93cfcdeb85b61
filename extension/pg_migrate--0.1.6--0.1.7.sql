/*
 * pg_migrate 0.1.6 → 0.1.7: register_many() registers a whole upload in one
 * call — the same checks and outcomes as register() once per file, in the
 * files' order, with one lookup and one insert instead of one of each per
 * file. History and every registered migration stay as they are.
 */
\echo Use "ALTER EXTENSION pg_migrate UPDATE TO '0.1.7'" to load this file. \quit

CREATE FUNCTION migrate.register_many(streams text[], versions text[], names text[], scripts text[],
                                      sources text[] DEFAULT NULL)
RETURNS TABLE (stream text, version text, outcome text)
AS 'MODULE_PATHNAME', 'migrate_register_many' LANGUAGE C VOLATILE;
COMMENT ON FUNCTION migrate.register_many(text[], text[], text[], text[], text[]) IS
    'pg_migrate: register() for each element of the arrays, in order, in one call; one row per migration';
REVOKE ALL ON FUNCTION migrate.register_many(text[], text[], text[], text[], text[]) FROM PUBLIC;

-- Whoever may call register() may register many at once: its grants are copied.
DO $$
DECLARE
    g record;
BEGIN
    FOR g IN SELECT a.grantee, a.is_grantable
             FROM pg_catalog.pg_proc p, pg_catalog.aclexplode(p.proacl) a
             WHERE p.oid OPERATOR(pg_catalog.=) 'migrate.register(text, text, text, text, text)'::pg_catalog.regprocedure
               AND a.privilege_type OPERATOR(pg_catalog.=) 'EXECUTE'
               AND a.grantee OPERATOR(pg_catalog.<>) p.proowner LOOP
        EXECUTE pg_catalog.format('GRANT EXECUTE ON FUNCTION migrate.register_many(text[], text[], text[], text[], text[]) TO %s%s',
                                  CASE WHEN g.grantee OPERATOR(pg_catalog.=) 0 THEN 'PUBLIC'
                                       ELSE g.grantee::pg_catalog.regrole::pg_catalog.text END,
                                  CASE WHEN g.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END);
    END LOOP;
END $$;

CREATE OR REPLACE FUNCTION migrate.version_sql()
RETURNS text
LANGUAGE sql IMMUTABLE
SET search_path = pg_catalog, pg_temp
AS $$ SELECT '0.1.7'::text $$;
