-- Demo data; runs after the schema it needs, whatever order streams are deployed in.
-- migrate:requires schema:20260101120500
-- migrate:up
INSERT INTO accounts (id, name, plan) VALUES
    ('6f1d2a3e-0000-4000-8000-000000000001', 'Acme', 'team'),
    ('6f1d2a3e-0000-4000-8000-000000000002', 'Globex', 'free');

INSERT INTO projects (account_id, name, status, tags)
SELECT '6f1d2a3e-0000-4000-8000-000000000001', 'Project ' || n, 'active', ARRAY['demo']
FROM generate_series(1, 3) AS n;

-- migrate:down
DELETE FROM projects WHERE account_id IN ('6f1d2a3e-0000-4000-8000-000000000001', '6f1d2a3e-0000-4000-8000-000000000002');
DELETE FROM accounts WHERE id IN ('6f1d2a3e-0000-4000-8000-000000000001', '6f1d2a3e-0000-4000-8000-000000000002');

-- migrate:verify
SELECT count(*) = 2 FROM accounts WHERE name IN ('Acme', 'Globex');
