-- The same index built CONCURRENTLY: writers go on. IF NOT EXISTS makes a
-- resumed step safe (pg_migrate test runs it twice to check).
-- migrate:no-transaction
-- migrate:up
CREATE INDEX CONCURRENTLY IF NOT EXISTS users_name_concurrently ON users (name);
-- migrate:down
DROP INDEX IF EXISTS users_name_concurrently;
