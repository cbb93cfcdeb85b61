-- Projects belong to an account; each account sees only its own rows.
-- migrate:db-version 1.0.0
-- migrate:up
CREATE TYPE project_status AS ENUM ('draft', 'active', 'archived');

CREATE TABLE projects (
    id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    account_id uuid NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    name       text NOT NULL,
    status     project_status NOT NULL DEFAULT 'draft',
    tags       text[] NOT NULL DEFAULT '{}',
    settings   jsonb NOT NULL DEFAULT '{}',
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now()
);

ALTER TABLE projects ENABLE ROW LEVEL SECURITY;
CREATE POLICY projects_by_account ON projects
    USING (account_id = nullif(current_setting('app.account_id', true), '')::uuid);

-- migrate:down
DROP TABLE projects;
DROP TYPE project_status;

-- migrate:verify
SELECT relrowsecurity FROM pg_class WHERE oid = 'projects'::regclass;
