-- Fails on a database that already holds two users with the same address:
-- tests/migrations/sql/unique_email.sql shows how.
-- migrate:up
CREATE UNIQUE INDEX users_email_lower_key ON users (email_lower);
-- migrate:down
DROP INDEX users_email_lower_key;
