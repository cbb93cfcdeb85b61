-- Database version 1.2.0: projects can be archived (additive: old clients
-- keep working, which the compatibility matrix records).
-- migrate:db-version 1.2.0
-- migrate:up
ALTER TABLE projects ADD COLUMN archived_at timestamptz;

-- migrate:down
ALTER TABLE projects DROP COLUMN archived_at;
