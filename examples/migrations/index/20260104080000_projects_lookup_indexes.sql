-- Indexes live in their own stream so they can be deployed later
-- (SKIP_INDEX_MIGRATIONS=true skips them).
-- migrate:requires schema:20260103100000
-- migrate:up
CREATE INDEX projects_account_id_idx ON projects (account_id);
CREATE INDEX projects_active_idx ON projects (account_id, created_at DESC) WHERE status = 'active';
CREATE INDEX projects_tags_idx ON projects USING gin (tags);
CREATE INDEX projects_settings_idx ON projects USING gin (settings jsonb_path_ops);
CREATE INDEX accounts_lower_name_idx ON accounts (lower(name));

-- migrate:down
DROP INDEX projects_account_id_idx, projects_active_idx, projects_tags_idx, projects_settings_idx,
    accounts_lower_name_idx;
