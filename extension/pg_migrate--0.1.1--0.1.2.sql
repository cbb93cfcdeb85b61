/*
 * pg_migrate 0.1.1 → 0.1.2: what an installed catalog gains on
 * ALTER EXTENSION pg_migrate UPDATE (pg_migrate install runs it). History
 * and every registered migration stay as they are.
 */
\echo Use "ALTER EXTENSION pg_migrate UPDATE TO '0.1.2'" to load this file. \quit

-- validate() (and so pg_migrate status) looks only at migrations that can have
-- a problem: not applied, or with requirements. Once thousands are applied this
-- index keeps that look from reading every row of the catalog.
CREATE INDEX migrations_open_idx ON migrate.migrations (stream, version_key)
    WHERE state OPERATOR(pg_catalog.<>) 'applied' OR requires OPERATOR(pg_catalog.<>) '{}';

CREATE OR REPLACE FUNCTION migrate.version_sql()
RETURNS text
LANGUAGE sql IMMUTABLE
SET search_path = pg_catalog, pg_temp
AS $$ SELECT '0.1.2'::text $$;
