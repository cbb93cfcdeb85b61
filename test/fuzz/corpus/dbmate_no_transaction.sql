-- migrate:up transaction:false
CREATE INDEX CONCURRENTLY IF NOT EXISTS projects_account_idx ON projects (account_id);

-- migrate:down transaction:false
DROP INDEX CONCURRENTLY IF EXISTS projects_account_idx;
