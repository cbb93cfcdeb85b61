/*
 * pg_migrate 0.1.4 → 0.1.5: lint that knows the database it runs against.
 * migrate.lint() returns two more columns at the end: allowed (acknowledged
 * by -- migrate:allow or another linter's suppression comment) and
 * blocks_here (whether apply() would refuse the finding against this
 * database now; NULL when a table it names is locked by another session).
 * The first six columns are as before. History and every registered
 * migration stay as they are.
 */
\echo Use "ALTER EXTENSION pg_migrate UPDATE TO '0.1.5'" to load this file. \quit

-- The result type changes, so lint() is created anew; the roles that could
-- call the old one may call the new one.
ALTER FUNCTION migrate.lint(text) RENAME TO lint_before_0_1_5;
CREATE FUNCTION migrate.lint(script text)
RETURNS TABLE (statement integer, line integer, rule text, severity text, lock_mode text, message text,
               allowed boolean, blocks_here boolean)
AS 'MODULE_PATHNAME', 'migrate_lint' LANGUAGE C STABLE;
COMMENT ON FUNCTION migrate.lint(text) IS
    'pg_migrate: lint findings for a migration script, with the lock each statement takes and whether each would block here';
REVOKE ALL ON FUNCTION migrate.lint(text) FROM PUBLIC;
DO $$
DECLARE
    g record;
BEGIN
    FOR g IN SELECT a.grantee, a.is_grantable
             FROM pg_catalog.pg_proc p, pg_catalog.aclexplode(p.proacl) a
             WHERE p.oid OPERATOR(pg_catalog.=) 'migrate.lint_before_0_1_5(text)'::pg_catalog.regprocedure
               AND a.privilege_type OPERATOR(pg_catalog.=) 'EXECUTE'
               AND a.grantee OPERATOR(pg_catalog.<>) p.proowner LOOP
        EXECUTE pg_catalog.format('GRANT EXECUTE ON FUNCTION migrate.lint(text) TO %s%s',
                                  CASE WHEN g.grantee OPERATOR(pg_catalog.=) 0 THEN 'PUBLIC'
                                       ELSE g.grantee::pg_catalog.regrole::pg_catalog.text END,
                                  CASE WHEN g.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END);
    END LOOP;
END $$;
DROP FUNCTION migrate.lint_before_0_1_5(text);

CREATE OR REPLACE FUNCTION migrate.version_sql()
RETURNS text
LANGUAGE sql IMMUTABLE
SET search_path = pg_catalog, pg_temp
AS $$ SELECT '0.1.5'::text $$;

-- Migration text is stored as written, not compressed: pglz on every
-- registered script cost a first deploy of many small migrations more time
-- than it saved space (a thousand migrations are a few MB either way).
ALTER TABLE migrate.migrations
    ALTER COLUMN script SET STORAGE EXTERNAL,
    ALTER COLUMN up_sql SET STORAGE EXTERNAL,
    ALTER COLUMN down_sql SET STORAGE EXTERNAL,
    ALTER COLUMN verify_sql SET STORAGE EXTERNAL;
