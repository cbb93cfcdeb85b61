/*
 * pg_migrate 0.1.3 → 0.1.4: schema fingerprints. describe() is a canonical
 * text description of the schema, fingerprint() its sha256; every action
 * records the fingerprint after it, the description of the latest state is
 * kept in migrate.schema_state, and apply() compares the live schema with it
 * before it runs anything (pg_migrate.drift_gate).
 */
\echo Use "ALTER EXTENSION pg_migrate UPDATE TO '0.1.4'" to load this file. \quit

-- The fingerprint after the action; NULL where the action recorded none.
ALTER TABLE migrate.history ADD COLUMN fingerprint text;
ALTER TABLE migrate.history DROP CONSTRAINT history_action_check;
ALTER TABLE migrate.history ADD CONSTRAINT history_action_check
    CHECK (action IN ('apply', 'rollback', 'resolve', 'baseline', 'repair', 'accept-drift'));

-- The description of the schema as the last recorded action left it.
CREATE TABLE migrate.schema_state (
    kind        text COLLATE "C" NOT NULL,
    object      text COLLATE "C" NOT NULL,
    description text NOT NULL,
    PRIMARY KEY (kind, object)
);
SELECT pg_catalog.pg_extension_config_dump('migrate.schema_state', '');
COMMENT ON TABLE migrate.schema_state IS 'pg_migrate: the schema as the last recorded action left it';

/*
 * One row per schema object of the described schemas (default: every schema
 * but the system ones and migrate), in (kind, object) order. No OIDs, no
 * timestamps, no owners or grants (they differ between environments built
 * by the same migrations); objects that belong to an extension are the
 * extension's row.
 */
CREATE FUNCTION migrate.describe(schemas text[] DEFAULT NULL)
RETURNS TABLE (kind text, object text, description text)
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $describe$
SELECT u.kind, u.object, u.description FROM (
WITH ns AS (
    SELECT n.oid, n.nspname
    FROM pg_namespace n
    WHERE CASE WHEN schemas IS NULL
               THEN n.nspname <> ALL (ARRAY['pg_catalog', 'information_schema', 'migrate', 'pg_toast'])
                    AND n.nspname !~ '^pg_(toast|temp)'
               ELSE n.nspname = ANY (schemas) END
      AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_namespace'::regclass
                      AND d.objid = n.oid AND d.deptype = 'e')
),
rel AS (
    SELECT c.oid, c.relname, c.relkind, ns.nspname, quote_ident(ns.nspname) || '.' || quote_ident(c.relname) AS qname
    FROM pg_class c JOIN ns ON ns.oid = c.relnamespace
    WHERE NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_class'::regclass AND d.objid = c.oid
                      AND d.deptype = 'e')
),
fn AS (
    SELECT p.oid, p.prokind
    FROM pg_proc p JOIN ns ON ns.oid = p.pronamespace
    WHERE p.prokind IN ('f', 'p')
      AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid
                      AND d.deptype = 'e')
),
typ AS (
    SELECT t.oid, t.typtype, t.typbasetype, t.typnotnull, t.typdefault,
           quote_ident(ns.nspname) || '.' || quote_ident(t.typname) AS qname
    FROM pg_type t JOIN ns ON ns.oid = t.typnamespace
    WHERE t.typtype IN ('e', 'd', 'c', 'r')
      AND (t.typtype <> 'c' OR (SELECT c.relkind FROM pg_class c WHERE c.oid = t.typrelid) = 'c')
      AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.classid = 'pg_type'::regclass AND d.objid = t.oid
                      AND d.deptype = 'e')
)
SELECT 'schema', quote_ident(nspname), 'schema ' || quote_ident(nspname) FROM ns
UNION ALL
-- tables: columns in order, with type, collation, default, nullability, identity and generation
SELECT CASE r.relkind WHEN 'f' THEN 'foreign table' ELSE 'table' END, r.qname,
       CASE c.relpersistence WHEN 'u' THEN 'unlogged ' ELSE '' END ||
       CASE r.relkind WHEN 'p' THEN 'partitioned by ' || pg_get_partkeydef(r.oid) || ' ' ELSE '' END ||
       coalesce('partition of ' || (SELECT i.inhparent::regclass::text FROM pg_inherits i WHERE i.inhrelid = r.oid)
                || ' ' || pg_get_expr(c.relpartbound, r.oid) || ' ', '') ||
       CASE WHEN c.relrowsecurity THEN 'row level security ' ELSE '' END ||
       CASE WHEN c.relforcerowsecurity THEN 'forced ' ELSE '' END ||
       coalesce('with (' || array_to_string(c.reloptions, ', ') || ') ', '') ||
       '(' || coalesce((
           SELECT string_agg(quote_ident(a.attname) || ' ' || format_type(a.atttypid, a.atttypmod) ||
                             CASE WHEN a.attcollation <> 0 AND a.attcollation <> t.typcollation
                                  THEN ' collate ' || (SELECT quote_ident(co.collname) FROM pg_collation co
                                                       WHERE co.oid = a.attcollation) ELSE '' END ||
                             CASE WHEN a.attgenerated <> '' THEN
                                      ' generated always as (' || pg_get_expr(ad.adbin, ad.adrelid) || ')' ||
                                      CASE a.attgenerated WHEN 's' THEN ' stored' ELSE ' virtual' END
                                  WHEN ad.adbin IS NOT NULL THEN ' default ' || pg_get_expr(ad.adbin, ad.adrelid)
                                  ELSE '' END ||
                             CASE a.attidentity WHEN 'a' THEN ' generated always as identity'
                                                WHEN 'd' THEN ' generated by default as identity' ELSE '' END ||
                             CASE WHEN a.attnotnull THEN ' not null' ELSE '' END,
                             ', ' ORDER BY a.attnum)
           FROM pg_attribute a JOIN pg_type t ON t.oid = a.atttypid
           LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum
           WHERE a.attrelid = r.oid AND a.attnum > 0 AND NOT a.attisdropped), '') || ')'
FROM rel r JOIN pg_class c ON c.oid = r.oid
WHERE r.relkind IN ('r', 'p', 'f')
UNION ALL
-- constraints (NOT NULL is part of the column above)
SELECT 'constraint', r.qname || '.' || quote_ident(co.conname), pg_get_constraintdef(co.oid, true)
FROM pg_constraint co JOIN rel r ON r.oid = co.conrelid
WHERE co.contype <> 'n'
UNION ALL
SELECT 'index', quote_ident(r.nspname) || '.' || quote_ident(ic.relname),
       pg_get_indexdef(ic.oid) || CASE WHEN NOT i.indisvalid THEN ' -- INVALID' ELSE '' END
FROM pg_index i JOIN rel r ON r.oid = i.indrelid JOIN pg_class ic ON ic.oid = i.indexrelid
UNION ALL
SELECT CASE r.relkind WHEN 'v' THEN 'view' ELSE 'materialized view' END, r.qname,
       pg_get_viewdef(r.oid, true)
FROM rel r WHERE r.relkind IN ('v', 'm')
UNION ALL
SELECT 'sequence', r.qname,
       format_type(s.seqtypid, NULL) || ' start ' || s.seqstart || ' increment ' || s.seqincrement ||
       ' min ' || s.seqmin || ' max ' || s.seqmax || ' cache ' || s.seqcache ||
       CASE WHEN s.seqcycle THEN ' cycle' ELSE '' END ||
       coalesce(' owned by ' || (SELECT d.refobjid::regclass::text || '.' || quote_ident(a.attname)
                                 FROM pg_depend d JOIN pg_attribute a ON a.attrelid = d.refobjid
                                 AND a.attnum = d.refobjsubid
                                 WHERE d.classid = 'pg_class'::regclass AND d.objid = r.oid
                                 AND d.refclassid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')), '')
FROM rel r JOIN pg_sequence s ON s.seqrelid = r.oid
WHERE r.relkind = 'S'
UNION ALL
SELECT CASE f.prokind WHEN 'p' THEN 'procedure' ELSE 'function' END, f.oid::regprocedure::text,
       pg_get_functiondef(f.oid)
FROM fn f
UNION ALL
SELECT 'trigger', r.qname || '.' || quote_ident(tg.tgname), pg_get_triggerdef(tg.oid, true) ||
       CASE tg.tgenabled WHEN 'D' THEN ' -- disabled' WHEN 'R' THEN ' -- replica' WHEN 'A' THEN ' -- always'
                         ELSE '' END
FROM pg_trigger tg JOIN rel r ON r.oid = tg.tgrelid
WHERE NOT tg.tgisinternal
UNION ALL
SELECT 'policy', r.qname || '.' || quote_ident(po.polname),
       CASE WHEN po.polpermissive THEN 'permissive' ELSE 'restrictive' END ||
       ' for ' || CASE po.polcmd WHEN 'r' THEN 'select' WHEN 'a' THEN 'insert' WHEN 'w' THEN 'update'
                                 WHEN 'd' THEN 'delete' ELSE 'all' END ||
       ' to ' || (SELECT string_agg(CASE WHEN ro = 0 THEN 'public' ELSE ro::regrole::text END, ', ' ORDER BY 1)
                  FROM unnest(po.polroles) ro) ||
       coalesce(' using (' || pg_get_expr(po.polqual, po.polrelid) || ')', '') ||
       coalesce(' with check (' || pg_get_expr(po.polwithcheck, po.polrelid) || ')', '')
FROM pg_policy po JOIN rel r ON r.oid = po.polrelid
UNION ALL
SELECT CASE ty.typtype WHEN 'e' THEN 'enum' WHEN 'd' THEN 'domain' WHEN 'r' THEN 'range' ELSE 'type' END,
       ty.qname,
       CASE ty.typtype
           WHEN 'e' THEN '(' || (SELECT string_agg(quote_literal(e.enumlabel), ', ' ORDER BY e.enumsortorder)
                                  FROM pg_enum e WHERE e.enumtypid = ty.oid) || ')'
           WHEN 'd' THEN format_type(ty.typbasetype, NULL) ||
                         CASE WHEN ty.typnotnull THEN ' not null' ELSE '' END ||
                         coalesce(' default ' || ty.typdefault, '') ||
                         coalesce((SELECT ' ' || string_agg(quote_ident(co.conname) || ' ' ||
                                                            pg_get_constraintdef(co.oid, true), ' ' ORDER BY co.conname)
                                   FROM pg_constraint co WHERE co.contypid = ty.oid), '')
           WHEN 'r' THEN 'range of ' || (SELECT format_type(rg.rngsubtype, NULL) FROM pg_range rg
                                         WHERE rg.rngtypid = ty.oid)
           ELSE '(' || (SELECT string_agg(quote_ident(a.attname) || ' ' || format_type(a.atttypid, a.atttypmod),
                                          ', ' ORDER BY a.attnum)
                        FROM pg_attribute a JOIN pg_type t2 ON t2.oid = ty.oid
                        WHERE a.attrelid = t2.typrelid AND a.attnum > 0 AND NOT a.attisdropped) || ')'
       END
FROM typ ty
UNION ALL
SELECT 'extension', quote_ident(e.extname), 'extension ' || quote_ident(e.extname) || ' version ' || e.extversion ||
       ' schema ' || quote_ident(n.nspname)
FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
WHERE e.extname NOT IN ('plpgsql', 'pg_migrate')
  AND (schemas IS NULL OR n.nspname = ANY (schemas))
UNION ALL
SELECT 'comment', CASE WHEN d.objsubid = 0 THEN r.qname
                       ELSE r.qname || '.' || quote_ident((SELECT a.attname FROM pg_attribute a
                                                           WHERE a.attrelid = r.oid AND a.attnum = d.objsubid)) END,
       d.description
FROM pg_description d JOIN rel r ON d.classoid = 'pg_class'::regclass AND d.objoid = r.oid
UNION ALL
SELECT 'comment', f.oid::regprocedure::text, d.description
FROM pg_description d JOIN fn f ON d.classoid = 'pg_proc'::regclass AND d.objoid = f.oid
) u (kind, object, description)
ORDER BY u.kind COLLATE "C", u.object COLLATE "C"
$describe$;
COMMENT ON FUNCTION migrate.describe(text[]) IS 'pg_migrate: canonical description of the schema, one object per row';

CREATE FUNCTION migrate.fingerprint(schemas text[] DEFAULT NULL)
RETURNS text
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT encode(sha256(convert_to(coalesce(string_agg(d.kind || ' ' || d.object || E'\n' || d.description, E'\n'
                                                        ORDER BY d.kind COLLATE "C", d.object COLLATE "C"), ''),
                                      'UTF8')), 'hex')
    FROM migrate.describe(schemas) d
$$;
COMMENT ON FUNCTION migrate.fingerprint(text[]) IS 'pg_migrate: sha256 of describe()';

-- Object by object, what differs between the recorded state and the live schema.
CREATE FUNCTION migrate.schema_diff()
RETURNS TABLE (kind text, object text, change text, before text, after text)
LANGUAGE sql STABLE
SET search_path = pg_catalog, pg_temp
AS $$
    SELECT coalesce(l.kind, s.kind), coalesce(l.object, s.object),
           CASE WHEN s.kind IS NULL THEN 'added' WHEN l.kind IS NULL THEN 'removed' ELSE 'changed' END,
           s.description, l.description
    FROM migrate.describe() l
    FULL JOIN migrate.schema_state s ON s.kind = l.kind AND s.object = l.object
    WHERE l.description IS DISTINCT FROM s.description
    ORDER BY coalesce(l.kind, s.kind) COLLATE "C", coalesce(l.object, s.object) COLLATE "C"
$$;
COMMENT ON FUNCTION migrate.schema_diff() IS 'pg_migrate: what differs between the recorded schema state and the live schema';

CREATE FUNCTION migrate.accept_drift()
RETURNS text
AS 'MODULE_PATHNAME', 'migrate_accept_drift' LANGUAGE C VOLATILE;
COMMENT ON FUNCTION migrate.accept_drift() IS 'pg_migrate: record the live schema as the new baseline (history action accept-drift)';

REVOKE ALL ON FUNCTION migrate.describe(text[]) FROM PUBLIC;
REVOKE ALL ON FUNCTION migrate.fingerprint(text[]) FROM PUBLIC;
REVOKE ALL ON FUNCTION migrate.schema_diff() FROM PUBLIC;
REVOKE ALL ON FUNCTION migrate.accept_drift() FROM PUBLIC;
-- Whoever may call apply() may use them.
DO $$
DECLARE
    g record;
    f text;
BEGIN
    FOR g IN SELECT a.grantee, a.is_grantable
             FROM pg_catalog.pg_proc p, pg_catalog.aclexplode(p.proacl) a
             WHERE p.oid OPERATOR(pg_catalog.=) 'migrate.apply(text, text, boolean, text)'::pg_catalog.regprocedure
               AND a.privilege_type OPERATOR(pg_catalog.=) 'EXECUTE' AND a.grantee OPERATOR(pg_catalog.<>) 0 LOOP
        FOREACH f IN ARRAY ARRAY['migrate.describe(text[])', 'migrate.fingerprint(text[])', 'migrate.schema_diff()',
                                 'migrate.accept_drift()'] LOOP
            EXECUTE pg_catalog.format('GRANT EXECUTE ON FUNCTION %s TO %s%s', f, g.grantee::pg_catalog.regrole,
                                      CASE WHEN g.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END);
        END LOOP;
    END LOOP;
END $$;

CREATE OR REPLACE FUNCTION migrate.version_sql()
RETURNS text
LANGUAGE sql IMMUTABLE
SET search_path = pg_catalog, pg_temp
AS $$ SELECT '0.1.4'::text $$;
