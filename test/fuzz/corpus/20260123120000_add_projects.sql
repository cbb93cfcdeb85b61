-- migrate:db-version 1.1.0
-- migrate:requires schema:20260101120000
-- migrate:up
CREATE TABLE projects (id uuid PRIMARY KEY, account_id uuid NOT NULL);
ALTER TABLE projects ENABLE ROW LEVEL SECURITY;
-- migrate:down
DROP TABLE projects;
-- migrate:verify
SELECT 1 FROM projects LIMIT 0;
