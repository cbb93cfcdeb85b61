-- A constant default adds the column without rewriting the table (PostgreSQL 11+).
-- migrate:db-version 1.1.0
-- migrate:up
ALTER TABLE projects ADD COLUMN budget numeric(12, 2) NOT NULL DEFAULT 0;
ALTER TABLE projects ADD CONSTRAINT projects_budget_positive CHECK (budget >= 0) NOT VALID;
ALTER TABLE projects VALIDATE CONSTRAINT projects_budget_positive;

-- migrate:down
ALTER TABLE projects DROP COLUMN budget;
