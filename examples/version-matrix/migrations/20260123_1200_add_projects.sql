-- Database version 1.1.0: the projects module, isolated per account.
-- migrate:db-version 1.1.0
-- migrate:requires schema:20260101_1200
-- migrate:up
CREATE TABLE projects (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    account_id bigint NOT NULL REFERENCES accounts (id),
    name       text NOT NULL
);
CREATE INDEX projects_account_id_idx ON projects (account_id);
ALTER TABLE projects ENABLE ROW LEVEL SECURITY;

-- migrate:down
DROP TABLE projects;

-- migrate:verify
SELECT relrowsecurity FROM pg_class WHERE oid = 'projects'::regclass;
