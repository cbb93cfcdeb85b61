-- Database version 1.0.0: the initial multi-tenant set-up.
-- migrate:db-version 1.0.0
-- migrate:up
CREATE TABLE accounts (
    id         bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    name       text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);

-- migrate:down
DROP TABLE accounts;

-- migrate:verify
SELECT 1 FROM accounts LIMIT 0;
