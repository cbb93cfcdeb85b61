-- A data migration: a new column, backfilled from the old one.
-- migrate:up
ALTER TABLE users ADD COLUMN email_lower text;
UPDATE users SET email_lower = lower(email) WHERE email_lower IS NULL;
-- migrate:down
-- migrate:allow drop-column
ALTER TABLE users DROP COLUMN email_lower;
-- migrate:verify
SELECT NOT EXISTS (SELECT 1 FROM users WHERE email_lower IS DISTINCT FROM lower(email));
