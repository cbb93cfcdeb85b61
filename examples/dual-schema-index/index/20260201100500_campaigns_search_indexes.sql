-- Search indexes of campaigns: GIN over the jsonb metadata and the tags
-- array, and a partial index for the active campaigns the dashboard lists.
-- migrate:no-transaction
-- migrate:requires schema:20260201090500
-- migrate:up
CREATE INDEX CONCURRENTLY IF NOT EXISTS campaigns_metadata_gin_idx ON campaigns USING gin (metadata jsonb_path_ops);
CREATE INDEX CONCURRENTLY IF NOT EXISTS campaigns_tags_gin_idx ON campaigns USING gin (tags);
CREATE INDEX CONCURRENTLY IF NOT EXISTS campaigns_active_start_idx ON campaigns (start_date)
    WHERE is_active AND status = 'active';

-- migrate:down
DROP INDEX CONCURRENTLY IF EXISTS campaigns_active_start_idx;
DROP INDEX CONCURRENTLY IF EXISTS campaigns_tags_gin_idx;
DROP INDEX CONCURRENTLY IF EXISTS campaigns_metadata_gin_idx;
