-- migrate:db-version 1.0.0
-- migrate:up
CREATE TABLE accounts (
    id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name       text NOT NULL,
    plan       text NOT NULL DEFAULT 'free' CHECK (plan IN ('free', 'team', 'enterprise')),
    created_at timestamptz NOT NULL DEFAULT now()
);

-- migrate:down
DROP TABLE accounts;

-- migrate:verify
SELECT id, name, plan, created_at FROM accounts LIMIT 0;
