-- Lookup indexes of campaigns: unique, functional (case-insensitive) and
-- composite sorted. Built CONCURRENTLY by pg_migrate's background runner, so
-- the table stays writable; `pg_migrate deploy` waits for the builds.
-- migrate:no-transaction
-- migrate:requires schema:20260201090500
-- migrate:up
CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS campaigns_slug_key ON campaigns (slug);
CREATE INDEX CONCURRENTLY IF NOT EXISTS campaigns_name_lower_idx ON campaigns (lower(name));
CREATE INDEX CONCURRENTLY IF NOT EXISTS campaigns_status_created_idx ON campaigns (status, created_at DESC);

-- migrate:down
DROP INDEX CONCURRENTLY IF EXISTS campaigns_status_created_idx;
DROP INDEX CONCURRENTLY IF EXISTS campaigns_name_lower_idx;
DROP INDEX CONCURRENTLY IF EXISTS campaigns_slug_key;
