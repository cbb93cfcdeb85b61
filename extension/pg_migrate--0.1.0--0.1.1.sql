/*
 * pg_migrate 0.1.0 → 0.1.1: what an installed catalog gains on
 * ALTER EXTENSION pg_migrate UPDATE (pg_migrate install runs it). History
 * and every registered migration stay as they are.
 */
\echo Use "ALTER EXTENSION pg_migrate UPDATE TO '0.1.1'" to load this file. \quit

-- `pg_migrate history` and audits read the newest actions first.
CREATE INDEX history_started_at_idx ON migrate.history (started_at DESC);

-- The catalog's own version, so a client can tell a library and catalog mismatch
-- (migrate.version() reports the loaded library).
CREATE FUNCTION migrate.version_sql()
RETURNS text
LANGUAGE sql IMMUTABLE
SET search_path = pg_catalog, pg_temp
AS $$ SELECT '0.1.1'::text $$;
COMMENT ON FUNCTION migrate.version_sql() IS 'pg_migrate: version of the installed catalog';
REVOKE ALL ON FUNCTION migrate.version_sql() FROM PUBLIC;

-- The stored script always hashes to its checksum: a hand edit of the catalog
-- is refused when it is made, instead of being found by a scan of every
-- script on each validate().
ALTER TABLE migrate.migrations ADD CONSTRAINT migrations_checksum_matches_script
    CHECK (checksum OPERATOR(pg_catalog.=)
           pg_catalog.encode(pg_catalog.sha256(pg_catalog.convert_to(script, 'UTF8')), 'hex'));
